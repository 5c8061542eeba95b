package integration_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestGetObject_rangeAcrossParts(t *testing.T) {
	e := newEnv(t)
	p1, p2, p3 := randBytes(t, 5*mib), randBytes(t, 5*mib), randBytes(t, 777)
	u := e.createUpload(t, "mp")
	u.part(t, 1, p1)
	u.part(t, 2, p2)
	u.part(t, 3, p3)
	if _, err := u.complete(t); err != nil {
		t.Fatal(err)
	}
	whole := bytes.Join([][]byte{p1, p2, p3}, nil)
	for _, r := range [][2]int{{5*mib - 10, 5*mib + 10}, {0, len(whole) - 1}, {10*mib - 1, 10*mib + 5}, {len(whole) - 3, len(whole) - 1}} {
		rng := fmt.Sprintf("bytes=%d-%d", r[0], r[1])
		out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), Range: aws.String(rng)})
		if err != nil {
			t.Fatalf("GetObject(%s): %v", rng, err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, whole[r[0]:r[1]+1]) {
			t.Errorf("GetObject(%s) = %d bytes (err %v), want %d bytes of the object", rng, len(got), err, r[1]-r[0]+1)
		}
	}
}

func TestCopyObject_multipartSource(t *testing.T) {
	e := newEnv(t)
	p1, p2 := randBytes(t, 5*mib), randBytes(t, 100)
	u := e.createUpload(t, "mp")
	u.part(t, 1, p1)
	u.part(t, 2, p2)
	if _, err := u.complete(t); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"),
		CopySource: aws.String(e.bucket + "/mp")}); err != nil {
		t.Fatalf("CopyObject(multipart source): %v", err)
	}
	if got := e.getBody(t, "copy"); !bytes.Equal(got, append(append([]byte{}, p1...), p2...)) {
		t.Errorf("copy of a multipart object reads back %d bytes differing from the source", len(got))
	}
}

func TestPutObject_keyTooLong(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(strings.Repeat("k", 1025)),
		Body: strings.NewReader("x")})
	wantCode(t, "PutObject(1025-byte key)", err, "KeyTooLongError", 400)
	e.put(t, strings.Repeat("k", 1024), []byte("x")) // the limit itself is fine
}

func TestPutObject_metadataTooLarge(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		Body: strings.NewReader("x"), Metadata: map[string]string{"big": strings.Repeat("m", 2100)}})
	wantCode(t, "PutObject(2 KiB of metadata)", err, "MetadataTooLarge", 400)
}

func TestUploadPart_invalidPartNumber(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "k")
	for _, n := range []int32{0, 10001} {
		_, err := e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), UploadId: aws.String(u.id),
			PartNumber: aws.Int32(n), Body: strings.NewReader("x")})
		wantCode(t, fmt.Sprintf("UploadPart(part %d)", n), err, "InvalidArgument", 400)
	}
}

func TestCompleteMultipartUpload_noParts(t *testing.T) {
	e := newEnv(t)
	u := e.createUpload(t, "k")
	_, err := u.complete(t)
	wantCode(t, "CompleteMultipartUpload(no parts)", err, "MalformedXML", 400)
}

func TestCompleteMultipartUpload_ifNoneMatch(t *testing.T) {
	e := newEnv(t)
	e.put(t, "exists", []byte("x"))
	u := e.createUpload(t, "exists")
	u.part(t, 1, []byte("y"))
	_, err := u.complete(t, func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = aws.String("*") })
	wantCode(t, "CompleteMultipartUpload(If-None-Match * on an existing key)", err, "PreconditionFailed", 412)
	if got := e.getBody(t, "exists"); string(got) != "x" {
		t.Errorf("existing object changed to %q", got)
	}
}

func TestListObjectsV2_maxKeysCapped(t *testing.T) {
	e := newEnv(t)
	e.putAll(t, []string{"a", "b"})
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), MaxKeys: aws.Int32(5000)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt32(out.MaxKeys); got != 1000 && got != 5000 {
		t.Errorf("MaxKeys echoed = %d", got)
	}
	if len(out.Contents) != 2 {
		t.Errorf("got %d keys, want 2", len(out.Contents))
	}
}

func TestDeleteObjects_tooMany(t *testing.T) {
	e := newEnv(t)
	ids := make([]types.ObjectIdentifier, 1001)
	for i := range ids {
		ids[i] = types.ObjectIdentifier{Key: aws.String(fmt.Sprint(i))}
	}
	_, err := e.s3.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{Objects: ids}})
	wantCode(t, "DeleteObjects(1001 keys)", err, "MalformedXML", 400)
}

// TestPutObject_ifNoneMatchRace sends many If-None-Match: * writes of one
// key at once: exactly one may win; the others fail with 412
// PreconditionFailed (or 409 ConditionalRequestConflict, S3's answer when
// writes race).
func TestPutObject_ifNoneMatchRace(t *testing.T) {
	e := newEnv(t)
	const writers = 10
	var mu sync.Mutex
	var wins int
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			_, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("race"),
				Body: strings.NewReader(fmt.Sprint(w)), IfNoneMatch: aws.String("*")})
			switch c := code(err); {
			case err == nil:
				mu.Lock()
				wins++
				mu.Unlock()
			case c == "PreconditionFailed" || c == "ConditionalRequestConflict":
			default:
				t.Errorf("writer %d: %v, want success, PreconditionFailed or ConditionalRequestConflict", w, err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d conditional creates succeeded, want exactly 1", wins)
	}
}
