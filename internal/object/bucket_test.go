package object

import (
	"context"
	"errors"
	"github.com/coffer-s3/coffer/internal/acl"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidBucketName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"abc", true},
		{"my-bucket.example", true},
		{"a1b2c3", true},
		{strings.Repeat("a", 63), true},
		{"192.168.5.4x", true},
		{"ab", false},
		{strings.Repeat("a", 64), false},
		{"MyBucket", false},
		{"my_bucket", false},
		{"-abc", false},
		{"abc-", false},
		{".abc", false},
		{"abc.", false},
		{"a..b", false},
		{"192.168.5.4", false},
		{"xn--abc", false},
		{"sthree-abc", false},
		{"amzn-s3-demo-x", false},
		{"abc-s3alias", false},
		{"abc--ol-s3", false},
		{"abc.mrap", false},
		{"abc--x-s3", false},
		{"abc--table-s3", false},
		{"a\x00c", false},
		{"abc/d", false},
	}
	for _, tt := range tests {
		err := validBucketName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("validBucketName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidBucketName) {
			t.Errorf("validBucketName(%q) = %v, want ErrInvalidBucketName", tt.name, err)
		}
	}
}

func TestCreateBucket(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	b, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Region: "eu-west-1", Owner: "alice"})
	checkErr(t, "CreateBucket", err, nil)
	want := Bucket{Name: "photos", Region: "eu-west-1", Owner: "alice", Created: testEpoch, Ownership: acl.BucketOwnerEnforced}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("CreateBucket (-want +got):\n%s", diff)
	}
	got, err := e.s.HeadBucket(ctx, "photos")
	checkErr(t, "HeadBucket", err, nil)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HeadBucket (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		in   CreateBucketInput
		want error
	}{
		{"sameOwner", CreateBucketInput{Name: "photos", Owner: "alice"}, ErrBucketAlreadyOwnedByYou},
		{"sameOwnerRegion", CreateBucketInput{Name: "photos", Region: "eu-west-1", Owner: "alice"}, ErrBucketAlreadyOwnedByYou},
		{"ownedOKOtherRegion", CreateBucketInput{Name: "photos", Owner: "alice", OwnedOK: true}, ErrBucketAlreadyOwnedByYou},
		{"ownedOKOtherOwner", CreateBucketInput{Name: "photos", Region: "eu-west-1", Owner: "bob", OwnedOK: true}, ErrBucketAlreadyExists},
		{"otherOwner", CreateBucketInput{Name: "photos", Owner: "bob"}, ErrBucketAlreadyExists},
		{"invalidName", CreateBucketInput{Name: "Photos", Owner: "alice"}, ErrInvalidBucketName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.CreateBucket(ctx, tt.in)
			checkErr(t, "CreateBucket", err, tt.want)
		})
	}
	t.Run("ownedOK", func(t *testing.T) {
		e.clock.Advance(time.Hour)
		again, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "photos", Region: "eu-west-1", Owner: "alice", ObjectLock: true, OwnedOK: true})
		checkErr(t, "CreateBucket(OwnedOK)", err, nil)
		got, err := e.s.HeadBucket(ctx, "photos")
		checkErr(t, "HeadBucket", err, nil)
		if diff := cmp.Diff(want, again); diff != "" {
			t.Errorf("CreateBucket(OwnedOK) returned another bucket (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("bucket changed by CreateBucket(OwnedOK) (-want +got):\n%s", diff)
		}
	})
}

func TestHeadBucket_missing(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.HeadBucket(context.Background(), "nothere")
	checkErr(t, "HeadBucket", err, ErrNoSuchBucket)
}

