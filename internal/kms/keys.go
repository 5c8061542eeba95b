package kms

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Key usages and specs this service has.
const (
	UsageEncryptDecrypt = "ENCRYPT_DECRYPT"
	UsageMac            = "GENERATE_VERIFY_MAC"
	SpecSymmetric       = "SYMMETRIC_DEFAULT"
	SpecHMAC256         = "HMAC_256"
	macAlgorithm256     = "HMAC_SHA_256"
	algorithmSymmetric  = "SYMMETRIC_DEFAULT"
	maxDescription      = 8192
	maxTags             = 50
)

// Tag is a key's tag.
type Tag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// KeyRequest names a key for caller.
type KeyRequest struct {
	Caller Caller
	KeyID  string
}

// KeyMetadata describes a key as DescribeKey does.
type KeyMetadata struct {
	AccountID            string
	KeyID                string
	ARN                  string
	CreationDate         time.Time
	Enabled              bool
	Description          string
	KeyUsage             string
	KeyState             string
	KeyManager           string
	KeySpec              string
	EncryptionAlgorithms []string
	MacAlgorithms        []string
	DeletionDate         time.Time // zero unless pending deletion
	PendingDeletionDays  int
}

func (k *keyRecord) metadata() *KeyMetadata {
	m := &KeyMetadata{
		AccountID: k.Account, KeyID: k.ID, ARN: k.arn(), CreationDate: k.Created,
		Enabled: k.State == StateEnabled, Description: k.Description, KeyUsage: k.Usage,
		KeyState: k.State, KeyManager: k.Manager, KeySpec: k.Spec,
	}
	if k.Spec == SpecHMAC256 {
		m.MacAlgorithms = []string{macAlgorithm256}
	} else {
		m.EncryptionAlgorithms = []string{algorithmSymmetric}
	}
	if k.State == StatePendingDeletion {
		m.DeletionDate, m.PendingDeletionDays = k.Deletion, k.PendingDays
	}
	return m
}

// CreateKeyRequest is CreateKey's input.
type CreateKeyRequest struct {
	Caller      Caller
	Description string
	// KeyUsage and KeySpec default to ENCRYPT_DECRYPT and
	// SYMMETRIC_DEFAULT; GENERATE_VERIFY_MAC with HMAC_256 is the other
	// pair this service has (both must be given, as AWS requires).
	KeyUsage string
	KeySpec  string
	// Policy is the key policy; "" gives the default key policy.
	Policy                         string
	BypassPolicyLockoutSafetyCheck bool
	Tags                           []Tag
}

// useKey loads the key a KeyId parameter names, notes it in the audit
// record and authorizes op on it.
func (s *Service) useKey(ctx context.Context, c *call, keyID, op string, ec map[string]string) (*keyRecord, error) {
	k, err := s.load(ctx, c.caller, keyID)
	if err != nil {
		return nil, err
	}
	c.used(k)
	if err := s.authorize(ctx, c.caller, op, k, ec); err != nil {
		return nil, err
	}
	return k, nil
}

// customerManaged refuses changes to an AWS-managed key.
func (s *Service) customerManaged(k *keyRecord) error {
	if k.Manager == ManagerAWS {
		return errorf(ErrUnsupported, "%s is an AWS managed key, which cannot be changed", k.arn())
	}
	return nil
}

