package md5lanes

import (
	"crypto/md5"
	"encoding"
	"encoding/binary"
)

// crypto/md5 marshals its state as this magic, a-d big-endian, the
// partial block and the length. The format is part of its compatibility
// promise: states written by one Go release load in the next.
const (
	stdMagic = "md5\x01"
	stdSize  = len(stdMagic) + 4*4 + BlockSize + 8
)

// stdState is crypto/md5's hash with the state-carrying interfaces.
type stdState interface {
	Write([]byte) (int, error)
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
}

// scalar hashes p, whole blocks, on the calling goroutine with crypto/md5's
// scalar assembly, carrying d.s into and out of it through its marshalled
// state. Should that format ever change, the lane kernel does the work.
// (A stream alone in a lane would run at half crypto/md5's speed.)
func (d *Digest) scalar(p []byte) {
	if d.std == nil {
		d.std = md5.New().(stdState)
	}
	b := append(d.stdBuf[:0], stdMagic...)
	for _, v := range d.s {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	// A zero length leaves no partial block; crypto/md5 never looks at
	// the length again until Sum, which is not called.
	b = b[:stdSize]
	clear(b[len(stdMagic)+16:])
	if d.std.UnmarshalBinary(b) != nil {
		hashInPlace(&d.s, p)
		return
	}
	d.std.Write(p)
	out, err := d.std.AppendBinary(d.stdBuf[:0])
	if err != nil || len(out) != stdSize || string(out[:len(stdMagic)]) != stdMagic {
		hashInPlace(&d.s, p) // d.s is as it was before p
		return
	}
	for i := range d.s {
		d.s[i] = binary.BigEndian.Uint32(out[len(stdMagic)+4*i:])
	}
}
