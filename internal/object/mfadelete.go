package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
)

// MFADeleteStatus is a bucket's MFA Delete setting: "" for a bucket whose
// versioning configuration never named it, MFADeleteEnabled or
// MFADeleteDisabled.
type MFADeleteStatus string

// MFA Delete settings, as S3 spells them.
const (
	MFADeleteEnabled  MFADeleteStatus = "Enabled"
	MFADeleteDisabled MFADeleteStatus = "Disabled"
)

// MFAVerifier checks the codes of the MFA devices of accounts' root
// users; the identity store (iam.Store) satisfies it.
type MFAVerifier interface {
	// VerifyRootMFA reports whether code is a valid code, not used
	// before, of the device serial assigned to account's root user. An
	// accepted code is used up before VerifyRootMFA returns, durably and
	// safely against concurrent calls. err is only a failure to check.
	VerifyRootMFA(ctx context.Context, account, serial, code string) (bool, error)
}

// MFAVerifierFunc adapts a function to MFAVerifier, for a verifier built
// after the Service (the identity store reads buckets from it).
type MFAVerifierFunc func(ctx context.Context, account, serial, code string) (bool, error)

// VerifyRootMFA calls f.
func (f MFAVerifierFunc) VerifyRootMFA(ctx context.Context, account, serial, code string) (bool, error) {
	return f(ctx, account, serial, code)
}

// MFA is what a request brings to MFA Delete: the device serial and code
// of its x-amz-mfa header and who sends them. The zero MFA is a request
// without x-amz-mfa.
type MFA struct {
	// Account is the caller's account and Root whether the caller is
	// that account's root user.
	Account string
	Root    bool
	// Serial and Code are x-amz-mfa's two halves; Serial is "" when the
	// request has no x-amz-mfa.
	Serial, Code string
}

func (m MFA) given() bool { return m.Serial != "" }

// Sentinel errors of MFA Delete; S3 answers each with 403 AccessDenied.
var (
	// ErrMFARequired: the bucket has MFA Delete enabled and the request
	// deletes a version or changes versioning without x-amz-mfa.
	ErrMFARequired = errors.New("object: mfa authentication required")
	// ErrMFANotOwner: only the bucket owner's root user may give MFA for
	// a bucket or change its MFA Delete setting.
	ErrMFANotOwner = errors.New("object: mfa delete is for the bucket owner's root user only")
	// ErrMFAInvalid: x-amz-mfa names no device of the bucket owner's root
	// user, or its code is wrong or was already used.
	ErrMFAInvalid = errors.New("object: invalid mfa authentication")
)

func (b bucketRecord) mfaDelete() bool { return b.MFADelete == MFADeleteEnabled }

// checkMFA decides the MFA Delete part of a request on a bucket owned
// by owner, before the request's transaction. active is whether MFA
// Delete applies (the bucket has it enabled, or the request changes it),
// needed whether the request must prove MFA (it deletes a version or
// changes versioning). A request with x-amz-mfa on an active bucket has
// its code checked, needed or not: S3 fails a DeleteObjects with an
// invalid token whatever keys it names. verified reports a code accepted;
// the caller's transaction then re-checks the bucket (mfaAllows), so a
// bucket whose MFA Delete was enabled meanwhile is not bypassed.
func (s *Service) checkMFA(ctx context.Context, owner string, m MFA, active, needed bool) (verified bool, err error) {
	if !active {
		return false, nil
	}
	if !m.given() {
		if needed {
			return false, ErrMFARequired
		}
		return false, nil
	}
	if !m.Root || m.Account != owner {
		return false, ErrMFANotOwner
	}
	if s.mfa == nil {
		return false, fmt.Errorf("%w: no MFA devices are known", ErrMFAInvalid)
	}
	ok, err := s.mfa.VerifyRootMFA(ctx, owner, m.Serial, m.Code)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, ErrMFAInvalid
	}
	return true, nil
}

// mfaAllows is the check inside a transaction: a version delete on a
// bucket with MFA Delete enabled goes ahead only with a verified code.
func mfaAllows(b bucketRecord, versionDelete, verified bool) error {
	if versionDelete && b.mfaDelete() && !verified {
		return ErrMFARequired
	}
	return nil
}

// readBucketRecord reads a bucket's record outside a transaction.
func (s *Service) readBucketRecord(ctx context.Context, bucket string) (bucketRecord, error) {
	var b bucketRecord
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		b, err = getBucket(r, bucket)
		return err
	})
	return b, err
}

// deleteMFA runs checkMFA for a delete on bucket: versioned tells whether
// it deletes at least one version.
func (s *Service) deleteMFA(ctx context.Context, bucket string, m MFA, versioned bool) (bool, error) {
	b, err := s.readBucketRecord(ctx, bucket)
	if err != nil {
		return false, err
	}
	return s.checkMFA(ctx, b.Owner, m, b.mfaDelete(), versioned)
}
