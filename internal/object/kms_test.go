package object

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/datakey"
	"github.com/coffer-s3/coffer/internal/kmsfake"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

func testCaller(name string) *datakey.Caller {
	return &datakey.Caller{Principal: sigv4.Principal{AccountID: "111122223333", Name: name,
		ARN: "arn:aws:iam::111122223333:user/" + name, UserID: "AIDA" + name, AccessKey: "AKIA" + name},
		ViaService: "s3.us-east-1.amazonaws.com"}
}

// kmsEnv is an env with a fake key service and a bucket "bkt".
func kmsEnv(t *testing.T, mod ...func(*Options)) (*env, *kmsfake.Service) {
	t.Helper()
	ks := kmsfake.New("111122223333", "us-east-1")
	kr := testKeyring(t) // for the SSE-S3 objects beside SSE-KMS ones
	e := newEnv(t, append([]func(*Options){func(o *Options) { o.Keys, o.Keyring = ks, kr }}, mod...)...)
	e.bucket(t, "bkt")
	return e, ks
}

func kmsRead(e *env, key string, c *datakey.Caller, rg *Range) ([]byte, *GetOutput, error) {
	out, err := e.s.GetObject(context.Background(), GetInput{Bucket: "bkt", Key: key, Range: rg, KMSCaller: c})
	if err != nil {
		return nil, nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return b, out, err
}

func kmsPut(t *testing.T, e *env, key string, body []byte, k *KMSEncryption, c *datakey.Caller) ObjectInfo {
	t.Helper()
	info, err := e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(body),
		Size: int64(len(body)), KMS: k, KMSCaller: c})
	checkErr(t, "PutObject", err, nil)
	return info
}

