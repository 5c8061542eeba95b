package iam

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestRootOnly pins RootOnly's answers, including the policy decision the
// S3 wire words its AccessDenied from: an anonymous caller is told
// nothing, a non-root caller of the account learns that no
// identity-based policy allows the action.
func TestRootOnly(t *testing.T) {
	tests := []struct {
		name      string
		principal sigv4.Principal
		want      Decision
	}{
		{"root", sigv4.Principal{Root: true, ARN: "arn:aws:iam::000000000000:root"}, Decision{Allowed: true,
			Policy: policy.Decision{Outcome: policy.Allowed, Type: policy.AccountRoot, Statement: -1, Action: "s3:GetObject"}}},
		{"anonymous", sigv4.Principal{Anonymous: true}, Decision{Reason: "anonymous access is not allowed",
			Policy: policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.ResourceBased, Statement: -1, Action: "s3:GetObject"}}},
		{"user", sigv4.Principal{ARN: "arn:aws:iam::000000000000:user/alice"}, Decision{Reason: "no policy allows s3:GetObject",
			Policy:  policy.Decision{Outcome: policy.ImplicitDeny, Type: policy.IdentityBased, Statement: -1, Action: "s3:GetObject"},
			Explain: true}},
	}
	for _, tc := range tests {
		got := RootOnly{}.Authorize(context.Background(), Request{Principal: tc.principal, Action: "s3:GetObject",
			Bucket: "b", Key: "k", Resource: "arn:aws:s3:::b/k"})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: Authorize (-want +got):\n%s", tc.name, diff)
		}
	}
	if got := (RootOnly{}).Authorize(context.Background(), Request{Principal: sigv4.Principal{ARN: "arn:aws:iam::000000000000:user/alice"}, Action: "s3:GetObject"}).Policy.Reason(); got != "because no identity-based policy allows the s3:GetObject action" {
		t.Errorf("Reason() = %q", got)
	}
}
