package iam

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
	"github.com/coffer-s3/coffer/internal/sse"
)

// node is one coffer node of a cluster whose nodes share one meta store
// and one blob directory: its own identity store, object service and
// cache syncer, as cmd/coffer wires them.
type node struct {
	iam  *Store
	obj  *object.Service
	sync *cachesync.Syncer
}

// newCluster starts n nodes on one Pebble store: one store value shared by
// several services in one process is a faithful model of several
// processes sharing one database.
func newCluster(t *testing.T, n int) []*node {
	t.Helper()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	must(t, err)
	t.Cleanup(func() { m.Close() })
	b, err := fs.Open(filepath.Join(dir, "blobs"), fs.Options{})
	must(t, err)
	t.Cleanup(func() { b.Close() })
	keyFile := filepath.Join(dir, "master.key")
	_, _, err = sse.LoadOrGenerateKeyringFile(keyFile)
	must(t, err)
	clk := clock.NewFake(testEpoch)
	nodes := make([]*node, n)
	for i := range nodes {
		kr, err := sse.LoadKeyringFile(keyFile)
		must(t, err)
		nd := &node{}
		nd.obj, err = object.New(object.Options{Meta: m, Blob: b, Clock: clk, Keyring: kr})
		must(t, err)
		nd.iam, err = New(Options{Meta: m, Keyring: kr, Clock: clk, Region: "us-east-1", Buckets: nd.obj})
		must(t, err)
		must(t, nd.iam.Bootstrap(context.Background(), testRootKey, testRootSecret))
		nd.sync, err = cachesync.New(cachesync.Options{Meta: m, Interval: time.Second})
		must(t, err)
		nd.sync.Subscribe(cachesync.DomainIAM, nd.iam.InvalidateCache)
		nd.sync.Subscribe(cachesync.DomainAccess, nd.obj.InvalidateAccessCache)
		must(t, nd.sync.Sync(context.Background()))
		nodes[i] = nd
	}
	return nodes
}

// allowAll is an identity policy that allows every S3 action.
const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

// userOn creates user with allowAll and a key on nd and returns the key.
func userOn(t *testing.T, nd *node, user string) string {
	t.Helper()
	ctx := context.Background()
	_, err := nd.iam.CreateUser(ctx, CreateUserInput{Account: RootAccountID, Name: user})
	must(t, err)
	must(t, nd.iam.PutInlinePolicy(ctx, Entity{Account: RootAccountID, Kind: EntityUser, Name: user}, "all", allowAll))
	k, _, err := nd.iam.CreateAccessKey(ctx, RootAccountID, user)
	must(t, err)
	return k.AccessKeyID
}

// allowed asks nd whether accessKey may do action on bucket/key.
func allowed(t *testing.T, nd *node, accessKey, action, bucket, key string) bool {
	t.Helper()
	c, err := nd.iam.Lookup(context.Background(), accessKey)
	must(t, err)
	return nd.iam.Authorize(context.Background(), Request{Principal: c.Principal, Action: action, Bucket: bucket, Key: key}).Allowed
}

func TestCluster_revokedKeyStopsOnOtherNodes(t *testing.T) {
	ctx := context.Background()
	nodes := newCluster(t, 3)
	a, b, c := nodes[0], nodes[1], nodes[2]
	ak := userOn(t, a, "alice")
	ak2, _, err := a.iam.CreateAccessKey(ctx, RootAccountID, "alice")
	must(t, err)
	for _, nd := range []*node{b, c} {
		_, err := nd.iam.Lookup(ctx, ak) // warms the credential cache
		must(t, err)
		_, err = nd.iam.Lookup(ctx, ak2.AccessKeyID)
		must(t, err)
	}

	must(t, a.iam.UpdateAccessKey(ctx, RootAccountID, "alice", ak, StatusInactive))
	must(t, a.iam.DeleteAccessKey(ctx, RootAccountID, "alice", ak2.AccessKeyID))
	if _, err := a.iam.Lookup(ctx, ak); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
		t.Fatalf("Lookup of the deactivated key on the node that changed it = %v, want ErrUnknownAccessKey at once", err)
	}
	// Until b syncs it serves its cache: this is what the sync is for.
	if _, err := b.iam.Lookup(ctx, ak); err != nil {
		t.Fatalf("b's cached Lookup before its sync = %v, want the cached credential", err)
	}
	for _, nd := range []*node{b, c} {
		must(t, nd.sync.Sync(ctx))
		for _, k := range []string{ak, ak2.AccessKeyID} {
			if _, err := nd.iam.Lookup(ctx, k); !errors.Is(err, sigv4.ErrUnknownAccessKey) {
				t.Errorf("Lookup(%s) on another node after its sync = %v, want ErrUnknownAccessKey", k, err)
			}
		}
	}
}

