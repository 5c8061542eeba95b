package integration_test

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestPutGet_concurrent writes and reads many small objects from several
// goroutines, each checking its own objects read back exactly.
func TestPutGet_concurrent(t *testing.T) {
	e := newEnv(t)
	const workers, perWorker = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				key := fmt.Sprintf("w%02d/%03d", w, i)
				body := []byte(fmt.Sprintf("%s:%s", key, bytes.Repeat([]byte{byte('a' + w)}, i*37)))
				if _, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
					errs <- fmt.Errorf("PutObject(%s): %w", key, err)
					return
				}
				out, err := e.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
				if err != nil {
					errs <- fmt.Errorf("GetObject(%s): %w", key, err)
					return
				}
				got, err := io.ReadAll(out.Body)
				out.Body.Close()
				if err != nil || !bytes.Equal(got, body) {
					errs <- fmt.Errorf("GetObject(%s) = %q, %v; want %q", key, got, err, body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt32(out.KeyCount); got != workers*perWorker {
		t.Errorf("listing has %d keys, want %d", got, workers*perWorker)
	}
}

// TestPutObject_concurrentSameKey overwrites one key from many goroutines;
// the survivor must be one of the bodies written, whole.
func TestPutObject_concurrentSameKey(t *testing.T) {
	e := newEnv(t)
	const writers = 12
	bodies := map[string]bool{}
	var wg sync.WaitGroup
	for w := range writers {
		body := bytes.Repeat([]byte{byte('A' + w)}, 1000+w)
		bodies[string(body)] = true
		wg.Go(func() {
			if _, err := e.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("contended"), Body: bytes.NewReader(body)}); err != nil {
				t.Errorf("PutObject(writer %d): %v", w, err)
			}
		})
	}
	wg.Wait()
	if got := e.getBody(t, "contended"); !bodies[string(got)] {
		t.Errorf("contended key holds %d bytes that no writer wrote whole", len(got))
	}
}
