package stsapi

import (
	"testing"

	"github.com/coffer-s3/coffer/internal/iam"
)

// TestActionTables pins that New accepts the action tables (an action is
// never both implemented and unimplemented) and that unimplemented lists
// each name once.
func TestActionTables(t *testing.T) {
	if _, err := New(Options{Authorizer: iam.RootOnly{}, Identity: &fakeIdentity{}}); err != nil {
		t.Fatalf("New: %v", err)
	}
	seen := map[string]bool{}
	for _, a := range unimplemented {
		if seen[a] {
			t.Errorf("unimplemented lists %s twice", a)
		}
		seen[a] = true
	}
}
