package integration_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
)

func TestPutObject_getHeadDelete(t *testing.T) {
	e := newEnv(t)
	body := []byte("hello, coffer")
	sum := md5.Sum(body)
	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	put := e.put(t, "dir/hello.txt", body, func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/plain")
		in.ContentEncoding = aws.String("identity")
		in.ContentDisposition = aws.String(`attachment; filename="hello.txt"`)
		in.ContentLanguage = aws.String("en")
		in.CacheControl = aws.String("max-age=60")
		in.Expires = aws.Time(expires)
		in.Metadata = map[string]string{"color": "blue", "Mixed-Case": "Value"}
	})
	wantETag := quoted(hex.EncodeToString(sum[:]))
	if got := aws.ToString(put.ETag); got != wantETag {
		t.Errorf("PutObject ETag = %s, want %s", got, wantETag)
	}

	get, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if !bytes.Equal(got, body) {
		t.Errorf("GetObject body = %q, want %q", got, body)
	}
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		ETag, ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires string
		Length                                                                                         int64
		Meta                                                                                           map[string]string
	}
	want := view{wantETag, "text/plain", "identity", `attachment; filename="hello.txt"`, "en", "max-age=60",
		expires.Format(time.RFC1123), int64(len(body)), map[string]string{"color": "blue", "mixed-case": "Value"}}
	for name, v := range map[string]view{
		"GetObject": {aws.ToString(get.ETag), aws.ToString(get.ContentType), aws.ToString(get.ContentEncoding),
			aws.ToString(get.ContentDisposition), aws.ToString(get.ContentLanguage), aws.ToString(get.CacheControl),
			aws.ToString(get.ExpiresString), aws.ToInt64(get.ContentLength), get.Metadata},
		"HeadObject": {aws.ToString(head.ETag), aws.ToString(head.ContentType), aws.ToString(head.ContentEncoding),
			aws.ToString(head.ContentDisposition), aws.ToString(head.ContentLanguage), aws.ToString(head.CacheControl),
			aws.ToString(head.ExpiresString), aws.ToInt64(head.ContentLength), head.Metadata},
	} {
		if v.Expires != "" {
			if ts, err := time.Parse(time.RFC1123, v.Expires); err == nil {
				v.Expires = ts.UTC().Format(time.RFC1123)
			}
		}
		if diff := cmp.Diff(want, v); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
		}
	}
	if head.LastModified == nil || time.Since(*head.LastModified) > time.Minute {
		t.Errorf("HeadObject LastModified = %v, want about now", head.LastModified)
	}

	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/hello.txt")}); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/hello.txt")})
	wantCode(t, "GetObject(deleted)", err, "NoSuchKey", 404)
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/hello.txt")})
	wantCode(t, "HeadObject(deleted)", err, "NotFound", 404)
	// Deleting a missing key succeeds, as in S3.
	if _, err := e.s3.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/hello.txt")}); err != nil {
		t.Errorf("DeleteObject(missing) = %v, want success", err)
	}
}

func TestPutObject_overwrite(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("first"))
	e.put(t, "k", []byte("second, longer"))
	if got := e.getBody(t, "k"); string(got) != "second, longer" {
		t.Errorf("GetObject after overwrite = %q, want %q", got, "second, longer")
	}
}

func TestPutObject_emptyAndUnicodeKey(t *testing.T) {
	e := newEnv(t)
	for _, key := range []string{"empty", "ünïcødé/ключ/鍵 with spaces+plus&amp?q=1#frag"} {
		e.put(t, key, nil)
		if got := e.getBody(t, key); len(got) != 0 {
			t.Errorf("GetObject(%q) = %d bytes, want 0", key, len(got))
		}
	}
}

func TestGetObject_noSuchKey(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("missing")})
	wantCode(t, "GetObject(missing)", err, "NoSuchKey", 404)
}

