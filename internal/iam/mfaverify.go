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
// After ten wrong codes for a device within five minutes, its codes are
// refused until the five minutes end (see mfaLimiter).
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
	// The accepted step and the failure count are replay and guessing
	// state, not something a cache derives from, so this bypasses
	// s.update and its cache invalidation: logins with MFA do not empty
	// the credential cache. A wrong code is committed too (its count),
	// so the transaction succeeds and the refusal is returned after it.
	var refusal error
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		refusal = nil
		rec, id, err := readDevice(tx, caller.AccountID, serial)
		if err != nil || !rec.assigned() || rec.User != user {
			if err != nil && !errors.Is(err, ErrNoSuchEntity) {
				return err
			}
			return errorf(ErrMFAFailed, msgMFABadSerial)
		}
		if rec.guessingBlocked(now) {
			s.log.Warn("iam: MFA code refused: too many wrong codes", "serial", serial, "principal", caller.ARN)
			return errorf(ErrMFAFailed, msgMFABadCode)
		}
		seed, err := s.openSeed(caller.AccountID, id, &rec)
		if err != nil {
			return err
		}
		defer clear(seed)
		at := now + rec.Drift
		step, ok := findStep(seed, max(at-totpSkew, rec.LastStep+1), at+totpSkew, code)
		if ok {
			rec.LastStep = step
		} else {
			rec.countFailure(now)
			refusal = errorf(ErrMFAFailed, msgMFABadCode)
		}
		return put(tx, key(subMFA, caller.AccountID, id), &rec)
	})
	if err != nil {
		return err
	}
	return refusal
}

// Guessing limits. A wrong code is a one in 333,333 chance of a right one
// (three steps are valid), so without a limit a holder of a user's keys
// could find a code in hours. After mfaMaxFailures wrong codes for one
// device within one window of mfaFailureWindow steps, every code for it is
// refused until the window ends. Only the device's owner can make its
// codes fail, so the limit locks out no one else. The count is kept in
// the device's record, so it holds across nodes and restarts.
const (
	mfaMaxFailures   = 10
	mfaFailureWindow = 10 // five minutes
)

// guessingBlocked reports whether the device has had too many wrong codes
// in the window of step.
func (r *mfaRecord) guessingBlocked(step int64) bool {
	return r.FailWindow == step/mfaFailureWindow && r.Fails >= mfaMaxFailures
}

// countFailure records a wrong code at step.
func (r *mfaRecord) countFailure(step int64) {
	if w := step / mfaFailureWindow; r.FailWindow != w {
		r.FailWindow, r.Fails = w, 0
	}
	r.Fails++
}

// VerifyRootMFA checks an x-amz-mfa code for S3's MFA Delete: serial must
// be a virtual device assigned to account's root user, and code a valid,
// unused code of it, exactly as VerifyMFA checks a code given to STS
// (the same one-time use, recorded durably, and the same guessing limit).
// It reports false, with no error, for a code that is not accepted; err
// is only a failure to check.
func (s *Store) VerifyRootMFA(ctx context.Context, account, serial, code string) (bool, error) {
	root := sigv4.Principal{AccountID: account, Root: true, Name: RootUserName,
		ARN: "arn:aws:iam::" + account + ":root", UserID: account}
	err := s.VerifyMFA(ctx, root, serial, code)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrMFAFailed) || errors.Is(err, ErrValidation):
		return false, nil
	}
	return false, err
}