func TestDeleteBucket(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, e *env)
		want  error
	}{
		{"empty", func(t *testing.T, e *env) {}, nil},
		{"withObject", func(t *testing.T, e *env) { e.put(t, "b1b", "k", "x") }, ErrBucketNotEmpty},
		{"withUpload", func(t *testing.T, e *env) {
			_, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "b1b", Key: "k"})
			checkErr(t, "CreateMultipartUpload", err, nil)
		}, nil},
		{"withObjectAndUpload", func(t *testing.T, e *env) {
			e.put(t, "b1b", "k", "x")
			_, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "b1b", Key: "k"})
			checkErr(t, "CreateMultipartUpload", err, nil)
		}, ErrBucketNotEmpty},
		{"withNoncurrentVersion", func(t *testing.T, e *env) {
			e.versioning(t, "b1b", VersioningEnabled)
			e.put(t, "b1b", "k", "x")
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "b1b", Key: "k"})
			checkErr(t, "DeleteObject", err, nil)
		}, ErrBucketNotEmpty},
		{"objectDeleted", func(t *testing.T, e *env) {
			e.put(t, "b1b", "k", "x")
			_, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "b1b", Key: "k"})
			checkErr(t, "DeleteObject", err, nil)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.bucket(t, "b1b")
			e.bucket(t, "b1b.z") // a neighbour whose keys sort right after
			e.put(t, "b1b.z", "k", "x")
			tt.setup(t, e)
			checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "b1b"), tt.want)
			_, err := e.s.HeadBucket(ctx, "b1b")
			if tt.want == nil {
				checkErr(t, "HeadBucket after delete", err, ErrNoSuchBucket)
			} else {
				checkErr(t, "HeadBucket after failed delete", err, nil)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		e := newEnv(t)
		checkErr(t, "DeleteBucket", e.s.DeleteBucket(ctx, "nothere"), ErrNoSuchBucket)
	})
}

func TestListBuckets(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, n := range []string{"delta", "alpha", "charlie", "bravo"} {
		e.bucket(t, n)
	}
	_, err := e.s.CreateBucket(ctx, CreateBucketInput{Name: "echo", Owner: "bob"})
	checkErr(t, "CreateBucket", err, nil)

	names := func(out *ListBucketsOutput) []string {
		var ns []string
		for _, b := range out.Buckets {
			ns = append(ns, b.Name)
		}
		return ns
	}
	tests := []struct {
		name      string
		in        ListBucketsInput
		want      []string
		truncated bool
	}{
		{"all", ListBucketsInput{}, []string{"alpha", "bravo", "charlie", "delta", "echo"}, false},
		{"owner", ListBucketsInput{Owner: "alice"}, []string{"alpha", "bravo", "charlie", "delta"}, false},
		{"page1", ListBucketsInput{Owner: "alice", MaxBuckets: 2}, []string{"alpha", "bravo"}, true},
		{"page2", ListBucketsInput{Owner: "alice", MaxBuckets: 2, StartAfter: "bravo"}, []string{"charlie", "delta"}, false},
		{"prefix", ListBucketsInput{Prefix: "c"}, []string{"charlie"}, false},
		{"exact", ListBucketsInput{MaxBuckets: 5}, []string{"alpha", "bravo", "charlie", "delta", "echo"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.s.ListBuckets(ctx, tt.in)
			checkErr(t, "ListBuckets", err, nil)
			if diff := cmp.Diff(tt.want, names(out)); diff != "" {
				t.Errorf("ListBuckets(%+v) (-want +got):\n%s", tt.in, diff)
			}
			if out.Truncated != tt.truncated {
				t.Errorf("ListBuckets(%+v).Truncated = %v, want %v", tt.in, out.Truncated, tt.truncated)
			}
		})
	}
}

// TestDeleteBucket_concurrentPut races bucket deletion against writes: every
// write either lands (and the delete fails BucketNotEmpty) or fails
// NoSuchBucket; never does an object survive in a deleted bucket.
func TestDeleteBucket_concurrentPut(t *testing.T) {
	ctx := context.Background()
	for round := 0; round < 20; round++ {
		e := newEnv(t, noInline)
		e.bucket(t, "race")
		var wg sync.WaitGroup
		putErrs := make([]error, 4)
		for i := range putErrs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, putErrs[i] = e.s.PutObject(ctx, PutInput{Bucket: "race", Key: keyN(i), Body: strings.NewReader("x"), Size: 1})
			}()
		}
		var delErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			delErr = e.s.DeleteBucket(ctx, "race")
		}()
		wg.Wait()
		landed := 0
		for _, err := range putErrs {
			switch {
			case err == nil:
				landed++
			case !errors.Is(err, ErrNoSuchBucket):
				t.Fatalf("PutObject = %v, want success or ErrNoSuchBucket", err)
			}
		}
		switch {
		case delErr == nil && landed > 0:
			t.Fatalf("bucket deleted although %d puts succeeded", landed)
		case delErr != nil && !errors.Is(delErr, ErrBucketNotEmpty):
			t.Fatalf("DeleteBucket = %v", delErr)
		case delErr != nil && landed == 0:
			t.Fatalf("DeleteBucket = %v with no object written", delErr)
		}
		if delErr == nil && e.countBlobs(t) != 0 {
			t.Fatalf("%d blobs left after bucket delete", e.countBlobs(t))
		}
	}
}
