package s3api

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/reqid"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testTime is the fake clock's time and every timestamp the fake returns.
var testTime = time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

// fakeObjects records what the handlers ask of the object service and
// answers with canned results. err, if set, is returned by every call.
type fakeObjects struct {
	mu    sync.Mutex
	calls []any // the typed inputs, Body fields replaced by the bytes read
	body  []byte
	err   error

	bucket      object.Bucket
	grants      []acl.Grant
	buckets     *object.ListBucketsOutput
	info        object.ObjectInfo
	get         *object.GetOutput
	getBody     string
	del         object.DeleteOutput
	delResults  []object.DeleteResult
	copyOut     *object.CopyOutput
	attrs       *object.AttributesOutput
	tags        []object.Tag
	version     string
	list        *object.ListOutput
	versions    *object.ListVersionsOutput
	versioning  object.VersioningConfig
	lockConfig  object.ObjectLockConfig
	lock        object.Lock
	upload      object.Upload
	part        object.Part
	restore     object.RestoreOutput
	parts       *object.ListPartsOutput
	uploads     *object.ListUploadsOutput
	trailerSeen []byte
	corsCfg     *cors.Config             // BucketCORS's answer (nil: none)
	lifecycle   *rules.Config            // BucketLifecycle's answer (nil: none)
	encryption  *object.BucketEncryption // GetBucketEncryption's answer (nil: the default)
	blockSSEC   bool                     // CheckEncryptionAllowed refuses SSE-C
	kms         bool                     // SupportsKMS's answer
}

func (f *fakeObjects) SupportsKMS() bool { return f.kms }

func (f *fakeObjects) record(in any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, in)
}

func (f *fakeObjects) last() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return nil
	}
	return f.calls[len(f.calls)-1]
}

// readBody consumes a write's body the way the service does: exactly size
// bytes, then the trailer checksum if one is expected.
func (f *fakeObjects) readBody(body io.Reader, size int64, exp *object.ExpectedChecksum) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if int64(len(data)) != size {
		return object.ErrIncompleteBody
	}
	f.body = data
	if exp != nil && exp.Trailer != nil {
		v, err := exp.Trailer()
		if err != nil {
			return err
		}
		f.trailerSeen = v
	}
	return nil
}

func (f *fakeObjects) CreateBucket(_ context.Context, in object.CreateBucketInput) (object.Bucket, error) {
	f.record(in)
	return f.bucket, f.err
}

func (f *fakeObjects) HeadBucket(_ context.Context, name string) (object.Bucket, error) {
	f.record(name)
	return f.bucket, f.err
}

func (f *fakeObjects) DeleteBucket(_ context.Context, name string) error {
	f.record(name)
	return f.err
}

func (f *fakeObjects) ListBuckets(_ context.Context, in object.ListBucketsInput) (*object.ListBucketsOutput, error) {
	f.record(in)
	return f.buckets, f.err
}

func (f *fakeObjects) PutObject(_ context.Context, in object.PutInput) (object.ObjectInfo, error) {
	if err := f.readBody(in.Body, in.Size, in.Checksum); err != nil {
		return object.ObjectInfo{}, err
	}
	in.Body = nil
	if in.Checksum != nil {
		in.Checksum.Trailer = nil
	}
	f.record(in)
	return f.info, f.err
}

func (f *fakeObjects) GetObject(_ context.Context, in object.GetInput) (*object.GetOutput, error) {
	f.record(in)
	if f.err != nil {
		return nil, f.err
	}
	out := *f.get
	out.Body = io.NopCloser(strings.NewReader(f.getBody))
	return &out, nil
}

func (f *fakeObjects) HeadObject(_ context.Context, in object.GetInput) (*object.GetOutput, error) {
	f.record(in)
	if f.err != nil {
		return nil, f.err
	}
	out := *f.get
	return &out, nil
}

func (f *fakeObjects) DeleteObject(_ context.Context, in object.DeleteInput) (object.DeleteOutput, error) {
	f.record(in)
	return f.del, f.err
}

func (f *fakeObjects) DeleteObjects(_ context.Context, bucket string, ids []object.ObjectID) ([]object.DeleteResult, error) {
	f.record(ids)
	if f.delResults != nil {
		return f.delResults, f.err
	}
	var res []object.DeleteResult
	for _, id := range ids {
		res = append(res, object.DeleteResult{ObjectID: id})
	}
	return res, f.err
}

