package iam

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Record format versions. Every IAM value in meta starts with one of these.
const (
	// recordV1 is a JSON document after the version byte. Its encoding
	// must never change; a new layout gets a new version and a
	// migration. Fields added later must be optional (omitempty) so
	// that older records decode with their zero value.
	recordV1 byte = 1
)

// errBadRecord reports a meta value this code cannot decode.
var errBadRecord = errors.New("iam: unreadable meta record")

func encodeRecord(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("iam: encode record: %w", err)
	}
	return append([]byte{recordV1}, b...), nil
}

func decodeRecord(b []byte, v any) error {
	if len(b) == 0 || b[0] != recordV1 {
		return errBadRecord
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("%w: %v", errBadRecord, err)
	}
	return nil
}

// get reads and decodes k; found is false for a missing key.
func get(r meta.Reader, k []byte, v any) (found bool, err error) {
	b, err := r.Get(k)
	if errors.Is(err, meta.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, decodeRecord(b, v)
}

// insertEntity writes rec, the record of a new user or role, at key in
// tx: the account must exist, the name must be free (kind names the entity
// in IAM's EntityAlreadyExists text), and a permissions boundary must be
// an existing policy. e is rec's embedded entity record.
func (s *Store) insertEntity(tx meta.Txn, account, kind, boundary string, key []byte, e *entityRecord, rec any) error {
	if _, err := readAccount(tx, account); err != nil {
		return err
	}
	var existing json.RawMessage
	if found, err := get(tx, key, &existing); err != nil {
		return err
	} else if found {
		return exists(kind, e.Name)
	}
	if boundary != "" {
		if err := s.checkPolicyExists(tx, account, boundary); err != nil {
			return err
		}
		e.Boundary = boundary
	}
	return put(tx, key, rec)
}

func put(tx meta.Txn, k []byte, v any) error {
	b, err := encodeRecord(v)
	if err != nil {
		return err
	}
	return tx.Set(k, b)
}

// marker is the value of index keys whose existence is the information.
var marker = []byte{recordV1}

// accountRecord is an account.
type accountRecord struct {
	ID          string    `json:"id"`
	Name        string    `json:"n"`
	CanonicalID string    `json:"c"`
	Created     time.Time `json:"t"`
	// RootKey is the access key id of the root user's first key pair:
	// the configured root credentials of the first account, or the pair
	// CreateAccount returned. "" once the root user deleted it.
	RootKey string `json:"k,omitempty"`
	// RootKeys are the root user's key pairs made through IAM
	// (CreateAccessKey without UserName), in creation order.
	RootKeys []string `json:"ks,omitempty"`
	// Email is the account's optional email address, by which S3 ACL
	// grants may name it (optional field).
	Email string `json:"e,omitempty"`
}

// rootKeyIDs lists every root key id of the account.
func (r *accountRecord) rootKeyIDs() []string {
	var out []string
	if r.RootKey != "" {
		out = append(out, r.RootKey)
	}
	return append(out, r.RootKeys...)
}

// keyRecord is an access key: the root user's (User "") or an IAM
// user's. Secret is sealed (sse.Keyring.Seal, context keySealContext),
// never plaintext.
type keyRecord struct {
	Account string    `json:"a"`
	User    string    `json:"u,omitempty"` // lower-case user name
	Secret  []byte    `json:"s"`
	Active  bool      `json:"on"`
	Created time.Time `json:"t"`
	// LastUsed is the last recorded use (coarse: see lastused.go).
	LastUsed        time.Time `json:"lu,omitzero"`
	LastUsedService string    `json:"ls,omitempty"`
	LastUsedRegion  string    `json:"lr,omitempty"`
}

// entityRecord holds what users, groups and roles share.
type entityRecord struct {
	Name    string    `json:"n"`
	Path    string    `json:"p"`
	ID      string    `json:"id"`
	Created time.Time `json:"t"`
	Tags    []Tag     `json:"tg,omitempty"`
	// Boundary is the permissions boundary policy ARN ("" for none).
	Boundary string `json:"b,omitempty"`
	// Inline maps inline policy names to their documents, as written.
	Inline map[string]string `json:"i,omitempty"`
	// Attached lists attached managed policy ARNs in attachment order.
	Attached []string `json:"at,omitempty"`
}

// userRecord is an IAM user.
type userRecord struct {
	entityRecord
}

// groupRecord is an IAM group.
type groupRecord struct {
	entityRecord
}

// roleRecord is an IAM role.
type roleRecord struct {
	entityRecord
	Trust       string `json:"tr"`
	Description string `json:"d,omitempty"`
	MaxSession  int    `json:"ms"`
}

// policyRecord is a customer managed policy with its versions.
type policyRecord struct {
	Name        string          `json:"n"`
	Path        string          `json:"p"`
	ID          string          `json:"id"`
	Description string          `json:"d,omitempty"`
	Created     time.Time       `json:"t"`
	Updated     time.Time       `json:"ut"`
	Default     string          `json:"dv"`
	NextVersion int             `json:"nv"`
	Versions    []versionRecord `json:"v"`
	Tags        []Tag           `json:"tg,omitempty"`
}

// versionRecord is one version of a managed policy.
type versionRecord struct {
	ID       string    `json:"id"` // "v1", "v2", ...
	Document string    `json:"doc"`
	Created  time.Time `json:"t"`
}

// mfaRecord is a virtual MFA device. Seed is sealed (sse.Keyring.Seal,
// context mfaSealContext), never plaintext.
type mfaRecord struct {
	Name    string    `json:"n"`
	Path    string    `json:"p"`
	Seed    []byte    `json:"s"`
	Created time.Time `json:"t"`
	Tags    []Tag     `json:"tg,omitempty"`
	// Enabled is when the device was enabled (EnableDate); zero while
	// it is not assigned.
	Enabled time.Time `json:"e,omitzero"`
	// User is the lower-case name of the user it is assigned to; ""
	// with Enabled set means the account's root user.
	User string `json:"u,omitempty"`
	// Drift is the device clock's offset in time steps, measured when
	// it was enabled or resynchronized.
	Drift int64 `json:"d,omitempty"`
	// LastStep is the last time step whose code was accepted: no code of
	// it or an earlier step is accepted again.
	LastStep int64 `json:"l,omitempty"`
	// FailWindow and Fails count wrong codes in the guessing limit's
	// current window (see mfaMaxFailures). They live in the record, not
	// in a node's memory, so that every node sharing the meta store and
	// every restart see the same count.
	FailWindow int64 `json:"fw,omitempty"`
	Fails      int   `json:"fc,omitempty"`
}