// TestKMS_writePaths writes SSE-KMS objects through every write path,
// inline and in blobs, and reads them whole and in ranges that cross
// packages and parts; every version reports the key's ARN.
func TestKMS_writePaths(t *testing.T) {
	ctx := context.Background()
	alice := testCallerFor(t)
	for _, inline := range []bool{true, false} {
		var mods []func(*Options)
		if !inline {
			mods = append(mods, noInline)
		}
		e, ks := kmsEnv(t, mods...)
		id := ks.CreateKey("alias/app")
		arn := ks.ARN(id)
		spec := &KMSEncryption{KeyID: "alias/app"}
		body := bytes.Repeat([]byte("0123456789abcdef"), (2*chunk+300)/16)
		small := []byte("hello kms")
		cut := chunk + 7
		paths := map[string]func(key string, b []byte){
			"put": func(key string, b []byte) { kmsPut(t, e, key, b, spec, alice) },
			"multipart": func(key string, b []byte) {
				up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key, KMS: spec, KMSCaller: alice})
				checkErr(t, "CreateMultipartUpload", err, nil)
				if up.ServerSideEncryption != SSEKMS || up.SSEKMSKeyID != arn {
					t.Errorf("upload = %q %q, want aws:kms %s", up.ServerSideEncryption, up.SSEKMSKeyID, arn)
				}
				c := min(cut, len(b)-1)
				var parts []CompletedPart
				for i, pb := range [][]byte{b[:c], b[c:]} {
					p, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: i + 1,
						Body: bytes.NewReader(pb), Size: int64(len(pb)), KMSCaller: alice})
					checkErr(t, "UploadPart", err, nil)
					if p.ServerSideEncryption != SSEKMS || p.SSEKMSKeyID != arn {
						t.Errorf("part = %q %q", p.ServerSideEncryption, p.SSEKMSKeyID)
					}
					parts = append(parts, CompletedPart{PartNumber: i + 1, ETag: p.ETag})
				}
				_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, Parts: parts})
				checkErr(t, "CompleteMultipartUpload", err, nil)
			},
			"copy from SSE-S3": func(key string, b []byte) {
				_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key + ".src", Body: bytes.NewReader(b), Size: int64(len(b)), Encrypt: true})
				checkErr(t, "PutObject", err, nil)
				_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: key + ".src", DstBucket: "bkt", DstKey: key, KMS: spec, KMSCaller: alice})
				checkErr(t, "CopyObject", err, nil)
			},
			"copy from SSE-C": func(key string, b []byte) {
				ck := testCustomerKey(t, 9)
				_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key + ".src", Body: bytes.NewReader(b), Size: int64(len(b)), CustomerKey: ck})
				checkErr(t, "PutObject", err, nil)
				_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: key + ".src", DstBucket: "bkt", DstKey: key,
					SrcCustomerKey: ck, KMS: spec, KMSCaller: alice})
				checkErr(t, "CopyObject", err, nil)
			},
			"copy from SSE-KMS": func(key string, b []byte) {
				kmsPut(t, e, key+".src", b, nil, alice)
				_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: key + ".src", DstBucket: "bkt", DstKey: key, KMS: spec, KMSCaller: alice})
				checkErr(t, "CopyObject", err, nil)
			},
			"part copy": func(key string, b []byte) {
				kmsPut(t, e, key+".src", b, nil, alice)
				up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: key, KMS: spec, KMSCaller: alice})
				checkErr(t, "CreateMultipartUpload", err, nil)
				p, _, err := e.s.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: 1,
					SrcBucket: "bkt", SrcKey: key + ".src", KMSCaller: alice})
				checkErr(t, "UploadPartCopy", err, nil)
				_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: key, UploadID: up.UploadID,
					Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag}}})
				checkErr(t, "CompleteMultipartUpload", err, nil)
			},
		}
		for name, write := range paths {
			for _, b := range [][]byte{small, body} {
				key := name + "/" + string(rune('a'+len(b)%26))
				write(key, b)
				got, out, err := kmsRead(e, key, alice, nil)
				checkErr(t, name+" GetObject", err, nil)
				if !bytes.Equal(got, b) {
					t.Fatalf("%s: read %d bytes, want %d", name, len(got), len(b))
				}
				if out.Info.ServerSideEncryption != SSEKMS || out.Info.SSEKMSKeyID != arn || out.Info.BucketKeyEnabled {
					t.Errorf("%s: info = %q %q %v, want aws:kms %s", name, out.Info.ServerSideEncryption, out.Info.SSEKMSKeyID, out.Info.BucketKeyEnabled, arn)
				}
				for _, rg := range []Range{{0, 0}, {int64(len(b)) - 3, int64(len(b)) - 1}, {int64(len(b)) / 3, int64(len(b)) * 2 / 3}} {
					got, _, err := kmsRead(e, key, alice, &rg)
					checkErr(t, name+" ranged GetObject", err, nil)
					if !bytes.Equal(got, b[rg.Start:rg.End+1]) {
						t.Errorf("%s: range %v differs", name, rg)
					}
				}
			}
		}
		// SSE-KMS sources copied to SSE-S3 and SSE-C.
		kmsPut(t, e, "src", body, spec, alice)
		_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "to-s3", Encrypt: true, KMSCaller: alice})
		checkErr(t, "CopyObject to SSE-S3", err, nil)
		got, out, err := kmsRead(e, "to-s3", nil, nil)
		checkErr(t, "GetObject SSE-S3 copy", err, nil)
		if !bytes.Equal(got, body) || out.Info.ServerSideEncryption != SSES3 {
			t.Errorf("SSE-S3 copy: %d bytes, %q", len(got), out.Info.ServerSideEncryption)
		}
		ck := testCustomerKey(t, 3)
		_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "to-c", CustomerKey: ck, KMSCaller: alice})
		checkErr(t, "CopyObject to SSE-C", err, nil)
		got, err = readWithKey(e, "to-c", ck, 0, -1)
		checkErr(t, "GetObject SSE-C copy", err, nil)
		if !bytes.Equal(got, body) {
			t.Errorf("SSE-C copy differs")
		}
		// A copy source of SSE-KMS needs the caller too.
		_, err = e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "x", Encrypt: true})
		checkErr(t, "CopyObject without caller", err, ErrKMSSignatureRequired)
	}
}

func testCallerFor(t *testing.T) *datakey.Caller { t.Helper(); return testCaller("alice") }