// CreateKey makes a symmetric encryption key in the caller's account.
func (s *Service) CreateKey(ctx context.Context, req CreateKeyRequest) (md *KeyMetadata, err error) {
	c := s.begin("CreateKey", req.Caller, false)
	c.params["description"], c.params["keyUsage"], c.params["keySpec"] = req.Description, req.KeyUsage, req.KeySpec
	c.params["bypassPolicyLockoutSafetyCheck"] = req.BypassPolicyLockoutSafetyCheck
	defer func() {
		if md != nil {
			c.keys = append(c.keys, md.ARN)
			c.response["keyMetadata"] = auditMetadata(md)
		}
		s.end(ctx, c, err)
	}()
	c.response = map[string]any{}
	if err := validateCreate(&req); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, req.Caller, "CreateKey", nil, nil); err != nil {
		return nil, err
	}
	account := req.Caller.Principal.AccountID
	k, err := s.newKey(account, ManagerCustomer, req.Description)
	if err == nil {
		k.Usage, k.Spec = req.KeyUsage, req.KeySpec
	}
	if err != nil {
		return nil, err
	}
	k.Tags = req.Tags
	if req.Policy != "" {
		k.Policy = req.Policy
		if err := s.checkPolicy(ctx, req.Caller, k, req.Policy, req.BypassPolicyLockoutSafetyCheck); err != nil {
			return nil, err
		}
	}
	if err := s.opts.Meta.Update(ctx, func(tx meta.Txn) error { return insertKey(tx, k) }); err != nil {
		return nil, err
	}
	return k.metadata(), nil
}

func validateCreate(req *CreateKeyRequest) error {
	if req.KeyUsage == "" {
		req.KeyUsage = UsageEncryptDecrypt
	}
	if req.KeySpec == "" {
		req.KeySpec = SpecSymmetric
	}
	switch {
	case req.KeyUsage != UsageEncryptDecrypt && req.KeyUsage != "SIGN_VERIFY" && req.KeyUsage != "GENERATE_VERIFY_MAC" && req.KeyUsage != "KEY_AGREEMENT":
		return invalid("1 validation error detected: Value '%s' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [SIGN_VERIFY, GENERATE_VERIFY_MAC, ENCRYPT_DECRYPT, KEY_AGREEMENT]", req.KeyUsage)
	case !slices.Contains(knownSpecs, req.KeySpec):
		return invalid("1 validation error detected: Value '%s' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: %v", req.KeySpec, knownSpecs)
	}
	switch {
	case req.KeyUsage == UsageEncryptDecrypt && req.KeySpec == SpecSymmetric, req.KeyUsage == UsageMac && req.KeySpec == SpecHMAC256:
	case (req.KeyUsage == UsageMac) != strings.HasPrefix(req.KeySpec, "HMAC_") ||
		(req.KeyUsage == UsageEncryptDecrypt && req.KeySpec != SpecSymmetric && !strings.HasPrefix(req.KeySpec, "RSA_") && req.KeySpec != "SM2"):
		return invalid("KeyUsage %s is not compatible with KeySpec %s", req.KeyUsage, req.KeySpec)
	default:
		return errorf(ErrUnsupported, "KeySpec %s with KeyUsage %s is not supported; this service has SYMMETRIC_DEFAULT keys for ENCRYPT_DECRYPT and HMAC_256 keys for GENERATE_VERIFY_MAC", req.KeySpec, req.KeyUsage)
	}
	if err := validDescription(req.Description); err != nil {
		return err
	}
	return validTags(req.Tags)
}

// knownSpecs are AWS's key specs; only SYMMETRIC_DEFAULT is served.
var knownSpecs = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
	"ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"}

func validDescription(d string) error {
	if utf8.RuneCountInString(d) > maxDescription {
		return invalid("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to %d", maxDescription)
	}
	return nil
}

func validTags(tags []Tag) error {
	if len(tags) > maxTags {
		return errorf(ErrLimitExceeded, "A key can have at most %d tags", maxTags)
	}
	for _, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 {
			return errorf(ErrTag, "Tag key must be 1 to 128 characters")
		}
		if utf8.RuneCountInString(t.Value) > 256 {
			return errorf(ErrTag, "Tag value must be at most 256 characters")
		}
		if len(t.Key) >= 4 && t.Key[:4] == "aws:" {
			return errorf(ErrTag, "Tag keys beginning with aws: are reserved")
		}
	}
	return nil
}

