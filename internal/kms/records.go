package kms

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Key schema in the meta store. Every key starts with tablePrefix ('K', a
// table byte no other package uses: the object service has B O V N D L U
// P R G C A X Y, iam has I, rekey has W) and one sub-table byte:
//
//	'K' 'k' account 0x00 keyID          → keyRecord
//	'K' 'i' keyID                       → account (keys are found by id
//	                                      alone when a ciphertext names one)
//	'K' 'a' account 0x00 aliasName      → aliasRecord
//	'K' 'g' account 0x00 keyID 0x00 grantID → grantRecord
//
// Every value starts with a format version byte. The bytes and layouts
// above are an on-disk format: they must never change.
const (
	tablePrefix = 'K'

	subKey      = 'k'
	subKeyIndex = 'i'
	subAlias    = 'a'
	subGrant    = 'g'
)

// recordV1 is a JSON document after the version byte. Its encoding must
// never change; fields added later are optional (omitempty) so that older
// records decode with their zero value.
const recordV1 byte = 1

// errBadRecord reports a meta value this code cannot decode.
var errBadRecord = errors.New("kms: unreadable meta record")

func metaKey(sub byte, parts ...string) []byte {
	b := []byte{tablePrefix, sub}
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// scope is the prefix of every key of sub under parts: sub parts... 0x00.
func scope(sub byte, parts ...string) []byte { return append(metaKey(sub, parts...), 0) }

// prefixEnd returns the first key after every key starting with p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func encodeRecord(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("kms: encode record: %w", err)
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
func get(r meta.Reader, k []byte, v any) (bool, error) {
	b, err := r.Get(k)
	if errors.Is(err, meta.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, decodeRecord(b, v)
}

func put(tx meta.Txn, k []byte, v any) error {
	b, err := encodeRecord(v)
	if err != nil {
		return err
	}
	return tx.Set(k, b)
}

// Key states, as KeyMetadata.KeyState names them.
const (
	StateEnabled         = "Enabled"
	StateDisabled        = "Disabled"
	StatePendingDeletion = "PendingDeletion"
)

// Key managers.
const (
	ManagerCustomer = "CUSTOMER"
	ManagerAWS      = "AWS"
)

// material is one version of a key's material: a 256-bit AES-GCM key,
// sealed under the master keyring bound to the key's ARN and version.
type material struct {
	Version uint32    `json:"v"`
	Sealed  []byte    `json:"sealed"`
	Created time.Time `json:"created"`
	// OnDemand marks material added by RotateKeyOnDemand; the first
	// version and scheduled rotations leave it false.
	OnDemand bool `json:"onDemand,omitempty"`
}

// keyRecord is a KMS key.
type keyRecord struct {
	ID          string            `json:"id"`
	Account     string            `json:"account"`
	Region      string            `json:"region"`
	Created     time.Time         `json:"created"`
	Description string            `json:"description,omitempty"`
	State       string            `json:"state"`
	Manager     string            `json:"manager"`
	Usage       string            `json:"usage"`
	Spec        string            `json:"spec"`
	Policy      string            `json:"policy"`
	Tags        []Tag             `json:"tags,omitempty"`
	Material    []material        `json:"material"`
	Rotation    rotationRecord    `json:"rotation"`
	Deletion    time.Time         `json:"deletion,omitzero"`
	PendingDays int               `json:"pendingDays,omitempty"`
	Extra       map[string]string `json:"extra,omitempty"`
}

// rotationRecord is a key's automatic rotation schedule.
type rotationRecord struct {
	Enabled    bool      `json:"enabled,omitempty"`
	PeriodDays int       `json:"periodDays,omitempty"`
	Next       time.Time `json:"next,omitzero"`
	// OnDemandStarted is when the last on-demand rotation began.
	OnDemandStarted time.Time `json:"onDemandStarted,omitzero"`
}

func (k *keyRecord) arn() string { return keyARN(k.Region, k.Account, k.ID) }

func (k *keyRecord) current() *material { return &k.Material[len(k.Material)-1] }

func (k *keyRecord) version(v uint32) *material {
	for i := range k.Material {
		if k.Material[i].Version == v {
			return &k.Material[i]
		}
	}
	return nil
}

func keyARN(region, account, id string) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + id
}

func aliasARN(region, account, name string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + name
}

// aliasRecord is an alias: a name for one key of the same account.
type aliasRecord struct {
	KeyID   string    `json:"keyId"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// grantRecord is a grant on a key.
type grantRecord struct {
	ID             string            `json:"id"`
	Token          string            `json:"token"`
	KeyID          string            `json:"keyId"`
	Name           string            `json:"name,omitempty"`
	Grantee        string            `json:"grantee"`
	Retiring       string            `json:"retiring,omitempty"`
	Operations     []string          `json:"operations"`
	ContextEquals  map[string]string `json:"contextEquals,omitempty"`
	ContextSubset  map[string]string `json:"contextSubset,omitempty"`
	IssuingAccount string            `json:"issuingAccount"`
	Created        time.Time         `json:"created"`
}