// TestKMS_defaultKeyAndErrors: no key id means alias/aws/s3, recorded by
// its ARN; the key service's refusals reach the caller unchanged; a key
// disabled and enabled again.
func TestKMS_defaultKeyAndErrors(t *testing.T) {
	e, ks := kmsEnv(t)
	alice, bob := testCaller("alice"), testCaller("bob")
	info := kmsPut(t, e, "k", []byte("data"), &KMSEncryption{}, alice)
	id := ks.AliasKeyID("alias/aws/s3")
	if id == "" || info.SSEKMSKeyID != ks.ARN(id) {
		t.Fatalf("SSEKMSKeyID = %q, want the ARN of alias/aws/s3 (%q)", info.SSEKMSKeyID, id)
	}
	for _, c := range ks.Callers() {
		if c.ViaService != "s3.us-east-1.amazonaws.com" || c.Principal.Name != "alice" {
			t.Errorf("caller = %+v", c)
		}
	}
	ks.SetAuthorizer(func(c datakey.Caller, action, _ string) bool {
		return c.Principal.Name == "alice" || action != "kms:Decrypt"
	})
	if _, _, err := kmsRead(e, "k", bob, nil); !errors.Is(err, datakey.ErrAccessDenied) {
		t.Errorf("GetObject by bob = %v, want datakey.ErrAccessDenied", err)
	}
	if _, err := e.s.HeadObject(context.Background(), GetInput{Bucket: "bkt", Key: "k", KMSCaller: bob}); err != nil {
		t.Errorf("HeadObject by bob = %v: HEAD needs no kms:Decrypt", err)
	}
	if _, _, err := kmsRead(e, "k", nil, nil); !errors.Is(err, ErrKMSSignatureRequired) {
		t.Errorf("GetObject without caller = %v", err)
	}
	ks.SetState(id, kmsfake.Disabled)
	if _, _, err := kmsRead(e, "k", alice, nil); !errors.Is(err, datakey.ErrDisabled) {
		t.Errorf("GetObject, key disabled = %v", err)
	}
	_, err := e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: "k2", Body: bytes.NewReader(nil), KMS: &KMSEncryption{}, KMSCaller: alice})
	checkErr(t, "PutObject, key disabled", err, datakey.ErrDisabled)
	ks.SetState(id, kmsfake.Enabled)
	if got, _, err := kmsRead(e, "k", alice, nil); err != nil || string(got) != "data" {
		t.Errorf("GetObject, key enabled again = %q, %v", got, err)
	}
	ks.SetState(id, kmsfake.PendingDeletion)
	if _, _, err := kmsRead(e, "k", alice, nil); !errors.Is(err, datakey.ErrInvalidState) {
		t.Errorf("GetObject, key pending deletion = %v", err)
	}
	_, err = e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: "k3", Body: bytes.NewReader(nil), KMS: &KMSEncryption{KeyID: "alias/none"}, KMSCaller: alice})
	checkErr(t, "PutObject, no such key", err, datakey.ErrNotFound)
	_, err = e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: "k3", Body: bytes.NewReader(nil), KMS: &KMSEncryption{}, Encrypt: true, KMSCaller: alice})
	checkErr(t, "PutObject, aws:kms and AES256", err, ErrInvalidArgument)
}

// TestKMS_noKeyService: without a key service SSE-KMS is refused and a
// bucket default of aws:kms cannot be set.
func TestKMS_noKeyService(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	_, err := e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(nil), KMS: &KMSEncryption{}, KMSCaller: testCaller("a")})
	checkErr(t, "PutObject", err, ErrKMSNotAvailable)
	err = e.s.PutBucketEncryption(context.Background(), "bkt", BucketEncryption{SSEAlgorithm: SSEAlgorithmKMS})
	checkErr(t, "PutBucketEncryption", err, ErrKMSNotAvailable)
}

