package iam

import (
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/policy"
)

// PolicyError is a MalformedPolicyDocument or policy size error with the
// parser's detail; it unwraps to ErrMalformedPolicyDocument or
// ErrLimitExceeded and to the policy package's error.
type PolicyError struct {
	// Err is ErrMalformedPolicyDocument or ErrLimitExceeded.
	Err error
	// Message is AWS's text for the client.
	Message string
	// Cause is the *policy.SyntaxError or *policy.SizeError, whose
	// detail is for logs.
	Cause error
}

func (e *PolicyError) Error() string { return e.Err.Error() + ": " + e.Message }

// Unwrap returns the sentinel and the cause.
func (e *PolicyError) Unwrap() []error { return []error{e.Err, e.Cause} }

// parseDocument parses doc as a policy of kind k, turning the policy
// package's errors into IAM's.
func parseDocument(doc string, k policy.Kind) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(doc), k)
	if err == nil {
		return p, nil
	}
	var syn *policy.SyntaxError
	var size *policy.SizeError
	switch {
	case errors.As(err, &syn):
		return nil, &PolicyError{Err: ErrMalformedPolicyDocument, Message: syn.Message, Cause: err}
	case errors.As(err, &size):
		return nil, &PolicyError{Err: ErrLimitExceeded, Message: fmt.Sprintf("Cannot exceed quota for PolicySize: %d", size.Limit), Cause: err}
	}
	return nil, fmt.Errorf("iam: parse policy: %w", err)
}
