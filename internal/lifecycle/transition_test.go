package lifecycle

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// withTier gives the object service a directory tier for class and
// returns the tier's store.
func withTier(t *testing.T, class string) (func(*object.Options), *fs.Store) {
	t.Helper()
	st, err := fs.Open(filepath.Join(t.TempDir(), "tier"), fs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return func(o *object.Options) { o.Tiers = map[string]blob.Store{class: st} }, st
}

func blobsIn(t *testing.T, st blob.Store) int {
	t.Helper()
	n := 0
	if err := st.Walk(t.Context(), func(blob.ID, time.Time) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTransition_toGlacierTier: "move logs/ to GLACIER after 90 days"
// moves the bytes of the objects under logs/ that are at least 128 KiB
// to the GLACIER tier on the midnight after their 90th day, and nothing
// before; a moved object then answers InvalidObjectState until restored,
// and a second pass does nothing more.
func TestTransition_toGlacierTier(t *testing.T) {
	tier, st := withTier(t, object.StorageGlacier)
	f := newFixture(t, tier)
	rule := rules.Rule{ID: "logs-to-glacier", Enabled: true, Filter: rules.Filter{Prefix: "logs/", Form: rules.FormSingle},
		Transitions: []rules.Transition{{Days: 90, StorageClass: object.StorageGlacier}}}
	f.bucket("tierb", object.VersioningEnabled, rules.Config{Rules: []rules.Rule{rule}})
	big := strings.Repeat("L", 200<<10)
	f.put("tierb", "logs/a", big)
	f.put("tierb", "logs/small", v(5))
	f.put("tierb", "keep/b", big)
	e := f.engine()

	// Created 2026-03-01 10:30: due 90 days later, rounded up to midnight.
	due := time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)
	f.clock.Set(due.Add(-time.Second))
	if st := f.pass(e); st.Transitioned != 0 {
		t.Fatalf("before due: %+v", st)
	}
	f.clock.Set(due)
	if got := f.pass(e); got.Transitioned != 1 || got.Errors != 0 {
		t.Fatalf("at due: %+v\n%s", got, f.logs.String())
	}
	for key, want := range map[string]string{"logs/a": object.StorageGlacier, "logs/small": "", "keep/b": ""} {
		out, err := f.objs.HeadObject(f.ctx, object.GetInput{Bucket: "tierb", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Info.StorageClass; got != want && !(want == "" && got == object.StorageStandard) {
			t.Errorf("%s: storage class %q, want %q", key, got, want)
		}
	}
	if n := blobsIn(t, st); n != 1 {
		t.Errorf("%d blobs in the GLACIER tier, want 1", n)
	}
	if _, err := f.objs.GetObject(f.ctx, object.GetInput{Bucket: "tierb", Key: "logs/a"}); !errors.Is(err, object.ErrInvalidObjectState) {
		t.Errorf("GET of the archived object: %v, want ErrInvalidObjectState", err)
	}
	if !strings.Contains(f.logs.String(), "rule_id=logs-to-glacier") {
		t.Errorf("log does not name the rule:\n%s", f.logs.String())
	}
	f.clock.Advance(days(30))
	if got := f.pass(e); got.Transitioned != 0 || got.Errors != 0 {
		t.Errorf("later pass: %+v", got)
	}
}

// TestSchedule_transitions: the waterfall (never to a warmer or the same
// class), the 128 KiB floor and its varies_by_storage_class exception,
// expiration winning over a transition due no earlier, and noncurrent
// transitions counted from when a version became noncurrent.
func TestSchedule_transitions(t *testing.T) {
	created := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	big := int64(1 << 20)
	rule := func(r rules.Rule) rules.Config {
		r.ID, r.Enabled, r.Filter = "r", true, rules.Filter{Form: rules.FormSingle}
		return rules.Config{Rules: []rules.Rule{r}}
	}
	toIA30 := []rules.Transition{{Days: 30, StorageClass: "STANDARD_IA"}}
	tests := []struct {
		name string
		cfg  rules.Config
		vs   []rules.Version
		want string // "kind class index @ date" or ""
	}{
		{"to IA after 30 days", rule(rules.Rule{Transitions: toIA30}),
			[]rules.Version{{Created: created, Size: big}}, "transition STANDARD_IA 0 @ 2026-02-10"},
		{"never to a warmer class", rule(rules.Rule{Transitions: toIA30}),
			[]rules.Version{{Created: created, Size: big, StorageClass: "GLACIER"}}, ""},
		{"not to the same class", rule(rules.Rule{Transitions: toIA30}),
			[]rules.Version{{Created: created, Size: big, StorageClass: "STANDARD_IA"}}, ""},
		{"under 128 KiB stays", rule(rules.Rule{Transitions: toIA30}),
			[]rules.Version{{Created: created, Size: 1000}}, ""},
		{"under 128 KiB to GLACIER when it varies by class", func() rules.Config {
			c := rule(rules.Rule{Transitions: []rules.Transition{{Days: 1, StorageClass: "GLACIER"}}})
			c.TransitionMinSize = rules.MinSizeVaries
			return c
		}(), []rules.Version{{Created: created, Size: 1000}}, "transition GLACIER 0 @ 2026-01-12"},
		{"expiration due first wins", rule(rules.Rule{Transitions: toIA30, Expiration: &rules.Expiration{Days: 30}}),
			[]rules.Version{{Created: created, Size: big}}, "expire-current  0 @ 2026-02-10"},
		{"transition before expiration", rule(rules.Rule{Transitions: toIA30, Expiration: &rules.Expiration{Days: 365}}),
			[]rules.Version{{Created: created, Size: big}}, "transition STANDARD_IA 0 @ 2026-02-10"},
		{"noncurrent from its successor", rule(rules.Rule{NoncurrentTransitions: []rules.NoncurrentTransition{{Days: 7, StorageClass: "GLACIER_IR"}}}),
			[]rules.Version{{Created: created.Add(20 * day), Size: big, StorageClass: "GLACIER"}, {Created: created, Size: big}},
			"transition GLACIER_IR 1 @ 2026-02-07"},
		{"noncurrent keeps newer ones", rule(rules.Rule{NoncurrentTransitions: []rules.NoncurrentTransition{{Days: 7, Newer: 1, StorageClass: "GLACIER_IR"}}}),
			[]rules.Version{{Created: created.Add(20 * day), Size: big}, {Created: created, Size: big}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, a := range tt.cfg.Schedule("k", tt.vs, day) {
				got = a.Kind.String() + " " + a.StorageClass + " " + string(rune('0'+a.Index)) + " @ " + a.Due.Format(time.DateOnly)
			}
			if got != tt.want {
				t.Errorf("Schedule = %q, want %q", got, tt.want)
			}
		})
	}
}