// TestKMS_encryptionContext: a client's context is what the key service
// binds the data key to; a record whose context was changed does not
// decrypt.
func TestKMS_encryptionContext(t *testing.T) {
	e, _ := kmsEnv(t)
	alice := testCaller("alice")
	ectx := map[string]string{"project": "x"}
	kmsPut(t, e, "k", []byte("data"), &KMSEncryption{Context: ectx}, alice)
	if got, _, err := kmsRead(e, "k", alice, nil); err != nil || string(got) != "data" {
		t.Fatalf("GetObject = %q, %v", got, err)
	}
	wctx := objectKeyContext("d1")
	plan, err := e.s.planKMS("bkt", "k", &KMSEncryption{Context: ectx}, BucketEncryption{}, alice)
	checkErr(t, "planKMS", err, nil)
	key, rec, err := e.s.newKMSDataKey(context.Background(), plan, wctx)
	checkErr(t, "newKMSDataKey", err, nil)
	key.Zero()
	env, err := decodeKMSEnvelope(rec.Key)
	checkErr(t, "decode", err, nil)
	if env.context["project"] != "x" || len(env.context) != 1 {
		t.Errorf("stored context = %v", env.context)
	}
	env.context["project"] = "y"
	rec.Key = env.encode()
	_, err = e.s.kmsDataKey(context.Background(), rec, wctx, alice)
	checkErr(t, "kmsDataKey, context changed", err, datakey.ErrInvalidCiphertext)
	env.context["project"] = "x"
	rec.Key = env.encode()
	_, err = e.s.kmsDataKey(context.Background(), rec, objectKeyContext("d2"), alice)
	checkErr(t, "kmsDataKey, other data", err, errDataCorrupt)
	k, err := e.s.kmsDataKey(context.Background(), rec, wctx, alice)
	checkErr(t, "kmsDataKey", err, nil)
	k.Zero()
	// The default context names the object.
	plan, _ = e.s.planKMS("bkt", "a/b", nil, BucketEncryption{}, alice)
	if plan.context["aws:s3:arn"] != "arn:aws:s3:::bkt/a/b" || plan.keyID != DefaultKMSKeyID {
		t.Errorf("default plan = %+v", plan)
	}
	plan, _ = e.s.planKMS("bkt", "a/b", nil, BucketEncryption{SSEAlgorithm: SSEAlgorithmKMS, KMSMasterKeyID: "kid", BucketKeyEnabled: true}, alice)
	if plan.context["aws:s3:arn"] != "arn:aws:s3:::bkt" || plan.keyID != "kid" || !plan.bucketKey {
		t.Errorf("bucket key plan = %+v", plan)
	}
}

// TestKMS_envelopeDecode: malformed envelopes are refused as corrupt.
func TestKMS_envelopeDecode(t *testing.T) {
	good := (&kmsEnvelope{bucketKey: true, blob: []byte("b"), salt: []byte("s"), wrapped: []byte("w"), context: map[string]string{"a": "1", "b": "2"}}).encode()
	env, err := decodeKMSEnvelope(good)
	if err != nil || !env.bucketKey || string(env.blob) != "b" || env.context["b"] != "2" {
		t.Fatalf("decode = %+v, %v", env, err)
	}
	for i := range good {
		if _, err := decodeKMSEnvelope(good[:i]); !errors.Is(err, errDataCorrupt) {
			t.Errorf("decode of %d bytes = %v, want errDataCorrupt", i, err)
		}
	}
	if _, err := decodeKMSEnvelope(append(good, 0)); !errors.Is(err, errDataCorrupt) {
		t.Errorf("decode with a trailing byte = %v", err)
	}
}

