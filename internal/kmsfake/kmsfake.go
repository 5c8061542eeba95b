// Package kmsfake is an in-memory key service for tests of SSE-KMS: it
// behaves as the kms package's contract says (keys by id, ARN, alias name
// and alias ARN, the AWS-managed alias/aws/s3 created on first use, key
// states, ciphertexts bound to their encryption context) and lets a test
// allow or deny each caller each operation and count the calls. It is
// not a key management service: its keys live in memory only.
package kmsfake

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/coffer-s3/coffer/internal/kms"
)

// State is a key's state.
type State int

// Key states.
const (
	Enabled State = iota
	Disabled
	PendingDeletion
)

// Authorizer decides whether caller may perform action ("kms:Decrypt",
// "kms:GenerateDataKey") on the key keyARN.
type Authorizer func(caller kms.Caller, action, keyARN string) bool

// Service is the fake key service. The zero value is not usable; call New.
type Service struct {
	account, region string

	mu      sync.Mutex
	keys    map[string]*key   // by key id
	aliases map[string]string // alias name → key id
	allow   Authorizer
	calls   map[string]int
	callers []kms.Caller
}

type key struct {
	id       string
	state    State
	material []byte
}

// New returns a key service for account in region that allows everyone
// everything until SetAuthorizer says otherwise.
func New(account, region string) *Service {
	return &Service{account: account, region: region, keys: map[string]*key{}, aliases: map[string]string{}, calls: map[string]int{}}
}

// ARN is the ARN of the key with id.
func (s *Service) ARN(id string) string {
	return "arn:aws:kms:" + s.region + ":" + s.account + ":key/" + id
}

// CreateKey makes an enabled key, with alias ("alias/NAME") when not
// empty, and returns its id.
func (s *Service) CreateKey(alias string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createLocked(alias)
}

func (s *Service) createLocked(alias string) string {
	id := newID()
	m := make([]byte, 32)
	rand.Read(m)
	s.keys[id] = &key{id: id, material: m}
	if alias != "" {
		s.aliases[alias] = id
	}
	return id
}

// SetState sets the state of the key with id.
func (s *Service) SetState(id string, st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id].state = st
}

// SetAuthorizer replaces the access decision; nil allows everything.
func (s *Service) SetAuthorizer(a Authorizer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allow = a
}

// Calls returns how often op ("GenerateDataKey", "Decrypt") was called.
func (s *Service) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Callers returns every caller seen, in order.
func (s *Service) Callers() []kms.Caller {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]kms.Caller(nil), s.callers...)
}

// AliasKeyID returns the id of the key alias names ("" when none).
func (s *Service) AliasKeyID(alias string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aliases[alias]
}

// resolve finds the key id names: key id, key ARN, alias name or alias
// ARN of this account. alias/aws/s3 is created on first use.
func (s *Service) resolve(id string) (*key, error) {
	prefix := "arn:aws:kms:" + s.region + ":" + s.account + ":"
	if strings.HasPrefix(id, "arn:") {
		if !strings.HasPrefix(id, prefix) {
			return nil, kms.ErrNotFound
		}
		id = strings.TrimPrefix(id, prefix)
		id = strings.TrimPrefix(id, "key/")
	}
	if strings.HasPrefix(id, "alias/") {
		kid, ok := s.aliases[id]
		if !ok && id == "alias/aws/s3" {
			kid = s.createLocked(id)
			ok = true
		}
		if !ok {
			return nil, kms.ErrNotFound
		}
		id = kid
	}
	k, ok := s.keys[id]
	if !ok {
		return nil, kms.ErrNotFound
	}
	return k, nil
}

// check authorizes caller for action on k, then checks k's state.
func (s *Service) check(caller kms.Caller, action string, k *key) error {
	if s.allow != nil && !s.allow(caller, action, s.ARN(k.id)) {
		return kms.ErrAccessDenied
	}
	switch k.state {
	case Disabled:
		return kms.ErrDisabled
	case PendingDeletion:
		return kms.ErrInvalidState
	}
	return nil
}

// GenerateDataKey implements the contract's operation.
func (s *Service) GenerateDataKey(_ context.Context, req kms.DataKeyRequest) (*kms.DataKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["GenerateDataKey"]++
	s.callers = append(s.callers, req.Caller)
	k, err := s.resolve(req.KeyID)
	if err != nil {
		return nil, err
	}
	if err := s.check(req.Caller, "kms:GenerateDataKey", k); err != nil {
		return nil, err
	}
	pt := make([]byte, 32)
	rand.Read(pt)
	ct, err := seal(k, pt, req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return &kms.DataKey{Plaintext: pt, CiphertextBlob: ct, KeyARN: s.ARN(k.id)}, nil
}

// Decrypt implements the contract's operation.
func (s *Service) Decrypt(_ context.Context, req kms.DecryptRequest) (*kms.Decrypted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["Decrypt"]++
	s.callers = append(s.callers, req.Caller)
	b := req.CiphertextBlob
	if len(b) < 1 || len(b) < 1+int(b[0]) {
		return nil, kms.ErrInvalidCiphertext
	}
	k, ok := s.keys[string(b[1:1+int(b[0])])]
	if !ok {
		return nil, kms.ErrInvalidCiphertext
	}
	if req.KeyID != "" {
		named, err := s.resolve(req.KeyID)
		if err != nil {
			return nil, err
		}
		if named != k {
			return nil, kms.ErrIncorrectKey
		}
	}
	if err := s.check(req.Caller, "kms:Decrypt", k); err != nil {
		return nil, err
	}
	pt, err := open(k, b, req.EncryptionContext)
	if err != nil {
		return nil, kms.ErrInvalidCiphertext
	}
	return &kms.Decrypted{Plaintext: pt, KeyARN: s.ARN(k.id)}, nil
}

// A ciphertext is: key id length (1 byte), key id, nonce, AES-GCM sealed
// plaintext with the encryption context (JSON, sorted keys) as
// additional data.
func seal(k *key, pt []byte, ectx map[string]string) ([]byte, error) {
	g, err := gcm(k)
	if err != nil {
		return nil, err
	}
	out := append([]byte{byte(len(k.id))}, k.id...)
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return g.Seal(out, nonce, pt, aad(ectx)), nil
}

func open(k *key, b []byte, ectx map[string]string) ([]byte, error) {
	g, err := gcm(k)
	if err != nil {
		return nil, err
	}
	b = b[1+int(b[0]):]
	if len(b) < g.NonceSize() {
		return nil, kms.ErrInvalidCiphertext
	}
	return g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], aad(ectx))
}

func gcm(k *key) (cipher.AEAD, error) {
	c, err := aes.NewCipher(k.material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(c)
}

func aad(ectx map[string]string) []byte {
	if len(ectx) == 0 {
		return nil
	}
	b, _ := json.Marshal(ectx)
	return b
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
