package fs

import (
	"crypto/rand"
	"encoding/hex"
	"path/filepath"

	"github.com/coffer-s3/coffer/internal/blob"
)

// idLen is the length of an id: 128 random bits in lowercase hex. Random
// rather than time-ordered ids spread blobs evenly over the fan-out
// directories, and need no coordination between nodes sharing a directory.
const idLen = 32

// newID returns a fresh random id.
func newID() blob.ID {
	var b [idLen / 2]byte
	rand.Read(b[:]) // never fails (crypto/rand documents that it panics instead)
	return blob.ID(hex.EncodeToString(b[:]))
}

// validID reports whether id has the shape newID produces. Anything else
// names no blob, and is never turned into a path.
func validID(id blob.ID) bool {
	if len(id) != idLen {
		return false
	}
	for _, c := range []byte(id) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// fanout returns the directory of id relative to the store root: "ab/cd"
// for an id starting "abcd". Two levels of 256 keep directories small up to
// billions of blobs.
func fanout(id blob.ID) string {
	return filepath.Join(string(id[0:2]), string(id[2:4]))
}