func TestGetObject_range(t *testing.T) {
	e := newEnv(t)
	body := []byte("0123456789abcdefghij") // 20 bytes
	e.put(t, "r", body)
	tests := []struct {
		rng          string
		want         string
		contentRange string
	}{
		{"bytes=0-0", "0", "bytes 0-0/20"},
		{"bytes=2-5", "2345", "bytes 2-5/20"},
		{"bytes=15-", "fghij", "bytes 15-19/20"},
		{"bytes=-3", "hij", "bytes 17-19/20"},
		{"bytes=10-100", "abcdefghij", "bytes 10-19/20"},
		{"bytes=-100", string(body), "bytes 0-19/20"},
	}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("r"), Range: aws.String(tt.rng)})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(got) != tt.want || aws.ToString(out.ContentRange) != tt.contentRange {
				t.Errorf("GetObject(Range %s) = %q %q, want %q %q", tt.rng, got, aws.ToString(out.ContentRange), tt.want, tt.contentRange)
			}
			if aws.ToInt64(out.ContentLength) != int64(len(tt.want)) {
				t.Errorf("Content-Length = %d, want %d", aws.ToInt64(out.ContentLength), len(tt.want))
			}
		})
	}
	_, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("r"), Range: aws.String("bytes=20-")})
	wantCode(t, "GetObject(Range bytes=20-)", err, "InvalidRange", 416)
}

func TestGetObject_conditional(t *testing.T) {
	e := newEnv(t)
	put := e.put(t, "c", []byte("conditional"))
	etag := aws.ToString(put.ETag)
	head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c")})
	if err != nil {
		t.Fatal(err)
	}
	lm := *head.LastModified
	tests := []struct {
		name       string
		mod        func(*s3.GetObjectInput)
		wantStatus int // 200 means success
	}{
		{"IfMatch match", func(in *s3.GetObjectInput) { in.IfMatch = aws.String(etag) }, 200},
		{"IfMatch mismatch", func(in *s3.GetObjectInput) { in.IfMatch = aws.String(`"0000"`) }, 412},
		{"IfMatch star", func(in *s3.GetObjectInput) { in.IfMatch = aws.String("*") }, 200},
		{"IfNoneMatch match", func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(etag) }, 304},
		{"IfNoneMatch mismatch", func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(`"0000"`) }, 200},
		{"IfModifiedSince past", func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(lm.Add(-time.Hour)) }, 200},
		{"IfModifiedSince future", func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(lm.Add(time.Hour)) }, 304},
		{"IfUnmodifiedSince past", func(in *s3.GetObjectInput) { in.IfUnmodifiedSince = aws.Time(lm.Add(-time.Hour)) }, 412},
		{"IfUnmodifiedSince future", func(in *s3.GetObjectInput) { in.IfUnmodifiedSince = aws.Time(lm.Add(time.Hour)) }, 200},
		// AWS: If-Match true and If-Unmodified-Since false → 200.
		{"IfMatch true wins over IfUnmodifiedSince false", func(in *s3.GetObjectInput) {
			in.IfMatch = aws.String(etag)
			in.IfUnmodifiedSince = aws.Time(lm.Add(-time.Hour))
		}, 200},
		// AWS: If-None-Match false and If-Modified-Since true → 304.
		{"IfNoneMatch false wins over IfModifiedSince true", func(in *s3.GetObjectInput) {
			in.IfNoneMatch = aws.String(etag)
			in.IfModifiedSince = aws.Time(lm.Add(-time.Hour))
		}, 304},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c")}
			tt.mod(in)
			out, err := e.s3.GetObject(ctx(t), in)
			switch tt.wantStatus {
			case 200:
				if err != nil {
					t.Fatalf("GetObject = %v, want 200", err)
				}
				out.Body.Close()
			case 304:
				if got := status(err); got != 304 {
					t.Errorf("GetObject status = %d (err %v), want 304", got, err)
				}
			case 412:
				wantCode(t, "GetObject", err, "PreconditionFailed", 412)
			}
		})
	}
}