// newKey builds an enabled key with its first material and the default
// policy of its kind.
func (s *Service) newKey(account, manager, description string) (*keyRecord, error) {
	id, err := newKeyID()
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	k := &keyRecord{ID: id, Account: account, Region: s.opts.Region, Created: now, Description: description,
		State: StateEnabled, Manager: manager, Usage: UsageEncryptDecrypt, Spec: SpecSymmetric,
		Policy: defaultKeyPolicy(account)}
	if manager == ManagerAWS {
		k.Policy = s3ManagedKeyPolicy(account, s.opts.Region)
		// AWS rotates its managed keys every year.
		k.Rotation = rotationRecord{Enabled: true, PeriodDays: 365, Next: nextRotation(now, 365)}
	}
	if err := s.addMaterial(k, now, false); err != nil {
		return nil, err
	}
	return k, nil
}

// addMaterial gives k a new current material version.
func (s *Service) addMaterial(k *keyRecord, created time.Time, onDemand bool) error {
	v := uint32(1)
	if len(k.Material) > 0 {
		v = k.current().Version + 1
	}
	m, err := s.newMaterial(k.arn(), v, created, onDemand)
	if err != nil {
		return err
	}
	k.Material = append(k.Material, m)
	return nil
}

func insertKey(tx meta.Txn, k *keyRecord) error {
	if err := put(tx, metaKey(subKey, k.Account, k.ID), k); err != nil {
		return err
	}
	return tx.Set(metaKey(subKeyIndex, k.ID), append([]byte{recordV1}, k.Account...))
}

// ensureS3Key returns the account's AWS-managed S3 key, creating it and
// its alias when the account has none.
func (s *Service) ensureS3Key(ctx context.Context, account string) (*keyRecord, error) {
	fresh, err := s.newKey(account, ManagerAWS, "Default key that protects my S3 objects when no other key is defined")
	if err != nil {
		return nil, err
	}
	var out *keyRecord
	err = s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		k, err := readNamed(tx, keyName{account: account, alias: s3Alias})
		if err == nil {
			out = k
			return nil
		}
		now := s.clock.Now().UTC()
		if err := insertKey(tx, fresh); err != nil {
			return err
		}
		out = fresh
		return put(tx, metaKey(subAlias, account, s3Alias), aliasRecord{KeyID: fresh.ID, Created: now, Updated: now})
	})
	if err != nil {
		return nil, err
	}
	if out == fresh {
		s.log.InfoContext(ctx, "created the AWS managed S3 key", "account", account, "key", fresh.ID)
	}
	return out, nil
}

// DescribeKey describes a key.
func (s *Service) DescribeKey(ctx context.Context, req KeyRequest) (md *KeyMetadata, err error) {
	c := s.begin("DescribeKey", req.Caller, true)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	k, err := s.useKey(ctx, c, req.KeyID, "DescribeKey", nil)
	if err != nil {
		return nil, err
	}
	return k.metadata(), nil
}