// TestCluster_revocationBound measures how long a key deactivated through
// one node keeps authenticating on another that runs its syncer at the
// default interval.
func TestCluster_revocationBound(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nodes := newCluster(t, 2)
	a, b := nodes[0], nodes[1]
	ak := userOn(t, a, "alice")
	done := make(chan struct{})
	synced := b.sync.Syncs()
	go func() { defer close(done); b.sync.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Run's first Sync drops every cache; warm b's after it.
	for b.sync.Syncs() == synced {
		time.Sleep(time.Millisecond)
	}
	if _, err := b.iam.Lookup(ctx, ak); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	must(t, a.iam.UpdateAccessKey(ctx, RootAccountID, "alice", ak, StatusInactive))
	var took time.Duration
	for {
		if _, err := b.iam.Lookup(ctx, ak); errors.Is(err, sigv4.ErrUnknownAccessKey) {
			took = time.Since(start)
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("the deactivated key still authenticates on the other node after 10 s")
		}
		time.Sleep(time.Millisecond) // polling a condition that crosses nodes
	}
	t.Logf("a key deactivated on node A was refused by node B after %v (sync interval %v)", took.Round(time.Millisecond), b.sync.Interval())
	// Generous slack for a loaded machine: the bound is one interval
	// plus one Scan.
	if limit := b.sync.Interval() + 2*time.Second; took > limit {
		t.Errorf("revocation took %v on the other node, want at most %v", took, limit)
	}
}

func TestCluster_identityPolicyDeny(t *testing.T) {
	ctx := context.Background()
	nodes := newCluster(t, 2)
	a, b := nodes[0], nodes[1]
	ak := userOn(t, a, "alice")
	_, err := a.obj.CreateBucket(ctx, object.CreateBucketInput{Name: "photos", Owner: RootAccountID})
	must(t, err)
	must(t, b.sync.Sync(ctx))
	if !allowed(t, b, ak, "s3:GetObject", "photos", "x") {
		t.Fatal("GetObject denied on b before any deny")
	}
	// A deny in a group policy, through a group joined on a.
	_, err = a.iam.CreateGroup(ctx, RootAccountID, "readers", "/")
	must(t, err)
	must(t, a.iam.AddUserToGroup(ctx, RootAccountID, "readers", "alice"))
	must(t, a.iam.PutInlinePolicy(ctx, Entity{Account: RootAccountID, Kind: EntityGroup, Name: "readers"}, "deny",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`))
	must(t, b.sync.Sync(ctx))
	if allowed(t, b, ak, "s3:GetObject", "photos", "x") {
		t.Fatal("GetObject allowed on b after a group deny was added on a and b synced")
	}
}

func TestCluster_bucketAccessState(t *testing.T) {
	ctx := context.Background()
	nodes := newCluster(t, 2)
	a, b := nodes[0], nodes[1]
	ak := userOn(t, a, "alice")
	// b caches that the bucket does not exist; a creates it.
	ba, err := b.obj.BucketAccess(ctx, "photos")
	must(t, err)
	if ba.Exists {
		t.Fatal("b sees a bucket nobody created")
	}
	_, err = a.obj.CreateBucket(ctx, object.CreateBucketInput{Name: "photos", Owner: RootAccountID})
	must(t, err)
	must(t, b.sync.Sync(ctx))
	ba, err = b.obj.BucketAccess(ctx, "photos")
	must(t, err)
	if !ba.Exists || !allowed(t, b, ak, "s3:PutObject", "photos", "x") {
		t.Fatalf("b sees bucket %+v, want it to exist and to allow PutObject", ba)
	}

	// A bucket policy with a Deny, put on a.
	must(t, a.obj.PutBucketPolicy(ctx, "photos", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
		"Principal":{"AWS":"arn:aws:iam::`+RootAccountID+`:user/alice"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::photos/*"}]}`)))
	if !allowed(t, b, ak, "s3:PutObject", "photos", "x") {
		t.Fatal("b saw the bucket policy before its sync: the test does not exercise the cache")
	}
	must(t, b.sync.Sync(ctx))
	if allowed(t, b, ak, "s3:PutObject", "photos", "x") {
		t.Fatal("PutObject allowed on b after a denying bucket policy was put on a and b synced")
	}

	// Block Public Access of the bucket's account, put on a.
	must(t, a.obj.PutAccountPublicAccessBlock(ctx, RootAccountID, access.All))
	must(t, b.sync.Sync(ctx))
	ba, err = b.obj.BucketAccess(ctx, "photos")
	must(t, err)
	if ba.AccountBlock == nil || *ba.AccountBlock != access.All {
		t.Fatalf("b's account Block Public Access after sync = %+v, want all four flags", ba.AccountBlock)
	}

	// Object Ownership, changed on a.
	must(t, a.obj.PutBucketOwnership(ctx, "photos", acl.ObjectWriter, ""))
	must(t, b.sync.Sync(ctx))
	if ba, err = b.obj.BucketAccess(ctx, "photos"); err != nil || ba.Ownership != acl.ObjectWriter {
		t.Fatalf("b's Object Ownership after a changed it = %+v, %v; want ObjectWriter", ba, err)
	}

	// Bucket deletion on a.
	must(t, a.obj.DeleteBucketPolicy(ctx, "photos"))
	must(t, a.obj.DeleteBucket(ctx, "photos"))
	must(t, b.sync.Sync(ctx))
	if ba, err = b.obj.BucketAccess(ctx, "photos"); err != nil || ba.Exists {
		t.Fatalf("b's BucketAccess after the bucket was deleted on a = %+v, %v; want it gone", ba, err)
	}
}

