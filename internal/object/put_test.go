package object

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/google/go-cmp/cmp"
)

func sumOf(a checksum.Algorithm, s string) []byte {
	h := a.New()
	h.Write([]byte(s))
	return h.Sum(nil)
}

// storage modes every write test runs in.
var storageModes = []struct {
	name string
	mod  func(*Options)
}{
	{"inline", func(*Options) {}},
	{"blob", noInline},
}

func TestPutObject_roundTrip(t *testing.T) {
	ctx := context.Background()
	for _, mode := range storageModes {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, mode.mod)
			e.bucket(t, "bkt")
			body := "hello, world"
			info, err := e.s.PutObject(ctx, PutInput{
				Bucket: "bkt", Key: "dir/a.txt", Body: strings.NewReader(body), Size: int64(len(body)),
				Headers:  Headers{ContentType: "text/plain", CacheControl: "no-cache"},
				UserMeta: map[string]string{"color": "blue"},
				Tags:     []Tag{{"k", "v"}},
				Owner:    "alice",
			})
			checkErr(t, "PutObject", err, nil)
			want := ObjectInfo{
				Bucket: "bkt", Key: "dir/a.txt", IsLatest: true, Size: int64(len(body)),
				ETag: md5hex(body), LastModified: testEpoch,
				Headers:  Headers{ContentType: "text/plain", CacheControl: "no-cache"},
				UserMeta: map[string]string{"color": "blue"}, TagCount: 1,
				Checksum:     &Checksum{Algorithm: checksum.CRC64NVME, Type: checksum.FullObject, Value: sumOf(checksum.CRC64NVME, body)},
				StorageClass: "STANDARD", Owner: "alice",
			}
			if diff := cmp.Diff(want, info); diff != "" {
				t.Errorf("PutObject info (-want +got):\n%s", diff)
			}
			head, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "dir/a.txt"})
			checkErr(t, "HeadObject", err, nil)
			if diff := cmp.Diff(want, head.Info); diff != "" {
				t.Errorf("HeadObject info (-want +got):\n%s", diff)
			}
			if head.Body != nil || head.Partial || head.Length != int64(len(body)) {
				t.Errorf("HeadObject = body %v partial %v length %d", head.Body, head.Partial, head.Length)
			}
			got, err := e.read("bkt", "dir/a.txt")
			checkErr(t, "GetObject", err, nil)
			if got != body {
				t.Errorf("GetObject body = %q, want %q", got, body)
			}
			wantBlobs := 1
			if mode.name == "inline" {
				wantBlobs = 0
			}
			if n := e.countBlobs(t); n != wantBlobs {
				t.Errorf("blobs = %d, want %d", n, wantBlobs)
			}
		})
	}
}

func TestPutObject_emptyBody(t *testing.T) {
	for _, mode := range storageModes {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, mode.mod)
			e.bucket(t, "bkt")
			info := e.put(t, "bkt", "empty", "")
			if info.ETag != "d41d8cd98f00b204e9800998ecf8427e" || info.Size != 0 {
				t.Errorf("PutObject(empty) = etag %s size %d", info.ETag, info.Size)
			}
			got, err := e.read("bkt", "empty")
			if err != nil || got != "" {
				t.Errorf("GetObject(empty) = %q, %v", got, err)
			}
		})
	}
}

func TestPutObject_overwriteDeletesOldBlob(t *testing.T) {
	e := newEnv(t, noInline)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", "first")
	e.put(t, "bkt", "k", "second")
	if n := e.countBlobs(t); n != 1 {
		t.Errorf("blobs after overwrite = %d, want 1", n)
	}
	if got, _ := e.read("bkt", "k"); got != "second" {
		t.Errorf("GetObject = %q, want second", got)
	}
}