// TestKMS_bucketDefaultAndBucketKey: a bucket default of aws:kms with a
// bucket key encrypts objects written without headers; the bucket key is
// asked for once per caller and TTL, and reads decrypt it once per
// caller and TTL, each caller authorized by the key service.
func TestKMS_bucketDefaultAndBucketKey(t *testing.T) {
	ctx := context.Background()
	e, ks := kmsEnv(t)
	id := ks.CreateKey("alias/app")
	alice, bob := testCaller("alice"), testCaller("bob")
	err := e.s.PutBucketEncryption(ctx, "bkt", BucketEncryption{SSEAlgorithm: SSEAlgorithmKMS, KMSMasterKeyID: "alias/app", BucketKeyEnabled: true})
	checkErr(t, "PutBucketEncryption", err, nil)
	for i := range 5 {
		info := kmsPut(t, e, keyN(i), []byte("v"), nil, alice)
		if info.ServerSideEncryption != SSEKMS || info.SSEKMSKeyID != ks.ARN(id) || !info.BucketKeyEnabled {
			t.Fatalf("info = %q %q %v", info.ServerSideEncryption, info.SSEKMSKeyID, info.BucketKeyEnabled)
		}
	}
	if n := ks.Calls("GenerateDataKey"); n != 1 {
		t.Errorf("GenerateDataKey calls for 5 puts = %d, want 1", n)
	}
	// An explicit AES256 wins over the default; false turns the bucket key off.
	info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "s3", Body: bytes.NewReader(nil), Encrypt: true, KMSCaller: alice})
	checkErr(t, "PutObject AES256", err, nil)
	if info.ServerSideEncryption != SSES3 {
		t.Errorf("AES256 put = %q", info.ServerSideEncryption)
	}
	info = kmsPut(t, e, "nobk", []byte("v"), &KMSEncryption{BucketKey: ptr(false)}, alice)
	if info.BucketKeyEnabled || info.SSEKMSKeyID != ks.ARN(id) {
		t.Errorf("bucket key off: %v %q", info.BucketKeyEnabled, info.SSEKMSKeyID)
	}
	for i := range 5 {
		if _, _, err := kmsRead(e, keyN(i), alice, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := ks.Calls("Decrypt"); n != 1 {
		t.Errorf("Decrypt calls for 5 reads = %d, want 1", n)
	}
	ks.SetAuthorizer(func(c datakey.Caller, action, _ string) bool { return c.Principal.Name == "alice" })
	if _, _, err := kmsRead(e, keyN(0), bob, nil); !errors.Is(err, datakey.ErrAccessDenied) {
		t.Errorf("bob's read = %v: alice's cached bucket key must not serve bob", err)
	}
	// Within the TTL a disabled key still serves alice's cached bucket
	// key; after it, the key service is asked again.
	ks.SetState(id, kmsfake.Disabled)
	if _, _, err := kmsRead(e, keyN(1), alice, nil); err != nil {
		t.Errorf("cached read = %v", err)
	}
	e.clock.Advance(DefaultBucketKeyTTL + time.Second)
	if _, _, err := kmsRead(e, keyN(1), alice, nil); !errors.Is(err, datakey.ErrDisabled) {
		t.Errorf("read after TTL, key disabled = %v", err)
	}
	_, err = e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "new", Body: bytes.NewReader(nil), KMSCaller: alice})
	checkErr(t, "PutObject after TTL, key disabled", err, datakey.ErrDisabled)
	ks.SetState(id, kmsfake.Enabled)
	if _, _, err := kmsRead(e, keyN(1), alice, nil); err != nil {
		t.Errorf("read, key enabled again = %v", err)
	}
}

// TestKMS_scrubAndRewrap: rotating the master key rewraps SSE-S3 keys
// only, leaving SSE-KMS keys as they are and readable; a scrub, which
// cannot ask the key service, checks what it can and finds nothing.
func TestKMS_scrubAndRewrap(t *testing.T) {
	ctx := context.Background()
	kr := testKeyring(t)
	e, _ := kmsEnv(t, encryptAtRest(t, kr), noInline)
	alice := testCaller("alice")
	kmsPut(t, e, "k", bytes.Repeat([]byte("z"), chunk+1), &KMSEncryption{}, alice)
	e.put(t, "bkt", "s3", "sse-s3 data")
	before := kmsRecordKey(t, e, "k")
	if _, err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	_, n, failed, err := e.s.RewrapKeys(ctx, nil, 100)
	if err != nil || n != 1 || failed != 0 {
		t.Fatalf("RewrapKeys = %d rewrapped, %d failed, %v; want the SSE-S3 key only", n, failed, err)
	}
	if !bytes.Equal(before, kmsRecordKey(t, e, "k")) {
		t.Errorf("rewrap changed an SSE-KMS key")
	}
	if got, _, err := kmsRead(e, "k", alice, nil); err != nil || len(got) != chunk+1 {
		t.Errorf("read after rewrap = %d bytes, %v", len(got), err)
	}
	vs, _, _, err := e.s.ScrubBatch(ctx, nil, 10)
	checkErr(t, "ScrubBatch", err, nil)
	for _, v := range vs {
		f, err := e.s.CheckVersion(ctx, &v, nil)
		if err != nil || f != nil {
			t.Errorf("CheckVersion(%s) = %+v, %v", v.Key, f, err)
		}
	}
}

