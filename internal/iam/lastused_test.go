package iam

import (
	"context"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

func TestAccessKeyLastUsed_throttledWrites(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ak, _ := e.newUser(t, RootAccountID, "alice")
	got, err := e.s.GetAccessKeyLastUsed(ctx, ak)
	must(t, err)
	if !got.Date.IsZero() || got.Service != "N/A" || got.UserName != "alice" {
		t.Errorf("never used: %+v", got)
	}
	c, err := e.s.Lookup(ctx, ak)
	must(t, err)
	stored := func() time.Time {
		var rec keyRecord
		must(t, e.meta.View(ctx, func(r meta.Reader) error { _, err := get(r, key(subKey, ak), &rec); return err }))
		return rec.LastUsed
	}
	use := func() {
		e.s.Authorize(ctx, Request{Principal: c.Principal, Action: "s3:GetObject", Bucket: "b", Key: "k"})
	}

	use()
	if !stored().Equal(testEpoch) {
		t.Errorf("first use not written: stored %v", stored())
	}
	e.clock.Advance(time.Minute)
	use()
	if !stored().Equal(testEpoch) {
		t.Errorf("a use within the interval was written: %v", stored())
	}
	got, err = e.s.GetAccessKeyLastUsed(ctx, ak)
	must(t, err)
	if !got.Date.Equal(testEpoch.Add(time.Minute)) || got.Service != "s3" || got.Region != "us-east-1" {
		t.Errorf("GetAccessKeyLastUsed = %+v, want the in-memory use", got)
	}
	e.clock.Advance(time.Hour)
	use()
	if want := testEpoch.Add(61 * time.Minute); !stored().Equal(want) {
		t.Errorf("after the interval: stored %v, want %v", stored(), want)
	}
}