// TestCluster_sessionsKeepCachesWarm: issuing temporary credentials adds
// records no cache can hold, so it must not empty other nodes' caches
// (every AssumeRole would otherwise cost every node a cold cache), and
// the new credentials work on another node at once, before any sync.
func TestCluster_sessionsKeepCachesWarm(t *testing.T) {
	ctx := context.Background()
	nodes := newCluster(t, 2)
	a, b := nodes[0], nodes[1]
	ak := userOn(t, a, "alice")
	_, err := a.iam.CreateRole(ctx, CreateRoleInput{Account: RootAccountID, Name: "app", AssumeRolePolicyDocument: trustAccount})
	must(t, err)
	must(t, b.sync.Sync(ctx))
	_, err = b.iam.Lookup(ctx, ak) // warms b's credential cache
	must(t, err)
	genA, genB := a.iam.cache.generation(), b.iam.cache.generation()

	sess, err := a.iam.CreateSession(ctx, SessionInput{Account: RootAccountID, RoleName: "app", SessionName: "s", Duration: time.Hour})
	must(t, err)
	if _, err := b.iam.Lookup(ctx, sess.AccessKeyID); err != nil {
		t.Fatalf("the new session's key on another node before its sync = %v, want it found", err)
	}
	must(t, b.sync.Sync(ctx))
	if g := a.iam.cache.generation(); g != genA {
		t.Errorf("the issuing node's cache generation moved %d -> %d: its cache was emptied", genA, g)
	}
	if g := b.iam.cache.generation(); g != genB {
		t.Errorf("another node's cache generation moved %d -> %d after its sync: its cache was emptied", genB, g)
	}
	if _, ok := b.iam.cache.cred(ak); !ok {
		t.Error("another node's cached credential is gone after a session was issued")
	}
}
