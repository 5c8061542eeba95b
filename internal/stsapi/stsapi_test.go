package stsapi

import (
	"context"
	"testing"

	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestGetCallerIdentity pins the answer for each kind of principal, with
// the values of AWS's aws:userid table.
func TestGetCallerIdentity(t *testing.T) {
	tests := []struct {
		name string
		p    sigv4.Principal
		want callerIdentity
	}{
		{"root", sigv4.Principal{AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Root: true},
			callerIdentity{Arn: "arn:aws:iam::123456789012:root", UserID: "123456789012", Account: "123456789012"}},
		{"user", sigv4.Principal{AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/Alice", UserID: "AIDASAMPLEUSERID"},
			callerIdentity{Arn: "arn:aws:iam::123456789012:user/Alice", UserID: "AIDASAMPLEUSERID", Account: "123456789012"}},
		{"role session", sigv4.Principal{AccountID: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/my-role-name/my-role-session-name",
			UserID: "AROAJUJWA6QVHALMEUKV6:my-role-session-name"},
			callerIdentity{Arn: "arn:aws:sts::123456789012:assumed-role/my-role-name/my-role-session-name",
				UserID: "AROAJUJWA6QVHALMEUKV6:my-role-session-name", Account: "123456789012"}},
	}
	for _, tt := range tests {
		got, err := getCallerIdentity(context.Background(), &queryapi.Call{Principal: tt.p})
		if err != nil || got != tt.want {
			t.Errorf("%s: getCallerIdentity = %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
}
