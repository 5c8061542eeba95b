package iam

import (
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// AWS's messages for a failed MFA check in STS (AccessDenied).
const (
	msgMFABadCode   = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	msgMFABadSerial = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
)

// VerifyMFA checks an MFA code that caller gives to STS (GetSessionToken,
// AssumeRole: SerialNumber and TokenCode). The device must be enabled
// and assigned to the caller: an IAM user, or the account's root user.
// The code must be the device's code for the current time step, adjusted
// by the device's recorded drift, give or take one step; and no code of
// that step or an earlier one may have been accepted before. On success
// the step is recorded before VerifyMFA returns, so a code works once.
//
// It returns ErrValidation for a code that is not six digits, and
// ErrMFAFailed, with AWS's message, for everything else that fails; the
// STS wire answers AccessDenied. The caller then issues the session with
// SessionInput.MFA set.
func (s *Store) VerifyMFA(ctx context.Context, caller sigv4.Principal, serial, code string) error {
	if !validCode(code) {
		return errorf(ErrValidation, "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length 6 and satisfy regular expression pattern: [\\d]*")
	}
	user := lower(caller.Name)
	switch {
	case caller.Anonymous || caller.RoleARN != "" || caller.AccountID == "":
		return errorf(ErrMFAFailed, msgMFABadSerial)
	case caller.Root:
		user = ""
	}
	now := totpStep(s.clock.Now())
	// The accepted step is replay state, not something a cache derives
	// from, so this bypasses s.update and its cache invalidation: logins
	// with MFA do not empty the credential cache.
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		rec, id, err := readDevice(tx, caller.AccountID, serial)
		if err != nil || !rec.assigned() || rec.User != user {
			if err != nil && !errors.Is(err, ErrNoSuchEntity) {
				return err
			}
			return errorf(ErrMFAFailed, msgMFABadSerial)
		}
		seed, err := s.openSeed(caller.AccountID, id, &rec)
		if err != nil {
			return err
		}
		defer clear(seed)
		at := now + rec.Drift
		step, ok := findStep(seed, max(at-totpSkew, rec.LastStep+1), at+totpSkew, code)
		if !ok {
			return errorf(ErrMFAFailed, msgMFABadCode)
		}
		rec.LastStep = step
		return put(tx, key(subMFA, caller.AccountID, id), &rec)
	})
}