// setState is EnableKey, DisableKey and CancelKeyDeletion.
func (s *Service) setState(ctx context.Context, op string, req KeyRequest) (md *KeyMetadata, err error) {
	c := s.begin(op, req.Caller, false)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	k, err := s.useKey(ctx, c, req.KeyID, op, nil)
	if err != nil {
		return nil, err
	}
	if err := s.customerManaged(k); err != nil {
		return nil, err
	}
	k, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		switch {
		case op == "CancelKeyDeletion":
			if k.State != StatePendingDeletion {
				return errorf(ErrInvalidState, "%s is not pending deletion.", k.arn())
			}
			k.State, k.Deletion, k.PendingDays = StateDisabled, time.Time{}, 0
		case k.State == StatePendingDeletion:
			return errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
		case op == "EnableKey":
			if k.State != StateEnabled && k.Rotation.Enabled {
				// A key that comes back does not owe the rotations it
				// missed while disabled.
				if now := s.clock.Now(); !now.Before(k.Rotation.Next) {
					k.Rotation.Next = nextRotation(now, k.Rotation.PeriodDays)
				}
			}
			k.State = StateEnabled
		default:
			k.State = StateDisabled
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return k.metadata(), nil
}

// EnableKey enables a disabled key.
func (s *Service) EnableKey(ctx context.Context, req KeyRequest) error {
	_, err := s.setState(ctx, "EnableKey", req)
	return err
}

// DisableKey disables a key: it can no longer be used for cryptography.
func (s *Service) DisableKey(ctx context.Context, req KeyRequest) error {
	_, err := s.setState(ctx, "DisableKey", req)
	return err
}

// CancelKeyDeletion stops a scheduled deletion; the key is left disabled.
func (s *Service) CancelKeyDeletion(ctx context.Context, req KeyRequest) (*KeyMetadata, error) {
	return s.setState(ctx, "CancelKeyDeletion", req)
}

// ScheduleKeyDeletion schedules the key's deletion pendingDays (7 to 30,
// 0 meaning 30) from now; the clock decides when it is gone.
func (s *Service) ScheduleKeyDeletion(ctx context.Context, req KeyRequest, pendingDays int) (md *KeyMetadata, err error) {
	c := s.begin("ScheduleKeyDeletion", req.Caller, false)
	c.params["keyId"], c.params["pendingWindowInDays"] = req.KeyID, pendingDays
	defer func() {
		if md != nil {
			c.response = map[string]any{"keyId": md.ARN, "deletionDate": auditTime(md.DeletionDate),
				"keyState": md.KeyState, "pendingWindowInDays": md.PendingDeletionDays}
		}
		s.end(ctx, c, err)
	}()
	if pendingDays == 0 {
		pendingDays = 30
	}
	if pendingDays < 7 || pendingDays > 30 {
		return nil, invalid("1 validation error detected: Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30", pendingDays)
	}
	k, err := s.useKey(ctx, c, req.KeyID, "ScheduleKeyDeletion", nil)
	if err != nil {
		return nil, err
	}
	if err := s.customerManaged(k); err != nil {
		return nil, err
	}
	k, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		if k.State == StatePendingDeletion {
			return errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
		}
		k.State, k.PendingDays = StatePendingDeletion, pendingDays
		k.Deletion = s.clock.Now().UTC().Add(time.Duration(pendingDays) * 24 * time.Hour)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return k.metadata(), nil
}

// UpdateKeyDescription replaces the key's description.
func (s *Service) UpdateKeyDescription(ctx context.Context, req KeyRequest, description string) (err error) {
	c := s.begin("UpdateKeyDescription", req.Caller, false)
	c.params["keyId"], c.params["description"] = req.KeyID, description
	defer func() { s.end(ctx, c, err) }()
	if err := validDescription(description); err != nil {
		return err
	}
	k, err := s.useKey(ctx, c, req.KeyID, "UpdateKeyDescription", nil)
	if err != nil {
		return err
	}
	if err := s.customerManaged(k); err != nil {
		return err
	}
	_, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		if k.State == StatePendingDeletion {
			return errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
		}
		k.Description = description
		return nil
	})
	return err
}

// auditTime is how CloudTrail writes a time inside parameters.
func auditTime(t time.Time) string { return t.UTC().Format("Jan 2, 2006, 3:04:05 PM") }

func auditMetadata(md *KeyMetadata) map[string]any {
	return map[string]any{"aWSAccountId": md.AccountID, "keyId": md.KeyID, "arn": md.ARN,
		"creationDate": auditTime(md.CreationDate), "enabled": md.Enabled, "description": md.Description,
		"keyUsage": md.KeyUsage, "keyState": md.KeyState, "origin": "AWS_KMS", "keyManager": md.KeyManager,
		"keySpec": md.KeySpec, "encryptionAlgorithms": md.EncryptionAlgorithms, "multiRegion": false}
}