func TestGetObject_responseOverrides(t *testing.T) {
	e := newEnv(t)
	e.put(t, "o", []byte("x"), func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	exp := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{
		Bucket: aws.String(e.bucket), Key: aws.String("o"),
		ResponseContentType:        aws.String("application/x-override"),
		ResponseContentDisposition: aws.String("inline"),
		ResponseContentEncoding:    aws.String("gzip"),
		ResponseContentLanguage:    aws.String("fr"),
		ResponseCacheControl:       aws.String("no-cache"),
		ResponseExpires:            aws.Time(exp),
	})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	got := []string{aws.ToString(out.ContentType), aws.ToString(out.ContentDisposition), aws.ToString(out.ContentEncoding),
		aws.ToString(out.ContentLanguage), aws.ToString(out.CacheControl)}
	want := []string{"application/x-override", "inline", "gzip", "fr", "no-cache"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("response-* overrides (-want +got):\n%s", diff)
	}
	if ts, err := time.Parse(time.RFC1123, aws.ToString(out.ExpiresString)); err != nil || !ts.Equal(exp) {
		t.Errorf("Expires = %q, want %s", aws.ToString(out.ExpiresString), exp.Format(time.RFC1123))
	}
}

func TestGetObject_partNumberSinglePart(t *testing.T) {
	e := newEnv(t)
	e.put(t, "p", []byte("single part object"))
	out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("p"), PartNumber: aws.Int32(1)})
	if err != nil {
		t.Fatalf("GetObject(partNumber=1) of a single-part object: %v", err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(got) != "single part object" {
		t.Errorf("GetObject(partNumber=1) = %q, want the whole object", got)
	}
	_, err = e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("p"), PartNumber: aws.Int32(2)})
	wantCode(t, "GetObject(partNumber=2)", err, "InvalidPartNumber", 416)
}

func TestPutObject_ifNoneMatchStar(t *testing.T) {
	e := newEnv(t)
	in := func() *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("once"), Body: bytes.NewReader([]byte("v")), IfNoneMatch: aws.String("*")}
	}
	if _, err := e.s3.PutObject(ctx(t), in()); err != nil {
		t.Fatalf("first PutObject(If-None-Match: *): %v", err)
	}
	_, err := e.s3.PutObject(ctx(t), in())
	wantCode(t, "second PutObject(If-None-Match: *)", err, "PreconditionFailed", 412)
}

func TestPutObject_ifMatch(t *testing.T) {
	e := newEnv(t)
	put := e.put(t, "m", []byte("v1"))
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("m"),
		Body: bytes.NewReader([]byte("v2")), IfMatch: aws.String(`"00000000000000000000000000000000"`)})
	wantCode(t, "PutObject(If-Match wrong)", err, "PreconditionFailed", 412)
	if _, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("m"),
		Body: bytes.NewReader([]byte("v2")), IfMatch: put.ETag}); err != nil {
		t.Fatalf("PutObject(If-Match current): %v", err)
	}
	if got := e.getBody(t, "m"); string(got) != "v2" {
		t.Errorf("after conditional overwrite got %q, want v2", got)
	}
	_, err = e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("absent"),
		Body: bytes.NewReader([]byte("v")), IfMatch: put.ETag})
	wantCode(t, "PutObject(If-Match on missing key)", err, "NoSuchKey", 404)
}

func TestPutObject_badContentMD5(t *testing.T) {
	e := newEnv(t)
	wrong := md5.Sum([]byte("other"))
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("md5"),
		Body: bytes.NewReader([]byte("data")), ContentMD5: aws.String(b64(wrong[:]))})
	wantCode(t, "PutObject(wrong Content-MD5)", err, "BadDigest", 400)
	_, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("md5")})
	wantCode(t, "HeadObject after rejected put", err, "NotFound", 404)
}
