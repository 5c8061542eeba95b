package iam

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestLookup_concurrentWithMutations runs Lookup and Authorize while the
// key is switched on and off. After each acknowledged switch, the next
// Lookup must see it: a stale cache entry stored by a concurrent reader
// would show here.
func TestLookup_concurrentWithMutations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ak, _ := e.newUser(t, RootAccountID, "alice")
	must(t, e.s.AttachPolicy(ctx, Entity{Account: RootAccountID, Kind: EntityUser, Name: "alice"}, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				c, err := e.s.Lookup(ctx, ak)
				if err != nil && !errors.Is(err, sigv4.ErrUnknownAccessKey) {
					t.Errorf("Lookup: %v", err)
					return
				}
				if err == nil {
					e.s.Authorize(ctx, Request{Principal: c.Principal, Action: "s3:GetObject", Bucket: "b", Key: "k"})
				}
			}
		})
	}
	for i := range 40 {
		st, works := StatusInactive, false
		if i%2 == 1 {
			st, works = StatusActive, true
		}
		must(t, e.s.UpdateAccessKey(ctx, RootAccountID, "alice", ak, st))
		if _, err := e.s.Lookup(ctx, ak); (err == nil) != works {
			t.Fatalf("round %d: after setting %s, Lookup err = %v", i, st, err)
		}
	}
	stop.Store(true)
	wg.Wait()
}
