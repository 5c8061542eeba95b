package operatorapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeLifecycle answers with a fixed explanation for bucket "bkt".
type fakeLifecycle struct {
	x     LifecycleExplanation
	asked []string
}

func (f *fakeLifecycle) Explain(_ context.Context, bucket, key string) (LifecycleExplanation, error) {
	f.asked = append(f.asked, bucket+"/"+key)
	if bucket != "bkt" {
		return LifecycleExplanation{}, ErrNoSuchBucket
	}
	return f.x, nil
}

func startLifecycle(t *testing.T, l Lifecycle) string {
	t.Helper()
	h, err := New(Options{Credentials: keys{"FIRST": firstRoot, "OTHER": otherRoot}, Accounts: &fakeAccounts{}, Lifecycle: l})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestClient_explainLifecycle(t *testing.T) {
	fl := &fakeLifecycle{x: LifecycleExplanation{Bucket: "bkt", Key: "a/b", HasRules: true, Versioning: "Enabled", DaySeconds: 86400,
		Versions: []LifecycleVersionPlan{
			{VersionID: "v2", IsLatest: true, LastModified: "2026-03-01T10:30:00Z", Action: "expire-current", RuleID: "r1", Due: "2026-03-12T00:00:00Z"},
			{VersionID: "v1", LastModified: "2026-02-01T10:30:00Z", Action: "expire-noncurrent", RuleID: "r2", Due: "2026-03-04T00:00:00Z", Blocked: "legal hold"},
		},
		Uploads: []LifecycleUploadPlan{{UploadID: "u1", Initiated: "2026-03-01T10:30:00Z", RuleID: "r3", Due: "2026-03-09T00:00:00Z"}}}}
	url := startLifecycle(t, fl)
	got, err := client(url, "FIRST").ExplainLifecycle(t.Context(), "bkt", "a/b")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fl.x, got); diff != "" {
		t.Errorf("ExplainLifecycle (-want +got):\n%s", diff)
	}
	_, err = client(url, "FIRST").ExplainLifecycle(t.Context(), "nobucket", "k")
	var e *APIError
	if !errors.As(err, &e) || e.Code != "NoSuchBucket" || e.Status != 404 {
		t.Errorf("ExplainLifecycle(no bucket) = %v, want 404 NoSuchBucket", err)
	}
	n := len(fl.asked)
	_, err = client(url, "OTHER").ExplainLifecycle(t.Context(), "bkt", "k")
	if !errors.As(err, &e) || e.Code != "AccessDenied" || !strings.Contains(e.Message, "coffer:ExplainLifecycle") || len(fl.asked) != n {
		t.Errorf("ExplainLifecycle by another root: %v, want AccessDenied and no call", err)
	}
	_, err = client(url, "FIRST").ExplainLifecycle(t.Context(), "bkt", "")
	if !errors.As(err, &e) || e.Status != 400 {
		t.Errorf("ExplainLifecycle without a key: %v, want 400", err)
	}
}