func kmsRecordKey(t *testing.T, e *env, key string) []byte {
	t.Helper()
	var k []byte
	err := e.meta.View(context.Background(), func(r meta.Reader) error {
		rec, err := getObjectRecord(r, "bkt", key)
		if err == nil {
			k = bytes.Clone(rec.SSE.Key)
		}
		return err
	})
	checkErr(t, "read record", err, nil)
	return k
}

// FuzzDecodeKMSEnvelope: a stored SSE-KMS key that is damaged decodes to
// errDataCorrupt, never a panic; one that decodes encodes back the same.
func FuzzDecodeKMSEnvelope(f *testing.F) {
	f.Add((&kmsEnvelope{bucketKey: true, blob: []byte("blob"), salt: []byte("salt"), wrapped: []byte("w"),
		context: map[string]string{"aws:s3:arn": "arn:aws:s3:::bkt"}}).encode())
	f.Add((&kmsEnvelope{}).encode())
	f.Add([]byte{kmsEnvelopeV1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := decodeKMSEnvelope(b)
		if err != nil {
			if !errors.Is(err, errDataCorrupt) {
				t.Fatalf("error %v is not errDataCorrupt", err)
			}
			return
		}
		if again, err := decodeKMSEnvelope(env.encode()); err != nil || again.bucketKey != env.bucketKey ||
			!bytes.Equal(again.blob, env.blob) || len(again.context) != len(env.context) {
			t.Fatalf("re-encoding changed the envelope: %+v, %v", again, err)
		}
	})
}

// TestKMS_bucketKeyConcurrent: writers and readers share bucket keys
// from many goroutines while the clock passes the TTL (run with -race).
func TestKMS_bucketKeyConcurrent(t *testing.T) {
	e, ks := kmsEnv(t)
	ks.CreateKey("alias/app")
	err := e.s.PutBucketEncryption(context.Background(), "bkt", BucketEncryption{SSEAlgorithm: SSEAlgorithmKMS, KMSMasterKeyID: "alias/app", BucketKeyEnabled: true})
	checkErr(t, "PutBucketEncryption", err, nil)
	callers := []*datakey.Caller{testCaller("alice"), testCaller("bob")}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			c := callers[g%2]
			for i := range 10 {
				key := keyN(g*100 + i)
				body := []byte(key)
				if _, err := e.s.PutObject(context.Background(), PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(body), Size: int64(len(body)), KMSCaller: c}); err != nil {
					errs <- err
					return
				}
				if g == 0 && i == 5 {
					e.clock.Advance(DefaultBucketKeyTTL)
				}
				got, _, err := kmsRead(e, key, callers[(g+i)%2], nil)
				if err != nil || !bytes.Equal(got, body) {
					errs <- errors.Join(err, errors.New("read other bytes"))
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Writers that miss the cache at the same moment each make a bucket
	// key (there is no single flight), so each of the 8 goroutines makes
	// at most one per TTL period: at most 16 for 80 writes. The cache
	// then holds one writer entry per caller (2) and, per reader (2), at
	// most one entry per bucket key made.
	made := ks.Calls("GenerateDataKey")
	if made == 0 || made > 16 {
		t.Errorf("bucket keys made = %d for 80 writes, want 1..16", made)
	}
	if n := e.s.kmsCache.len(); n == 0 || n > 2+2*made {
		t.Errorf("cached bucket keys = %d, want 1..%d (2 writers + 2 readers × %d keys made)", n, 2+2*made, made)
	}
}
