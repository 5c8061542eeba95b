package sse

import (
	"fmt"

	"github.com/minio/sio"
)

// DecryptBytes appends to dst the plaintext of src, a whole stored stream
// of size plaintext bytes encrypted under key, and returns the extended
// slice. It authenticates every package before it returns anything, and
// needs no buffer besides dst: it is for streams held in memory, such as
// small objects stored inline. It fails with ErrNotAuthentic as
// DecryptRange does; size comes from the object's record.
func DecryptBytes(dst, src []byte, key *DataKey, size int64) ([]byte, error) {
	if got, want := int64(len(src)), EncryptedSize(size); got != want {
		return nil, fmt.Errorf("%w: stream of %d bytes, want %d for %d plaintext bytes", ErrNotAuthentic, got, want, size)
	}
	if size == 0 {
		return dst, nil
	}
	n := len(dst)
	out, err := sio.DecryptBuffer(dst, src, config(key, 0))
	if err != nil {
		return nil, notAuthentic(err)
	}
	if int64(len(out)-n) != size {
		return nil, fmt.Errorf("%w: %d plaintext bytes, want %d", ErrNotAuthentic, len(out)-n, size)
	}
	return out, nil
}
