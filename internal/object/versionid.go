package object

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// A version's seq is 16 bytes: the big-endian bitwise complement of its
// creation time in Unix nanoseconds, then 8 random bytes. Seqs of one key
// therefore sort newest first, and the random half makes version ids
// unguessable. The version id of a non-null version is its seq in
// versionAlphabet, so an id names its place in the 'V' table directly.
const seqLen = 16

// versionAlphabet is base64's 64 symbols in ASCII order, all of them
// unreserved in URLs: the encoding of fixed-length seqs sorts like the
// seqs. It is part of the on-disk format and must never change.
const versionAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// versionEncoding encodes seqs as version ids (22 characters).
var versionEncoding = base64.NewEncoding(versionAlphabet).WithPadding(base64.NoPadding).Strict()

// versionIDLen is the length of every non-null version id.
var versionIDLen = versionEncoding.EncodedLen(seqLen)

// newSeq returns a seq for a version created at now that sorts before
// latest, the seq of the key's newest version (nil if none): with a clock
// that stands still or steps back, the new version still sorts first.
func newSeq(now time.Time, latest []byte) []byte {
	inv := math.MaxUint64 - uint64(now.UnixNano())
	if len(latest) == seqLen {
		if l := binary.BigEndian.Uint64(latest); inv >= l && l > 0 {
			inv = l - 1
		}
	}
	seq := binary.BigEndian.AppendUint64(make([]byte, 0, seqLen), inv)
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+).
		panic(err)
	}
	return append(seq, r[:]...)
}

// seqOf returns the seq of a record. Records written before versioning
// have none; their place follows from their modification time.
func seqOf(r *objectRecord) []byte {
	if len(r.Seq) == seqLen {
		return r.Seq
	}
	seq := make([]byte, seqLen)
	binary.BigEndian.PutUint64(seq, math.MaxUint64-uint64(r.Modified.UnixNano()))
	return seq
}

// encodeVersionID returns the version id of a seq.
func encodeVersionID(seq []byte) string { return versionEncoding.EncodeToString(seq) }

// parseVersionID returns the seq a non-null version id names, or
// ErrInvalidVersionID.
func parseVersionID(id string) ([]byte, error) {
	if len(id) != versionIDLen {
		return nil, fmt.Errorf("%w: %q", ErrInvalidVersionID, id)
	}
	seq, err := versionEncoding.DecodeString(id)
	if err != nil || len(seq) != seqLen {
		return nil, fmt.Errorf("%w: %q", ErrInvalidVersionID, id)
	}
	return seq, nil
}

// displayVersion is the version id a client sees for a record: "null" for
// a null version in a bucket that has or had versioning, nothing in one
// that never had.
func displayVersion(r *objectRecord, versioned bool) string {
	switch {
	case r.VersionID != "":
		return r.VersionID
	case versioned:
		return NullVersionID
	}
	return ""
}
