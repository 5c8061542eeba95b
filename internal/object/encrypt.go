package object

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/coffer-s3/coffer/internal/datakey"
	"github.com/coffer-s3/coffer/internal/sse"
)

// SSES3 is the server-side encryption of objects encrypted at rest under
// keys coffer manages (S3's SSE-S3, "AES256"), as ObjectInfo, Part and
// Upload report it. "" means stored in plaintext.
const SSES3 = "AES256"

// SSECustomer is the ServerSideEncryption of a version or part encrypted
// under a key the client provides with each request (S3's SSE-C).
const SSECustomer = "SSE-C"

// Algorithms of sseRecord.Alg. Each names how the data key is kept; the
// bytes themselves are always an sse stream (DARE 2.0, AES-256-GCM).
const (
	// sseAlgS3: Key is an sse.WrappedKey made by the Service's keyring.
	sseAlgS3 = "S3"
	// sseAlgC: Key is an sse.WrappedKey made under a key derived from the
	// customer's key and a salt; KeyID is customerKeyID's.
	sseAlgC = "C"
)

// sseRecord says how one version's or one part's bytes are encrypted at
// rest; nil means plaintext. It is stored in the object record (from
// objectFormatV4 on), in part and segment records (JSON, optional field)
// and so covers inline, single-blob and multipart data.
//
// The record is shaped so that further algorithms need no new format:
// Alg names the algorithm, Key holds that algorithm's encrypted data key
// and KeyID what identifies the key that encrypted it. SSE-KMS would be
// Alg "KMS", Key the data key as the KMS returned it wrapped, KeyID the
// KMS key id (an encryption context would go after it, length-prefixed).
// SSE-C would be Alg "C", Key the data key wrapped under a key derived
// from the customer's key, KeyID a random salt and the salted HMAC of the
// customer's key, so that a request with the wrong key is told apart
// without the key ever being stored. A reader that finds an Alg it does
// not know fails (errUnknownEncryption) instead of serving ciphertext.
type sseRecord struct {
	Alg   string `json:"a"`
	Key   []byte `json:"k"`
	KeyID string `json:"id,omitempty"`
}

// errDataCorrupt reports stored bytes or a wrapped key that fail
// authentication: they were changed, moved or belong to other data. It
// is never mapped to a client error (the server answers 500).
var errDataCorrupt = errors.New("object: stored data failed authentication")

// errUnknownEncryption reports an sseRecord this build cannot decrypt.
var errUnknownEncryption = errors.New("object: unknown encryption algorithm")

// info is the encryption ObjectInfo reports for the record.
func (r *sseRecord) info() string {
	if r == nil {
		return ""
	}
	switch r.Alg {
	case sseAlgC:
		return SSECustomer
	case sseAlgKMS:
		return SSEKMS
	}
	return SSES3
}

// The wrap contexts bind a data key to the data it encrypts: the version's
// DataID (single blob or inline) or the upload id and part number (a part,
// which becomes a segment of the completed object under the same upload id
// and part number). A wrapped key copied into another record does not
// unwrap. The labels must never change.
func objectKeyContext(dataID string) []byte {
	return sse.Context("coffer object data v1", dataID)
}

func partKeyContext(uploadID string, partNumber int) []byte {
	return sse.Context("coffer part data v1", uploadID, strconv.Itoa(partNumber))
}

// errNoKeyring is returned by New when encryption at rest is asked for
// without a keyring.
var errNoKeyring = errors.New("object: encryption at rest needs a keyring")

// encrypting reports whether a new object is encrypted: always when
// encryption at rest is on, else only when the request asked for it.
func (s *Service) encrypting(asked bool) bool { return s.encryptAtRest || asked }

// EncryptsAtRest reports whether new objects are encrypted by default.
func (s *Service) EncryptsAtRest() bool { return s.encryptAtRest }

// newDataKey returns a fresh data key and its record, wrapped for context:
// under the customer's key when ck is set (keyID then is the
// customerKeyID of ck), else under the keyring. The caller zeroes the key
// once the data is written.
func (s *Service) newDataKey(context []byte, ck *CustomerKey, keyID string) (*sse.DataKey, *sseRecord, error) {
	if ck != nil {
		return newCustomerDataKey(context, ck, keyID)
	}
	if s.keyring == nil {
		return nil, nil, errNoKeyring
	}
	key, err := sse.NewDataKey()
	if err != nil {
		return nil, nil, err
	}
	w, err := s.keyring.Wrap(key, context)
	if err != nil {
		key.Zero()
		return nil, nil, fmt.Errorf("wrap data key: %w", err)
	}
	return key, &sseRecord{Alg: sseAlgS3, Key: w}, nil
}

// dataKey unwraps the data key of rec for context; nil for plaintext. ck
// is the customer's key, which an SSE-C record needs (checked against the
// record before the read started).
func (s *Service) dataKey(rec *sseRecord, context []byte, ck *CustomerKey) (*sse.DataKey, error) {
	if rec == nil {
		return nil, nil
	}
	if rec.Alg == sseAlgC {
		return customerDataKey(rec, context, ck)
	}
	if rec.Alg != sseAlgS3 {
		return nil, fmt.Errorf("%w %q", errUnknownEncryption, rec.Alg)
	}
	if s.keyring == nil {
		return nil, fmt.Errorf("%w: an encrypted object cannot be read", errNoKeyring)
	}
	key, err := s.keyring.Unwrap(sse.WrappedKey(rec.Key), context)
	if err != nil {
		return nil, fmt.Errorf("%w: data key: %w", errDataCorrupt, err)
	}
	return key, nil
}

// readKeys is what a read gives to open its data keys: the customer's
// key of an SSE-C version, the caller the key service authorizes for an
// SSE-KMS one.
type readKeys struct {
	customer *CustomerKey
	caller   *datakey.Caller
}

// readKey unwraps the data key of rec for wctx with what the read gave.
func (s *Service) readKey(ctx context.Context, rec *sseRecord, wctx []byte, rk readKeys) (*sse.DataKey, error) {
	if rec != nil && rec.Alg == sseAlgKMS {
		return s.kmsDataKey(ctx, rec, wctx, rk.caller)
	}
	return s.dataKey(rec, wctx, rk.customer)
}

// what names a version in log records.
func (o *ObjectInfo) what() []any {
	return []any{"bucket", o.Bucket, "key", o.Key, "version", o.VersionID}
}
