package iam

import (
	"context"
	"fmt"
	"testing"
)

func TestErrorMessage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, errUser := e.s.GetUser(ctx, RootAccountID, "bob")
	_, errPolicy := e.s.CreatePolicy(ctx, CreatePolicyInput{Account: RootAccountID, Name: "p", Document: "not json"})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"entity", fmt.Errorf("wrapped: %w", errUser), "The user with name bob cannot be found."},
		{"policy", errPolicy, "Syntax errors in policy."},
		{"other", fmt.Errorf("meta: broken"), ""},
	}
	for _, tt := range tests {
		if got := ErrorMessage(tt.err); got != tt.want {
			t.Errorf("ErrorMessage(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
