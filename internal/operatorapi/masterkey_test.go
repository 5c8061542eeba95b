package operatorapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/rekey"
)

// fakeMasterKeys answers the master key actions from fields.
type fakeMasterKeys struct {
	version uint32
	status  rekey.Status
	fail    error
	retired []uint32
}

func (f *fakeMasterKeys) Rotate(context.Context) (uint32, error) {
	if f.fail != nil {
		return 0, f.fail
	}
	f.version++
	return f.version, nil
}

func (f *fakeMasterKeys) Status(context.Context) (rekey.Status, error) { return f.status, f.fail }

func (f *fakeMasterKeys) Retire(_ context.Context, v uint32) error {
	if f.fail != nil {
		return f.fail
	}
	f.retired = append(f.retired, v)
	return nil
}

func startMasterKeys(t *testing.T, mk *fakeMasterKeys) string {
	t.Helper()
	h, err := New(Options{Credentials: keys{"FIRST": firstRoot, "OTHER": otherRoot, "ALICE": iamUser},
		Accounts: &fakeAccounts{}, MasterKeys: mk})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestClient_masterKeyRoundTrip(t *testing.T) {
	mk := &fakeMasterKeys{version: 1, status: rekey.Status{Current: 2, Versions: []uint32{1, 2},
		Counts: map[uint32]int64{0: 1, 1: 3, 2: 9, 4: 1}, JobTarget: 2, JobSource: "objects", Rewrapped: 6, Failed: 1}}
	c := client(startMasterKeys(t, mk), "FIRST")
	v, err := c.RotateMasterKey(t.Context())
	if err != nil || v != 2 {
		t.Fatalf("RotateMasterKey = %d, %v; want 2", v, err)
	}
	s, err := c.GetMasterKeyStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := GetMasterKeyStatusResult{CurrentVersion: 2, JobVersion: 2, JobSource: "objects", Rewrapped: 6, Failed: 1,
		Versions: []VersionCount{{0, 1, false}, {1, 3, true}, {2, 9, true}, {4, 1, false}}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("GetMasterKeyStatus (-want +got):\n%s", diff)
	}
	if err := c.RetireMasterKeyVersion(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]uint32{1}, mk.retired); diff != "" {
		t.Errorf("retired (-want +got):\n%s", diff)
	}
}

func TestClient_masterKeyErrors(t *testing.T) {
	mk := &fakeMasterKeys{}
	endpoint := startMasterKeys(t, mk)
	tests := []struct {
		name, key string
		fail      error
		call      func(*Client) error
		want      APIError
	}{
		{"in use", "FIRST", &rekey.InUseError{Version: 1, Count: 7},
			func(c *Client) error { return c.RetireMasterKeyVersion(t.Context(), 1) },
			APIError{Status: 409, Code: "VersionInUse", Message: "master key version 1 still wraps 7 keys or secrets; wait for the re-wrap job (coffer master-key status)"}},
		{"from the environment", "FIRST", rekey.ErrNotPersistable,
			func(c *Client) error { _, err := c.RotateMasterKey(t.Context()); return err },
			APIError{Status: 409, Code: "KeyNotPersistable", Message: "the master key came from the environment and cannot be changed by the server"}},
		{"no such version", "FIRST", rekey.ErrNoSuchVersion,
			func(c *Client) error { return c.RetireMasterKeyVersion(t.Context(), 9) },
			APIError{Status: 404, Code: "NoSuchEntity", Message: "no such master key version"}},
		{"current", "FIRST", rekey.ErrCurrentVersion,
			func(c *Client) error { return c.RetireMasterKeyVersion(t.Context(), 2) },
			APIError{Status: 409, Code: "CurrentVersion", Message: "the current master key version cannot be retired"}},
		{"another node changing the key file", "FIRST", rekey.ErrKeyFileBusy,
			func(c *Client) error { _, err := c.RotateMasterKey(t.Context()); return err },
			APIError{Status: 409, Code: "ConcurrentModification", Message: "another node is changing the master key file; try again when it is done"}},
		{"version 0", "FIRST", nil,
			func(c *Client) error { return c.RetireMasterKeyVersion(t.Context(), 0) },
			APIError{Status: 400, Code: "ValidationError", Message: "1 validation error detected: Value '0' at 'keyVersion' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"IAM user", "ALICE", nil,
			func(c *Client) error { _, err := c.RotateMasterKey(t.Context()); return err },
			APIError{Status: 403, Code: "AccessDenied", Message: "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: coffer:RotateMasterKey because no identity-based policy allows the coffer:RotateMasterKey action"}},
		{"another account's root", "OTHER", nil,
			func(c *Client) error { return c.RetireMasterKeyVersion(t.Context(), 1) },
			APIError{Status: 403, Code: "AccessDenied", Message: "User: arn:aws:iam::123456789012:root is not authorized to perform: coffer:RetireMasterKeyVersion because no identity-based policy allows the coffer:RetireMasterKeyVersion action"}},
	}
	for _, tt := range tests {
		mk.fail = tt.fail
		err := tt.call(client(endpoint, tt.key))
		var got *APIError
		if !errors.As(err, &got) {
			t.Errorf("%s: error = %v, want an *APIError", tt.name, err)
			continue
		}
		got.RequestID = ""
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s", tt.name, diff)
		}
	}
	if len(mk.retired) != 0 || mk.version != 0 {
		t.Errorf("refused calls acted: retired %v, rotated to %d", mk.retired, mk.version)
	}
}

// TestMasterKeyActions_absent: without MasterKeys the actions do not
// exist.
func TestMasterKeyActions_absent(t *testing.T) {
	_, err := client(start(t, &fakeAccounts{}), "FIRST").RotateMasterKey(t.Context())
	var got *APIError
	if !errors.As(err, &got) || got.Code != "InvalidAction" {
		t.Errorf("RotateMasterKey without MasterKeys = %v, want InvalidAction", err)
	}
}
