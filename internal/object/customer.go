package object

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/sse"
)

// CustomerKey is an SSE-C key as a request carries it. It never prints
// its bytes and is never stored.
type CustomerKey = sse.CustomerKey

// NewCustomerKey makes a CustomerKey of b, which must be 32 bytes.
func NewCustomerKey(b []byte) (*CustomerKey, error) { return sse.CustomerKeyFromBytes(b) }

// Errors of customer-provided keys (SSE-C).
var (
	// ErrCustomerKeyRequired: the version (or copy source) was stored
	// with SSE-C and the request did not give its key.
	ErrCustomerKeyRequired = errors.New("object: the object is encrypted with a customer key the request did not give")
	// ErrCustomerKeyMismatch: the request's customer key is not the one
	// the version was stored with.
	ErrCustomerKeyMismatch = errors.New("object: customer key does not match")
	// ErrCustomerKeyNotApplicable: the request gave a customer key for a
	// version that is not stored with SSE-C.
	ErrCustomerKeyNotApplicable = errors.New("object: customer key given for an object not encrypted with one")
	// ErrUploadKeyRequired: the multipart upload was created with SSE-C
	// and the part request did not give the key.
	ErrUploadKeyRequired = errors.New("object: the upload is encrypted with a customer key the part request did not give")
	// ErrUploadKeyMismatch: the part request's customer key is not the
	// upload's (or the upload has none).
	ErrUploadKeyMismatch = errors.New("object: customer key differs from the upload's")
)

// customerSaltSize is the size of the random salt of a customer key's
// check and key derivation.
const customerSaltSize = 16

// newCustomerKeyID returns a fresh KeyID for data keys wrapped under ck:
// a random salt and the salted HMAC of ck, hex, salt first.
func newCustomerKeyID(ck *CustomerKey) (string, error) {
	salt := make([]byte, customerSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	return hex.EncodeToString(salt) + hex.EncodeToString(ck.Check(salt)), nil
}

// parseCustomerKeyID splits a KeyID into salt and check.
func parseCustomerKeyID(id string) (salt, check []byte, err error) {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) <= customerSaltSize {
		return nil, nil, fmt.Errorf("%w: customer key id: %w", errDataCorrupt, errBadRecord)
	}
	return raw[:customerSaltSize], raw[customerSaltSize:], nil
}

// customerKeyMatches reports whether ck is the key keyID was made for.
func customerKeyMatches(keyID string, ck *CustomerKey) (bool, error) {
	salt, check, err := parseCustomerKeyID(keyID)
	if err != nil {
		return false, err
	}
	return ck.Matches(salt, check), nil
}

// checkCustomerKey checks the customer key a read or copy source gives
// against the version's encryption: an SSE-C version needs its key, any
// other version refuses one.
func checkCustomerKey(rec *sseRecord, ck *CustomerKey) error {
	if rec == nil || rec.Alg != sseAlgC {
		if ck != nil {
			return ErrCustomerKeyNotApplicable
		}
		return nil
	}
	if ck == nil {
		return ErrCustomerKeyRequired
	}
	ok, err := customerKeyMatches(rec.KeyID, ck)
	if err != nil {
		return err
	}
	if !ok {
		return ErrCustomerKeyMismatch
	}
	return nil
}

// newCustomerDataKey returns a fresh data key wrapped under ck with the
// salt of keyID (a fresh one when keyID is "").
func newCustomerDataKey(context []byte, ck *CustomerKey, keyID string) (*sse.DataKey, *sseRecord, error) {
	if keyID == "" {
		var err error
		if keyID, err = newCustomerKeyID(ck); err != nil {
			return nil, nil, err
		}
	}
	salt, _, err := parseCustomerKeyID(keyID)
	if err != nil {
		return nil, nil, err
	}
	key, err := sse.NewDataKey()
	if err != nil {
		return nil, nil, err
	}
	w, err := ck.Wrap(key, salt, context)
	if err != nil {
		key.Zero()
		return nil, nil, fmt.Errorf("wrap data key: %w", err)
	}
	return key, &sseRecord{Alg: sseAlgC, Key: w, KeyID: keyID}, nil
}

// customerDataKey unwraps the data key of an SSE-C record with ck.
func customerDataKey(rec *sseRecord, context []byte, ck *CustomerKey) (*sse.DataKey, error) {
	if ck == nil {
		return nil, ErrCustomerKeyRequired
	}
	salt, _, err := parseCustomerKeyID(rec.KeyID)
	if err != nil {
		return nil, err
	}
	key, err := ck.Unwrap(sse.WrappedKey(rec.Key), salt, context)
	if err != nil {
		return nil, fmt.Errorf("%w: data key: %w", errDataCorrupt, err)
	}
	return key, nil
}

// randomETag is the ETag of data encrypted with a customer key: S3 does
// not reveal the MD5 of such data, so the ETag is 16 random bytes, hex.
func randomETag() ([]byte, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("etag: %w", err)
	}
	return b, nil
}
