package object

import (
	"bytes"
	"context"
	"testing"
)

// TestWriteEncryption_cached: with a key service configured, a plain PUT
// once the bucket's access state is cached (as authorizing the request
// leaves it) reads no meta before its commit, and a change of the
// bucket's default encryption through this service is seen by the next
// PUT.
func TestWriteEncryption_cached(t *testing.T) {
	ctx := context.Background()
	var cm *viewCounter
	e, ks := kmsEnv(t, func(o *Options) {
		cm = &viewCounter{Store: o.Meta}
		o.Meta = cm
	})
	id := ks.CreateKey("alias/app")
	put := func(key string) ObjectInfo {
		t.Helper()
		info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader([]byte("v")), Size: 1, KMSCaller: testCaller("alice")})
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	if _, err := e.s.BucketAccess(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	before := cm.views.Load()
	if info := put("a"); info.ServerSideEncryption == SSEKMS {
		t.Errorf("plain put = %q, want no SSE-KMS", info.ServerSideEncryption)
	}
	if n := cm.views.Load() - before; n != 0 {
		t.Errorf("plain put with the bucket's access state cached read meta %d times, want 0", n)
	}

	checkErr(t, "PutBucketEncryption", e.s.PutBucketEncryption(ctx, "bkt", BucketEncryption{SSEAlgorithm: SSEAlgorithmKMS, KMSMasterKeyID: "alias/app"}), nil)
	if info := put("b"); info.ServerSideEncryption != SSEKMS || info.SSEKMSKeyID != ks.ARN(id) {
		t.Errorf("put after the SSE-KMS default = %q %q, want %q %q", info.ServerSideEncryption, info.SSEKMSKeyID, SSEKMS, ks.ARN(id))
	}
	checkErr(t, "DeleteBucketEncryption", e.s.DeleteBucketEncryption(ctx, "bkt"), nil)
	if info := put("c"); info.ServerSideEncryption == SSEKMS {
		t.Errorf("put after the default was removed = %q, want no SSE-KMS", info.ServerSideEncryption)
	}

	_, err := e.s.PutObject(ctx, PutInput{Bucket: "missing", Key: "k", Body: bytes.NewReader(nil), KMSCaller: testCaller("alice")})
	checkErr(t, "PutObject to a missing bucket", err, ErrNoSuchBucket)
}