func TestPutObject_checksums(t *testing.T) {
	ctx := context.Background()
	body := "checksummed bytes"
	tests := []struct {
		name      string
		requested checksum.Algorithm
		expected  *ExpectedChecksum
		want      *Checksum
		wantErr   error
	}{
		{"default", "", nil, &Checksum{checksum.CRC64NVME, checksum.FullObject, sumOf(checksum.CRC64NVME, body)}, nil},
		{"requestedSHA256", checksum.SHA256, nil, &Checksum{checksum.SHA256, checksum.FullObject, sumOf(checksum.SHA256, body)}, nil},
		{"expectedCRC32", "", &ExpectedChecksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, body)},
			&Checksum{checksum.CRC32, checksum.FullObject, sumOf(checksum.CRC32, body)}, nil},
		{"expectedAndRequested", checksum.CRC32C, &ExpectedChecksum{Algorithm: checksum.CRC32C, Value: sumOf(checksum.CRC32C, body)},
			&Checksum{checksum.CRC32C, checksum.FullObject, sumOf(checksum.CRC32C, body)}, nil},
		{"trailer", "", &ExpectedChecksum{Algorithm: checksum.SHA1, Trailer: func() ([]byte, error) { return sumOf(checksum.SHA1, body), nil }},
			&Checksum{checksum.SHA1, checksum.FullObject, sumOf(checksum.SHA1, body)}, nil},
		{"mismatch", "", &ExpectedChecksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, "other")}, nil, ErrChecksumMismatch},
		{"trailerMismatch", "", &ExpectedChecksum{Algorithm: checksum.CRC32, Trailer: func() ([]byte, error) { return sumOf(checksum.CRC32, "x"), nil }}, nil, ErrChecksumMismatch},
		{"trailerError", "", &ExpectedChecksum{Algorithm: checksum.CRC32, Trailer: func() ([]byte, error) { return nil, errBroken }}, nil, errBroken},
		{"malformed", "", &ExpectedChecksum{Algorithm: checksum.CRC32, Value: []byte{1, 2}}, nil, ErrMalformedChecksum},
		{"algorithmConflict", checksum.SHA256, &ExpectedChecksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, body)}, nil, ErrInvalidRequest},
		{"unknownAlgorithm", "MD4", nil, nil, ErrInvalidChecksumAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, noInline)
			e.bucket(t, "bkt")
			info, err := e.s.PutObject(ctx, PutInput{
				Bucket: "bkt", Key: "k", Body: strings.NewReader(body), Size: int64(len(body)),
				ChecksumAlgorithm: tt.requested, Checksum: tt.expected,
			})
			checkErr(t, "PutObject", err, tt.wantErr)
			if tt.wantErr != nil {
				if n := e.countBlobs(t); n != 0 {
					t.Errorf("failed PutObject left %d blobs", n)
				}
				if _, err := e.read("bkt", "k"); !errors.Is(err, ErrNoSuchKey) {
					t.Errorf("GetObject after failed put = %v, want ErrNoSuchKey", err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, info.Checksum); diff != "" {
				t.Errorf("checksum (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPutObject_bodyErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		body       func() io.Reader
		size       int64
		contentMD5 []byte
		want       error
	}{
		{"incompleteBody", func() io.Reader { return strings.NewReader("abc") }, 5, nil, ErrIncompleteBody},
		{"bodyTooLong", func() io.Reader { return strings.NewReader("abcdef") }, 5, nil, ErrBodyTooLong},
		{"badDigest", func() io.Reader { return strings.NewReader("abc") }, 3, md5raw("abd"), ErrBadDigest},
		{"goodDigest", func() io.Reader { return strings.NewReader("abc") }, 3, md5raw("abc"), nil},
		{"malformedDigest", func() io.Reader { return strings.NewReader("abc") }, 3, []byte{1, 2, 3}, ErrInvalidDigest},
		{"readError", func() io.Reader { return &errReader{data: []byte("ab"), err: errBroken} }, 5, nil, errBroken},
		{"readErrorAfterBody", func() io.Reader { return &errReader{data: []byte("abc"), err: errBroken} }, 3, nil, errBroken},
		{"nilBodyEmpty", func() io.Reader { return nil }, 0, nil, nil},
		{"nilBodyShort", func() io.Reader { return nil }, 2, nil, ErrIncompleteBody},
		{"entityTooLarge", func() io.Reader { return strings.NewReader("") }, MaxObjectSize + 1, nil, ErrEntityTooLarge},
	}
	for _, mode := range storageModes {
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				e := newEnv(t, mode.mod)
				e.bucket(t, "bkt")
				_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: tt.body(), Size: tt.size, ContentMD5: tt.contentMD5})
				checkErr(t, "PutObject", err, tt.want)
				if tt.want != nil && e.countBlobs(t) != 0 {
					t.Errorf("failed PutObject left %d blobs", e.countBlobs(t))
				}
			})
		}
	}
}

