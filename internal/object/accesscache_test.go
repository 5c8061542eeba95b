package object

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/meta"
)

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}`

// viewCounter counts read transactions.
type viewCounter struct {
	meta.Store
	views atomic.Int64
}

func (c *viewCounter) View(ctx context.Context, fn func(r meta.Reader) error) error {
	c.views.Add(1)
	return c.Store.View(ctx, fn)
}

func TestBucketAccess(t *testing.T) {
	var cm *viewCounter
	e := newEnv(t, func(o *Options) {
		cm = &viewCounter{Store: o.Meta}
		o.Meta = cm
	})
	ctx := context.Background()
	if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Region: "us-east-1", Owner: "111122223333"}); err != nil {
		t.Fatal(err)
	}
	a, err := e.s.BucketAccess(ctx, "photos")
	if err != nil || !a.Exists || a.Owner != "111122223333" || a.Policy != nil || a.Block != nil || a.AccountBlock != nil {
		t.Fatalf("BucketAccess(photos) = %+v, %v", a, err)
	}
	if a, err := e.s.BucketAccess(ctx, "missing"); err != nil || a.Exists {
		t.Fatalf("BucketAccess(missing) = %+v, %v", a, err)
	}

	// Warm: no meta read.
	before := cm.views.Load()
	for range 10 {
		if _, err := e.s.BucketAccess(ctx, "photos"); err != nil {
			t.Fatal(err)
		}
	}
	if n := cm.views.Load() - before; n != 0 {
		t.Errorf("warm BucketAccess read meta %d times, want 0", n)
	}

	// Local writes are seen at once.
	if err := e.s.PutBucketPolicy(ctx, "photos", []byte(publicReadPolicy)); err != nil {
		t.Fatal(err)
	}
	if err := e.s.PutAccountPublicAccessBlock(ctx, "111122223333", access.PublicAccessBlock{RestrictPublicBuckets: true}); err != nil {
		t.Fatal(err)
	}
	a, _ = e.s.BucketAccess(ctx, "photos")
	if a.Policy == nil || !a.PolicyPublic || a.AccountBlock == nil || !a.EffectiveBlock().RestrictPublicBuckets {
		t.Errorf("after writes BucketAccess = %+v", a)
	}
	// Account blocks public policies now.
	err = e.s.PutBucketPolicy(ctx, "photos", []byte(publicReadPolicy))
	if err != nil {
		t.Fatalf("restrict alone must not block a policy: %v", err)
	}
	if err := e.s.PutPublicAccessBlock(ctx, "photos", access.PublicAccessBlock{BlockPublicPolicy: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.s.PutBucketPolicy(ctx, "photos", []byte(publicReadPolicy)); !errors.Is(err, ErrPublicPolicyBlocked) {
		t.Errorf("PutBucketPolicy(public) under BlockPublicPolicy = %v, want ErrPublicPolicyBlocked", err)
	}
	if err := e.s.DeleteBucketPolicy(ctx, "photos"); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.s.BucketAccess(ctx, "photos"); a.Policy != nil {
		t.Error("policy still cached after DeleteBucketPolicy")
	}
	if _, err := e.s.GetBucketPolicy(ctx, "photos"); !errors.Is(err, ErrNoSuchBucketPolicy) {
		t.Errorf("GetBucketPolicy after delete = %v", err)
	}

	// Another node's write (straight to meta here) shows after the TTL.
	val, _ := encodeRecord(policyRecord{Doc: publicReadPolicy})
	if err := cm.Update(ctx, func(tx meta.Txn) error { return tx.Set(bucketConfigKey("photos", configPolicy), val) }); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.s.BucketAccess(ctx, "photos"); a.Policy != nil {
		t.Error("foreign write seen before the TTL; the cache was not used")
	}
	e.clock.Advance(DefaultAccessTTL + time.Second)
	if a, _ := e.s.BucketAccess(ctx, "photos"); a.Policy == nil {
		t.Error("foreign write not seen after the TTL")
	}
}

// TestBucketAccess_ownership: the access state carries the bucket's
// Object Ownership, and a change of it made through this Service is seen
// by the next request, as policy changes are.
func TestBucketAccess_ownership(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Region: "us-east-1", Owner: "111122223333"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func() error
		want   acl.Ownership
		acls   bool
	}{
		{"new bucket", func() error { return nil }, acl.BucketOwnerEnforced, false},
		{"ObjectWriter", func() error { return e.s.PutBucketOwnership(ctx, "photos", acl.ObjectWriter, "owner-id") }, acl.ObjectWriter, true},
		{"BucketOwnerEnforced", func() error { return e.s.PutBucketOwnership(ctx, "photos", acl.BucketOwnerEnforced, "owner-id") }, acl.BucketOwnerEnforced, false},
		{"deleted controls", func() error { return e.s.DeleteBucketOwnership(ctx, "photos") }, acl.ObjectWriter, true},
	}
	for _, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		a, err := e.s.BucketAccess(ctx, "photos")
		if err != nil || a.Ownership != st.want || a.ACLsEnabled() != st.acls {
			t.Errorf("%s: BucketAccess = ownership %q, ACLs %v (%v), want %q, %v", st.name, a.Ownership, a.ACLsEnabled(), err, st.want, st.acls)
		}
	}
}

// TestAccessCache_generation is the race a load and a write can run:
// a load that read meta before an invalidation must not store its result.
func TestAccessCache_generation(t *testing.T) {
	var c accessCache
	now := time.Unix(1000, 0)
	_, gen, _ := c.get("b", now)
	c.invalidate() // a write committed while the load read meta
	c.put("b", accessEntry{b: &access.Bucket{Exists: true, Owner: "stale"}}, gen, now)
	if b, _, ok := c.get("b", now.Add(-time.Second)); ok {
		t.Fatalf("a load that raced a write stored %+v", b)
	}
	_, gen, _ = c.get("b", now)
	c.put("b", accessEntry{b: &access.Bucket{Exists: true}}, gen, now)
	if _, _, ok := c.get("b", now.Add(-time.Second)); !ok {
		t.Fatal("an undisturbed load was not stored")
	}
}

// TestBucketAccess_race runs readers against a writer that flips the
// policy on and off: after each write returns, the writer's own read must
// see it, whatever the readers put in the cache meanwhile. Run with -race.
func TestBucketAccess_race(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Owner: "111122223333"}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := e.s.BucketAccess(ctx, "photos"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 200 {
		want := i%2 == 0
		var err error
		if want {
			err = e.s.PutBucketPolicy(ctx, "photos", []byte(publicReadPolicy))
		} else {
			err = e.s.DeleteBucketPolicy(ctx, "photos")
		}
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.s.BucketAccess(ctx, "photos")
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Policy != nil; got != want {
			t.Fatalf("write %d: policy present = %v after the write returned, want %v", i, got, want)
		}
	}
	close(stop)
	wg.Wait()
}

func TestCreateBucket_blockPublicAccess(t *testing.T) {
	ctx := context.Background()
	for _, on := range []bool{true, false} {
		e := newEnv(t, func(o *Options) { o.BlockPublicAccess = on })
		if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Owner: "111122223333"}); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.GetPublicAccessBlock(ctx, "photos")
		switch {
		case on && (err != nil || got != access.All):
			t.Errorf("BlockPublicAccess on: GetPublicAccessBlock = %+v, %v; want all flags", got, err)
		case !on && !errors.Is(err, ErrNoSuchPublicAccessBlock):
			t.Errorf("BlockPublicAccess off: GetPublicAccessBlock = %+v, %v; want ErrNoSuchPublicAccessBlock", got, err)
		}
	}
}

func TestPutBucketPolicy_invalid(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.bucket(t, "photos")
	for _, doc := range []string{`{`, `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`} {
		if err := e.s.PutBucketPolicy(ctx, "photos", []byte(doc)); err == nil {
			t.Errorf("PutBucketPolicy(%s) = nil, want an error", doc)
		}
	}
	if _, err := e.s.GetBucketPolicy(ctx, "photos"); !errors.Is(err, ErrNoSuchBucketPolicy) {
		t.Errorf("a refused policy was stored: %v", err)
	}
	if err := e.s.PutBucketPolicy(ctx, "nobucket", []byte(publicReadPolicy)); !errors.Is(err, ErrNoSuchBucket) {
		t.Errorf("PutBucketPolicy(no bucket) = %v", err)
	}
}

// BenchmarkBucketAccess_warm is the per-request cost of authorization's
// bucket lookup once the cache holds the bucket.
func BenchmarkBucketAccess_warm(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	if _, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Owner: "111122223333"}); err != nil {
		b.Fatal(err)
	}
	if err := e.s.PutBucketPolicy(ctx, "photos", []byte(publicReadPolicy)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.s.BucketAccess(ctx, "photos"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