func (f *fakeObjects) DeleteVersions(_ context.Context, in object.DeleteObjectsInput) ([]object.DeleteResult, error) {
	f.record(in.Objects)
	if f.err != nil {
		return nil, f.err
	}
	if f.delResults != nil {
		return f.delResults, nil
	}
	out := make([]object.DeleteResult, len(in.Objects))
	for i, id := range in.Objects {
		out[i].ObjectID = id
	}
	return out, nil
}

func (f *fakeObjects) PutObjectLockConfiguration(_ context.Context, bucket string, cfg object.ObjectLockConfig) error {
	f.record(cfg)
	return f.err
}

func (f *fakeObjects) GetObjectLockConfiguration(_ context.Context, bucket string) (object.ObjectLockConfig, error) {
	f.record(bucket)
	return f.lockConfig, f.err
}

func (f *fakeObjects) PutObjectRetention(_ context.Context, in object.PutRetentionInput) (string, error) {
	f.record(in)
	return f.version, f.err
}

func (f *fakeObjects) GetObjectRetention(_ context.Context, bucket, key, versionID string) (object.Lock, error) {
	f.record(object.ObjectID{Key: key, VersionID: versionID})
	return f.lock, f.err
}

func (f *fakeObjects) PutObjectLegalHold(_ context.Context, bucket, key, versionID string, on bool) (string, error) {
	f.record(legalHoldCall{object.ObjectID{Key: key, VersionID: versionID}, on})
	return f.version, f.err
}

// legalHoldCall records a PutObjectLegalHold.
type legalHoldCall struct {
	ID object.ObjectID
	On bool
}

func (f *fakeObjects) GetObjectLegalHold(_ context.Context, bucket, key, versionID string) (bool, error) {
	f.record(object.ObjectID{Key: key, VersionID: versionID})
	return f.lock.LegalHold, f.err
}

func (f *fakeObjects) CopyObject(_ context.Context, in object.CopyInput) (*object.CopyOutput, error) {
	f.record(in)
	return f.copyOut, f.err
}

func (f *fakeObjects) GetObjectAttributes(_ context.Context, in object.AttributesInput) (*object.AttributesOutput, error) {
	f.record(in)
	if f.err != nil {
		return nil, f.err
	}
	return f.attrs, nil
}

func (f *fakeObjects) GetObjectTagging(_ context.Context, bucket, key, versionID string) ([]object.Tag, string, error) {
	f.record([]string{"get", bucket, key, versionID})
	return f.tags, f.version, f.err
}

func (f *fakeObjects) PutObjectTagging(_ context.Context, bucket, key, versionID string, tags []object.Tag) (string, error) {
	f.record(tags)
	return f.version, f.err
}

func (f *fakeObjects) DeleteObjectTagging(_ context.Context, bucket, key, versionID string) (string, error) {
	f.record([]string{"delete", bucket, key, versionID})
	return f.version, f.err
}

func (f *fakeObjects) ListObjects(_ context.Context, in object.ListInput) (*object.ListOutput, error) {
	f.record(in)
	return f.list, f.err
}

func (f *fakeObjects) ListObjectVersions(_ context.Context, in object.ListVersionsInput) (*object.ListVersionsOutput, error) {
	f.record(in)
	return f.versions, f.err
}

// versioningCall records a GetBucketVersioning.
type versioningCall struct {
	Bucket string
}

func (f *fakeObjects) PutVersioning(_ context.Context, in object.VersioningInput) error {
	f.record(in)
	return f.err
}

func (f *fakeObjects) GetVersioning(_ context.Context, bucket string) (object.VersioningConfig, error) {
	f.record(versioningCall{Bucket: bucket})
	return f.versioning, f.err
}

func (f *fakeObjects) CreateMultipartUpload(_ context.Context, in object.CreateUploadInput) (object.Upload, error) {
	f.record(in)
	return f.upload, f.err
}

func (f *fakeObjects) UploadPart(_ context.Context, in object.UploadPartInput) (object.Part, error) {
	if err := f.readBody(in.Body, in.Size, in.Checksum); err != nil {
		return object.Part{}, err
	}
	in.Body = nil
	if in.Checksum != nil {
		in.Checksum.Trailer = nil
	}
	f.record(in)
	return f.part, f.err
}

func (f *fakeObjects) UploadPartCopy(_ context.Context, in object.UploadPartCopyInput) (object.Part, string, error) {
	f.record(in)
	return f.part, f.version, f.err
}

func (f *fakeObjects) CompleteMultipartUpload(_ context.Context, in object.CompleteInput) (object.ObjectInfo, error) {
	f.record(in)
	return f.info, f.err
}

