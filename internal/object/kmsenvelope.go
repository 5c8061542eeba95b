package object

import (
	"errors"
	"fmt"
	"slices"
)

// kmsEnvelopeV1 is the first encoding of kmsEnvelope, the Key of an
// SSE-KMS sseRecord:
//
//	version byte (1), flags uint (bit 0: bucket key),
//	Blob str, Salt str, Wrapped str,
//	context pairs uint, then each pair as Key str, Value str, keys sorted
//
// An empty Blob is the summary of a multipart object (kmsSummary): its
// parts hold the keys. This encoding must never change; new fields need a
// new version.
const kmsEnvelopeV1 byte = 1

const kmsFlagBucketKey = 1 << 0

// kmsEnvelope is how an SSE-KMS data key is kept: wrapped under a key
// derived (with salt) from a KMS data key whose ciphertext, blob, the key
// service decrypts for the encryption context it was made with. Under a
// bucket key, blob is the bucket key's and is shared by many objects.
type kmsEnvelope struct {
	bucketKey bool
	blob      []byte
	salt      []byte
	wrapped   []byte
	context   map[string]string
}

func (e *kmsEnvelope) encode() []byte {
	enc := encoder{buf: []byte{kmsEnvelopeV1}}
	var flags uint64
	if e.bucketKey {
		flags |= kmsFlagBucketKey
	}
	enc.uint(flags)
	enc.str(string(e.blob))
	enc.str(string(e.salt))
	enc.str(string(e.wrapped))
	keys := make([]string, 0, len(e.context))
	for k := range e.context {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	enc.uint(uint64(len(keys)))
	for _, k := range keys {
		enc.str(k)
		enc.str(e.context[k])
	}
	return enc.buf
}

// decodeKMSEnvelope parses what encode wrote.
func decodeKMSEnvelope(b []byte) (*kmsEnvelope, error) {
	if len(b) == 0 || b[0] != kmsEnvelopeV1 {
		return nil, fmt.Errorf("%w: sse-kms key: %w", errDataCorrupt, errBadRecord)
	}
	d := decoder{buf: b[1:]}
	flags := d.uint()
	e := &kmsEnvelope{bucketKey: flags&kmsFlagBucketKey != 0}
	e.blob = []byte(d.str())
	e.salt = []byte(d.str())
	e.wrapped = []byte(d.str())
	if n := d.count(); n > 0 {
		e.context = make(map[string]string, n)
		for range n {
			k := d.str()
			e.context[k] = d.str()
		}
	}
	if d.err == nil && len(d.buf) != 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: sse-kms key: %w: %v", errDataCorrupt, errBadRecord, d.err)
	}
	return e, nil
}
