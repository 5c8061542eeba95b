package integration_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// TestGetObject_manyParts reads back objects of more parts than a reader
// might open at once, whole and by ranges that cross part boundaries. The
// minimum part size is lowered so the test needs little data.
func TestGetObject_manyParts(t *testing.T) {
	e := newEnv(t, coffertest.WithMinPartSize(4096))
	for _, n := range []int{31, 32, 33, 40, 70} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			key := fmt.Sprintf("parts-%d", n)
			u := e.createUpload(t, key)
			var whole []byte
			for i := range n {
				p := randBytes(t, 8192+i)
				whole = append(whole, p...)
				u.part(t, int32(i+1), p)
			}
			if _, err := u.complete(t); err != nil {
				t.Fatalf("CompleteMultipartUpload(%d parts): %v", n, err)
			}
			if got := e.getBody(t, key); !bytes.Equal(got, whole) {
				t.Fatalf("GetObject of %d parts returned %d bytes, want %d identical", n, len(got), len(whole))
			}
			from := len(whole)/2 - 100
			rng := fmt.Sprintf("bytes=%d-", from)
			out, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Range: aws.String(rng)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil || !bytes.Equal(got, whole[from:]) {
				t.Errorf("GetObject(%s) of %d parts = %d bytes (err %v), want %d identical", rng, n, len(got), err, len(whole)-from)
			}
		})
	}
}
