package fs

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/coffer-s3/coffer/internal/blob"
)

// Blob file header, at offset 0 of every blob file:
//
//	offset  size  field
//	0       8     magic "\x89CFBLOB\n"
//	8       2     format version, big-endian uint16
//	10      2     flags, big-endian uint16
//	12      4     reserved, zero
//
// The payload (the bytes written to the Writer) follows at headerSize.
const headerSize = 16

// magic identifies a coffer blob file. The high first byte and the trailing
// newline catch files mangled by text-mode transfers, as PNG's magic does.
const magic = "\x89CFBLOB\n"

// formatV1 is the first blob file format: the header above followed by the
// raw payload. Its encoding must never change; a new layout gets a new
// version constant and readers keep decoding this one.
const formatV1 uint16 = 1

// currentFormat is the version new blobs are written with.
const currentFormat = formatV1

// knownFlags are the flag bits this version understands: blob.Flags,
// properties of the payload encoding chosen above this layer (bit 0: the
// payload is encrypted at rest). The store only records and reports them.
// A reader refuses a blob with a flag it does not know rather than return
// bytes it would misinterpret. Adding a flag bit keeps formatV1.
const knownFlags = uint16(blob.FlagEncrypted)

// encodeHeader returns the header for a new blob with flags.
func encodeHeader(flags uint16) [headerSize]byte {
	var h [headerSize]byte
	copy(h[:8], magic)
	binary.BigEndian.PutUint16(h[8:10], currentFormat)
	binary.BigEndian.PutUint16(h[10:12], flags)
	return h
}

// decodeHeader validates h and returns its flags. Every failure wraps
// blob.ErrCorrupt.
func decodeHeader(h []byte) (flags uint16, err error) {
	if len(h) < headerSize {
		return 0, fmt.Errorf("%w: header is %d bytes, want %d", blob.ErrCorrupt, len(h), headerSize)
	}
	if !bytes.Equal(h[:8], []byte(magic)) {
		return 0, fmt.Errorf("%w: bad magic %q", blob.ErrCorrupt, h[:8])
	}
	if v := binary.BigEndian.Uint16(h[8:10]); v != formatV1 {
		return 0, fmt.Errorf("%w: unknown format version %d", blob.ErrCorrupt, v)
	}
	flags = binary.BigEndian.Uint16(h[10:12])
	if flags&^knownFlags != 0 {
		return 0, fmt.Errorf("%w: unknown flags %#04x", blob.ErrCorrupt, flags&^knownFlags)
	}
	if !bytes.Equal(h[12:16], make([]byte, 4)) {
		return 0, fmt.Errorf("%w: reserved header bytes are not zero", blob.ErrCorrupt)
	}
	return flags, nil
}