func (f *fakeObjects) AbortMultipartUpload(_ context.Context, bucket, key, uploadID string) error {
	f.record([]string{bucket, key, uploadID})
	return f.err
}

func (f *fakeObjects) ListParts(_ context.Context, in object.ListPartsInput) (*object.ListPartsOutput, error) {
	f.record(in)
	return f.parts, f.err
}

func (f *fakeObjects) ListMultipartUploads(_ context.Context, in object.ListUploadsInput) (*object.ListUploadsOutput, error) {
	f.record(in)
	return f.uploads, f.err
}

func (f *fakeObjects) RestoreObject(_ context.Context, in object.RestoreInput) (object.RestoreOutput, error) {
	f.record(in)
	return f.restore, f.err
}

var _ Objects = (*fakeObjects)(nil)

// rootPrincipal is who the fake verifier authenticates signed requests as.
var rootPrincipal = sigv4.Principal{AccessKey: "AKIDEXAMPLE", AccountID: "000000000000", Name: "root", Root: true}

// fakeVerifier authenticates every request as root, unless it has an
// Authorization header of "anonymous" or err is set. For aws-chunked
// requests it reports x-amz-decoded-content-length and serves trailers.
type fakeVerifier struct {
	err      error
	trailers http.Header
	post     *sigv4.PostResult
	postErr  error
	fields   map[string]string
}

func (v *fakeVerifier) Verify(r *http.Request) (*sigv4.Result, error) {
	if v.err != nil {
		return nil, v.err
	}
	res := &sigv4.Result{Principal: rootPrincipal, Method: sigv4.HeaderV4, Body: r.Body, DecodedLength: r.ContentLength}
	if r.Header.Get("Authorization") == "anonymous" {
		res.Principal, res.Method = sigv4.Principal{Anonymous: true}, sigv4.Anonymous
	}
	if isAWSChunked(r.Header) {
		res.DecodedLength = -1
		if n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64); err == nil {
			res.DecodedLength = n
		}
	}
	tr := v.trailers
	res.Trailers = func() (http.Header, error) { return tr, nil }
	return res, nil
}

func (v *fakeVerifier) VerifyPost(_ context.Context, bucket string, fields map[string]string) (*sigv4.PostResult, error) {
	v.fields = fields
	if v.postErr != nil {
		return nil, v.postErr
	}
	return v.post, nil
}

// allowAll authorizes everything, denyKeys excepted.
type testAuthorizer struct {
	deny map[string]bool // "action bucket/key" denied
	reqs []iam.Request
	mu   sync.Mutex
}

func (a *testAuthorizer) Authorize(_ context.Context, req iam.Request) iam.Decision {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reqs = append(a.reqs, req)
	if a.deny[req.Action+" "+req.Bucket+"/"+req.Key] {
		return iam.Decision{Reason: "denied by test"}
	}
	return iam.RootOnly{}.Authorize(context.Background(), req)
}

type testEnv struct {
	h     *Handler
	obj   *fakeObjects
	ver   *fakeVerifier
	authz *testAuthorizer
	obs   []string
}

func newTestEnv(t *testing.T, obj *fakeObjects) *testEnv {
	t.Helper()
	env := &testEnv{obj: obj, ver: &fakeVerifier{}, authz: &testAuthorizer{}}
	h, err := New(Options{
		Objects:    obj,
		Verifier:   env.ver,
		Authorizer: env.authz,
		Domains:    []string{"s3.local"},
		Clock:      clock.NewFake(testTime),
		Observe: func(op string, status int, _ time.Duration) {
			env.obs = append(env.obs, op+" "+strconv.Itoa(status))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	env.h = h
	return env
}

func newTestHandler(t *testing.T, obj *fakeObjects) *Handler { return newTestEnv(t, obj).h }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// newReq builds a path-style request with a request id in its context.
func newReq(method, target string, body []byte) *http.Request {
	var r *http.Request
	if body == nil {
		r = httptest.NewRequest(method, "http://s3.local"+target, nil)
	} else {
		r = httptest.NewRequest(method, "http://s3.local"+target, bytes.NewReader(body))
		// As net/http's server presents a request that declared its
		// length (a PUT without one is MissingContentLength).
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return r.WithContext(reqid.With(r.Context(), "REQ123"))
}

// do serves one request.
func (env *testEnv) do(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, r)
	return rec
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("body differs from %s (run with -update to accept):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// allowAll authorizes everything.
type allowAll struct{}

func (allowAll) Authorize(context.Context, iam.Request) iam.Decision {
	return iam.Decision{Allowed: true}
}

func decodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
