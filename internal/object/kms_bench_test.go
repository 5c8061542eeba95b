package object

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/coffer-s3/coffer/internal/kmsfake"
)

// BenchmarkSSEKMS writes and reads 4 KiB objects in memory under SSE-S3,
// SSE-KMS and SSE-KMS with a bucket key, with the in-memory test key
// service: it measures what SSE-KMS adds in the object service and how
// many key service calls a bucket key saves (kms-calls/op), not a key
// service's own latency.
func BenchmarkSSEKMS(b *testing.B) {
	ctx := context.Background()
	body := randomBody(1, 4<<10)
	alice := testCaller("alice")
	for _, mode := range []struct {
		name string
		kms  *KMSEncryption
	}{{"sse-s3", nil}, {"sse-kms", &KMSEncryption{BucketKey: ptr(false)}}, {"sse-kms-bucket-key", &KMSEncryption{BucketKey: ptr(true)}}} {
		setup := func(b *testing.B) (*env, *kmsfake.Service) {
			ks := kmsfake.New("111122223333", "us-east-1")
			e := newEnv(b, encryptAtRest(b, nil), func(o *Options) { o.Keys = ks })
			e.bucket(b, "bench")
			return e, ks
		}
		b.Run("Put/"+mode.name, func(b *testing.B) {
			e, ks := setup(b)
			i := 0
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.s.PutObject(ctx, PutInput{Bucket: "bench", Key: keyN(i % 64), Body: bytes.NewReader(body),
					Size: int64(len(body)), KMS: mode.kms, KMSCaller: alice}); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(ks.Calls("GenerateDataKey"))/float64(i), "kms-calls/op")
		})
		b.Run("Get/"+mode.name, func(b *testing.B) {
			e, ks := setup(b)
			for i := range 64 {
				if _, err := e.s.PutObject(ctx, PutInput{Bucket: "bench", Key: keyN(i), Body: bytes.NewReader(body),
					Size: int64(len(body)), KMS: mode.kms, KMSCaller: alice}); err != nil {
					b.Fatal(err)
				}
			}
			before, i := ks.Calls("Decrypt"), 0
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				out, err := e.s.GetObject(ctx, GetInput{Bucket: "bench", Key: keyN(i % 64), KMSCaller: alice})
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, out.Body)
				out.Body.Close()
				i++
			}
			b.ReportMetric(float64(ks.Calls("Decrypt")-before)/float64(i), "kms-calls/op")
		})
	}
}