func TestPutObject_invalidInput(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	big := map[string]string{"a": strings.Repeat("x", 2048)}
	tests := []struct {
		name string
		in   PutInput
		want error
	}{
		{"noSuchBucket", PutInput{Bucket: "nothere", Key: "k"}, ErrNoSuchBucket},
		{"invalidBucketName", PutInput{Bucket: "No\x00", Key: "k"}, ErrNoSuchBucket},
		{"emptyKey", PutInput{Bucket: "bkt", Key: ""}, ErrInvalidKey},
		{"keyTooLong", PutInput{Bucket: "bkt", Key: strings.Repeat("k", 1025)}, ErrKeyTooLong},
		{"keyMaxLength", PutInput{Bucket: "bkt", Key: strings.Repeat("k", 1024)}, nil},
		{"invalidUTF8", PutInput{Bucket: "bkt", Key: "a\xffb"}, ErrInvalidKey},
		{"metadataTooLarge", PutInput{Bucket: "bkt", Key: "k", UserMeta: big}, ErrMetadataTooLarge},
		{"metadataAtLimit", PutInput{Bucket: "bkt", Key: "k", UserMeta: map[string]string{"a": strings.Repeat("x", 2046)}}, nil},
		{"invalidTag", PutInput{Bucket: "bkt", Key: "k", Tags: []Tag{{"k", "v"}, {"k", "w"}}}, ErrInvalidTag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Body = strings.NewReader("")
			_, err := e.s.PutObject(ctx, tt.in)
			checkErr(t, "PutObject", err, tt.want)
		})
	}
}

func TestPutObject_conditions(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		exists bool
		cond   WriteConditions
		want   error
	}{
		{"ifNoneMatchMissing", false, WriteConditions{IfNoneMatch: "*"}, nil},
		{"ifNoneMatchExisting", true, WriteConditions{IfNoneMatch: "*"}, ErrPreconditionFailed},
		{"ifNoneMatchNotStar", true, WriteConditions{IfNoneMatch: `"abc"`}, ErrInvalidArgument},
		{"ifMatchSame", true, WriteConditions{IfMatch: `"` + md5hex("old") + `"`}, nil},
		{"ifMatchUnquoted", true, WriteConditions{IfMatch: md5hex("old")}, nil},
		{"ifMatchDifferent", true, WriteConditions{IfMatch: `"` + md5hex("other") + `"`}, ErrPreconditionFailed},
		{"ifMatchMissing", false, WriteConditions{IfMatch: `"` + md5hex("old") + `"`}, ErrNoSuchKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, noInline)
			e.bucket(t, "bkt")
			if tt.exists {
				e.put(t, "bkt", "k", "old")
			}
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("new"), Size: 3, Cond: tt.cond})
			checkErr(t, "PutObject", err, tt.want)
			got, _ := e.read("bkt", "k")
			switch {
			case tt.want == nil && got != "new":
				t.Errorf("object = %q after successful conditional put", got)
			case tt.want != nil && tt.exists && got != "old":
				t.Errorf("object = %q after failed conditional put", got)
			}
		})
	}
}

// TestPutObject_ifNoneMatchConcurrent races 20 creates of one key: exactly
// one wins and no blob is leaked.
func TestPutObject_ifNoneMatchConcurrent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, noInline)
	e.bucket(t, "bkt")
	var wins, fails atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := strings.Repeat(string(rune('a'+i)), 100)
			_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader(body), Size: 100,
				Cond: WriteConditions{IfNoneMatch: "*"}})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, ErrPreconditionFailed):
				fails.Add(1)
			default:
				t.Errorf("PutObject = %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || fails.Load() != 19 {
		t.Errorf("wins = %d, fails = %d; want 1 and 19", wins.Load(), fails.Load())
	}
	if n := e.countBlobs(t); n != 1 {
		t.Errorf("blobs = %d, want 1", n)
	}
	checkConsistency(t, e)
}

// TestObject_concurrentReadersSeeWholeObjects overwrites and deletes a key
// while readers read it: every read returns one complete version or
// ErrNoSuchKey.
func TestObject_concurrentReadersSeeWholeObjects(t *testing.T) {
	ctx := context.Background()
	type run struct {
		name string
		b    backend
		mod  func(*Options)
	}
	runs := []run{{"mem/inline", memBackend, storageModes[0].mod}, {"mem/blob", memBackend, noInline}}
	if !testing.Short() {
		runs = append(runs, run{"disk/blob", diskBackend, noInline})
	}
	for _, mode := range runs {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnvOn(t, mode.b, mode.mod)
			e.bucket(t, "bkt")
			versions := map[string]bool{}
			for i := 0; i < 5; i++ {
				versions[strings.Repeat(string(rune('a'+i)), 1000+i)] = true
			}
			var wg sync.WaitGroup
			stop := make(chan struct{})
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer close(stop)
				for round := 0; round < 30; round++ {
					for v := range versions {
						if _, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader(v), Size: int64(len(v))}); err != nil {
							t.Errorf("PutObject: %v", err)
							return
						}
					}
					if _, err := e.s.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"}); err != nil {
						t.Errorf("DeleteObject: %v", err)
						return
					}
				}
			}()
			for r := 0; r < 3; r++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						got, err := e.read("bkt", "k")
						if errors.Is(err, ErrNoSuchKey) {
							continue
						}
						if err != nil {
							t.Errorf("GetObject: %v", err)
							return
						}
						if !versions[got] {
							t.Errorf("GetObject returned a %d-byte body that is no version", len(got))
							return
						}
					}
				}()
			}
			wg.Wait()
			checkConsistency(t, e)
		})
	}
}

