package fs

import "unsafe"

// directAlign is what O_DIRECT requires of a write's file offset, length and
// memory address: 4096 is a multiple of every logical block size Linux
// block devices use.
const directAlign = 4096

// alignedBuffer returns size bytes whose first byte is directAlign-aligned,
// as O_DIRECT needs. Go guarantees no alignment beyond the word, so it
// over-allocates and slices.
func alignedBuffer(size int) []byte {
	b := make([]byte, size+directAlign)
	off := 0
	if rem := int(uintptr(unsafe.Pointer(&b[0])) & (directAlign - 1)); rem != 0 {
		off = directAlign - rem
	}
	return b[off : off+size : off+size]
}
