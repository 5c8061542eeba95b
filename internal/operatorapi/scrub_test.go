package operatorapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/queryapi"
)

// fakeScrubber answers with fixed results.
type fakeScrubber struct {
	damaged []DamagedObject
	pass    ScrubPass
	runs    int
}

func (f *fakeScrubber) ListDamaged(context.Context) ([]DamagedObject, error) { return f.damaged, nil }

func (f *fakeScrubber) RunPass(context.Context) (ScrubPass, error) {
	f.runs++
	return f.pass, nil
}

var damaged = DamagedObject{Bucket: "bkt", Key: "a/b.txt", VersionID: "null", Blob: "00ab", Problem: "blob missing", Found: "2026-12-06T10:11:12Z"}

func startScrub(t *testing.T, s Scrubber) string {
	t.Helper()
	h, err := New(Options{Credentials: keys{"FIRST": firstRoot, "OTHER": otherRoot}, Accounts: &fakeAccounts{}, Scrub: s})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestClient_scrubRoundTrip(t *testing.T) {
	fs := &fakeScrubber{damaged: []DamagedObject{damaged}, pass: ScrubPass{Started: "2026-12-06T10:00:00Z", Completed: "2026-12-06T10:11:12Z", Scanned: 7, Damaged: 1}}
	c := client(startScrub(t, fs), "FIRST")
	list, err := c.ListDamagedObjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fs.damaged, list); diff != "" {
		t.Errorf("ListDamagedObjects (-want +got):\n%s", diff)
	}
	p, err := c.RunScrub(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if p != fs.pass || fs.runs != 1 {
		t.Errorf("RunScrub = %+v after %d runs, want %+v after 1", p, fs.runs, fs.pass)
	}
}

// TestScrub_onlyFirstRoot: another account's root may neither list nor
// run, and its call runs nothing.
func TestScrub_onlyFirstRoot(t *testing.T) {
	fs := &fakeScrubber{}
	c := client(startScrub(t, fs), "OTHER")
	_, err := c.RunScrub(t.Context())
	var e *APIError
	if !errors.As(err, &e) || e.Code != "AccessDenied" || !strings.Contains(e.Message, "coffer:RunScrub") {
		t.Errorf("RunScrub by another root: %v, want AccessDenied", err)
	}
	if _, err := c.ListDamagedObjects(t.Context()); !errors.As(err, &e) || e.Code != "AccessDenied" {
		t.Errorf("ListDamagedObjects by another root: %v, want AccessDenied", err)
	}
	if fs.runs != 0 {
		t.Errorf("a denied RunScrub ran %d passes", fs.runs)
	}
}

func TestScrub_noScrubber(t *testing.T) {
	_, err := client(startScrub(t, nil), "FIRST").ListDamagedObjects(t.Context())
	var e *APIError
	if !errors.As(err, &e) || e.Status != 500 {
		t.Errorf("ListDamagedObjects without a scrubber: %v, want a 500", err)
	}
}

func TestScrubResults_golden(t *testing.T) {
	tests := []struct {
		file, action string
		result       any
	}{
		{"listdamagedobjects.xml", "ListDamagedObjects", ListDamagedObjectsResult{Objects: []DamagedObject{damaged}}},
		{"listdamagedobjects-empty.xml", "ListDamagedObjects", ListDamagedObjectsResult{Objects: []DamagedObject{}}},
		{"runscrub.xml", "RunScrub", ScrubPass{Started: "2026-12-06T10:00:00Z", Completed: "2026-12-06T10:11:12Z", Scanned: 7, Damaged: 1}},
	}
	for _, tt := range tests {
		got, err := queryapi.AppendResult(nil, Namespace, tt.action, "REQ1", tt.result)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tt.file)
		if os.Getenv("UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != strings.TrimSpace(string(want)) {
			t.Errorf("%s:\n got %s\nwant %s", tt.file, got, want)
		}
	}
}