func TestPutObject_bodyIsStreamed(t *testing.T) {
	// A body larger than the inline limit goes to a blob even when inline
	// storage is on.
	e := newEnv(t, func(o *Options) { o.InlineLimit = 8 })
	e.bucket(t, "bkt")
	e.put(t, "bkt", "small", "12345678")
	e.put(t, "bkt", "large", "123456789")
	if n := e.countBlobs(t); n != 1 {
		t.Errorf("blobs = %d, want 1 (only the large object)", n)
	}
	for k, want := range map[string]string{"small": "12345678", "large": "123456789"} {
		if got, err := e.read("bkt", k); err != nil || got != want {
			t.Errorf("GetObject(%s) = %q, %v; want %q", k, got, err, want)
		}
	}
}

// TestChecksumAlgorithm_anyCase: algorithms arrive as clients spell them;
// they are stored and compared in S3's spelling.
func TestChecksumAlgorithm_anyCase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("abc"), Size: 3,
		ChecksumAlgorithm: "crc32", Checksum: &ExpectedChecksum{Algorithm: "Crc32", Value: sumOf(checksum.CRC32, "abc")}})
	checkErr(t, "PutObject", err, nil)
	if info.Checksum.Algorithm != checksum.CRC32 {
		t.Errorf("stored algorithm = %q, want CRC32", info.Checksum.Algorithm)
	}
	up, err := e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "m", ChecksumAlgorithm: "sha256"})
	checkErr(t, "CreateMultipartUpload", err, nil)
	if up.ChecksumAlgorithm != checksum.SHA256 || up.ChecksumType != checksum.Composite {
		t.Errorf("upload checksum = %s %s", up.ChecksumAlgorithm, up.ChecksumType)
	}
	p, err := e.s.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "m", UploadID: up.UploadID, PartNumber: 1,
		Body: strings.NewReader("abc"), Size: 3, Checksum: &ExpectedChecksum{Algorithm: "sha256", Value: sumOf(checksum.SHA256, "abc")}})
	checkErr(t, "UploadPart", err, nil)
	lower := *p.Checksum
	lower.Algorithm = "sha256"
	_, err = e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "m", UploadID: up.UploadID,
		Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag, Checksum: &lower}}})
	checkErr(t, "CompleteMultipartUpload", err, nil)
	out, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "c", ChecksumAlgorithm: "crc32c"})
	checkErr(t, "CopyObject", err, nil)
	if out.Info.Checksum.Algorithm != checksum.CRC32C {
		t.Errorf("copy algorithm = %q", out.Info.Checksum.Algorithm)
	}
}

// TestPutObject_errorPrecedence checks that a write that fails both the
// bucket or condition check and the body check reports the former, in
// both storage modes: a small body is read before the bucket is checked,
// a large one after.
func TestPutObject_errorPrecedence(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		bucket string
		cond   WriteConditions
		want   error
	}{
		{"noSuchBucket", "nothere", WriteConditions{}, ErrNoSuchBucket},
		{"preconditionFailed", "bkt", WriteConditions{IfNoneMatch: "*"}, ErrPreconditionFailed},
		{"bodyOnly", "bkt", WriteConditions{}, ErrBadDigest},
	}
	for _, mode := range storageModes {
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				e := newEnv(t, mode.mod)
				e.bucket(t, "bkt")
				if tt.cond != (WriteConditions{}) {
					e.put(t, "bkt", "k", "old")
				}
				_, err := e.s.PutObject(ctx, PutInput{Bucket: tt.bucket, Key: "k", Body: strings.NewReader("abc"), Size: 3,
					ContentMD5: md5raw("abd"), Cond: tt.cond})
				checkErr(t, "PutObject", err, tt.want)
			})
		}
	}
}
