package operatorapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeReencrypter answers with a fixed status.
type fakeReencrypter struct {
	st   ReencryptionStatus
	runs int
}

func (f *fakeReencrypter) Status(context.Context) (ReencryptionStatus, error) { return f.st, nil }

func (f *fakeReencrypter) RunPass(context.Context) (ReencryptionStatus, error) {
	f.runs++
	return f.st, nil
}

func startReencrypt(t *testing.T, r Reencrypter) string {
	t.Helper()
	opts := Options{Credentials: keys{"FIRST": firstRoot, "OTHER": otherRoot}, Accounts: &fakeAccounts{}}
	if r != nil {
		opts.Reencrypt = r
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestClient_reencryptRoundTrip: status and a requested pass travel the
// wire unchanged; only the first account's root may ask, and a denied
// call runs nothing.
func TestClient_reencryptRoundTrip(t *testing.T) {
	fr := &fakeReencrypter{st: ReencryptionStatus{Enabled: true, Rate: 8 << 20, InPass: true,
		PassStarted: "2026-12-06T10:00:00Z", Current: ReencryptionCounts{Scanned: 9, Reencrypted: 4, Bytes: 1 << 20},
		RetryAt: "2026-12-06T11:00:00Z", LastStarted: "2026-12-05T10:00:00Z", LastCompleted: "2026-12-05T10:05:00Z",
		Last: ReencryptionCounts{Scanned: 3, Skipped: 1, Failed: 1, Errors: 1}, Passes: 2}}
	url := startReencrypt(t, fr)
	c := client(url, "FIRST")
	st, err := c.GetReencryptionStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fr.st, st); diff != "" {
		t.Errorf("GetReencryptionStatus (-want +got):\n%s", diff)
	}
	if st, err = c.RunReencryption(t.Context()); err != nil || fr.runs != 1 || st != fr.st {
		t.Errorf("RunReencryption = %+v, %v after %d runs; want the status after 1", st, err, fr.runs)
	}
	var e *APIError
	if _, err := client(url, "OTHER").RunReencryption(t.Context()); !errors.As(err, &e) || e.Code != "AccessDenied" {
		t.Errorf("RunReencryption by another root: %v, want AccessDenied", err)
	}
	if fr.runs != 1 {
		t.Errorf("a denied RunReencryption ran a pass (%d runs)", fr.runs)
	}
	if _, err := client(startReencrypt(t, nil), "FIRST").GetReencryptionStatus(t.Context()); !errors.As(err, &e) || e.Status != 500 {
		t.Errorf("GetReencryptionStatus without a job: %v, want a 500", err)
	}
}
