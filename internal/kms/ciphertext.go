package kms

import (
	"encoding/binary"
	"slices"
)

// Ciphertext blob format, version 1. Its layout must never change; a new
// layout gets a new version byte and this one keeps decrypting:
//
//	[0]      format version, 1
//	[1:17]   key id (the UUID's 16 bytes)
//	[17:21]  material version, uint32 big-endian
//	[21:33]  GCM nonce, random
//	[33:]    AES-256-GCM ciphertext and 16-byte tag
//
// The GCM additional data is the header ([0:21]) followed by the
// encryption context in canonical form (contextAAD), so a changed header,
// another key's material or another context fails authentication.
const (
	blobV1       byte = 1
	blobHeader        = 21
	blobNonce         = 12
	blobTag           = 16
	blobOverhead      = blobHeader + blobNonce + blobTag
	// maxBlob bounds what parseBlob accepts: 4096 bytes of plaintext
	// (the largest Encrypt allows) and the overhead, rounded up.
	maxBlob = 6144
)

// blob is a parsed ciphertext blob.
type blob struct {
	keyID   string
	version uint32
	header  []byte
	nonce   []byte
	sealed  []byte
}

// parseBlob splits b; it checks the layout only, authentication is
// Decrypt's. Any error is ErrInvalidCiphertext.
func parseBlob(b []byte) (*blob, error) {
	if len(b) < blobOverhead || len(b) > maxBlob || b[0] != blobV1 {
		return nil, ErrInvalidCiphertext
	}
	var id [16]byte
	copy(id[:], b[1:17])
	return &blob{
		keyID:   formatUUID(id),
		version: binary.BigEndian.Uint32(b[17:21]),
		header:  b[:blobHeader],
		nonce:   b[blobHeader : blobHeader+blobNonce],
		sealed:  b[blobHeader+blobNonce:],
	}, nil
}

// blobHeaderFor is the header of a blob under version of key id.
func blobHeaderFor(id string, version uint32) []byte {
	uuid, _ := parseUUID(id)
	h := make([]byte, blobHeader, blobOverhead)
	h[0] = blobV1
	copy(h[1:17], uuid[:])
	binary.BigEndian.PutUint32(h[17:21], version)
	return h
}

// contextAAD encodes an encryption context canonically: pairs sorted by
// key, each key and value preceded by its length as a uvarint, so the
// order of the map and the bytes of its strings cannot make two contexts
// encode alike.
func contextAAD(ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := binary.AppendUvarint(nil, uint64(len(keys)))
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		out = binary.AppendUvarint(out, uint64(len(ec[k])))
		out = append(out, ec[k]...)
	}
	return out
}
