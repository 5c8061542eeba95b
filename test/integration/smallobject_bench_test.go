//go:build unix

package integration_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/reqid"
)

// smallObjects is the number of 4 KiB objects the read benchmarks cycle
// through, as `coffer bench --objects 1000` does.
const smallObjects = 1000

// emptySHA256 is the payload hash of a request without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// smallBench drives a real coffer with SigV4-signed requests from a plain
// net/http client, so that a CPU profile of the benchmark is dominated by
// the server rather than by an SDK.
type smallBench struct {
	srv    *coffertest.Server
	client *http.Client
	signer *v4.Signer
	bucket string
	body   []byte
	bodyH  string
}

func newSmallBench(b *testing.B, opts ...coffertest.Option) *smallBench {
	b.Helper()
	srv := coffertest.Start(b, opts...)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	sb := &smallBench{
		srv:    srv,
		client: &http.Client{Transport: tr},
		signer: v4.NewSigner(),
		bucket: "bench",
		body:   bytes.Repeat([]byte("coffer!\n"), 512),
	}
	b.Cleanup(tr.CloseIdleConnections)
	sum := sha256.Sum256(sb.body)
	sb.bodyH = hex.EncodeToString(sum[:])
	if _, err := srv.S3().CreateBucket(b.Context(), &s3.CreateBucketInput{Bucket: &sb.bucket}); err != nil {
		b.Fatal(err)
	}
	return sb
}

// do sends one signed request and drains the response.
func (sb *smallBench) do(ctx context.Context, method, key string, body []byte, payloadHash string) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, sb.srv.Endpoint+"/"+sb.bucket+"/"+key, rd)
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := credentials.NewStaticCredentialsProvider(sb.srv.AccessKey, sb.srv.SecretKey, "")
	c, _ := creds.Retrieve(ctx)
	if err := sb.signer.SignHTTP(ctx, c, req, payloadHash, "s3", coffertest.Region, time.Now()); err != nil {
		return err
	}
	resp, err := sb.client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d", method, key, resp.StatusCode)
	}
	return nil
}

func (sb *smallBench) fill(b *testing.B) {
	b.Helper()
	for i := range smallObjects {
		if err := sb.do(b.Context(), http.MethodPut, fmt.Sprintf("obj-%04d", i), sb.body, sb.bodyH); err != nil {
			b.Fatal(err)
		}
	}
}

// runParallel runs op at 16 concurrent clients, the concurrency of the
// standard small-object workloads.
func runParallel(b *testing.B, op func(i int) error) {
	// RunParallel starts SetParallelism × GOMAXPROCS goroutines.
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	before := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if err := op(i); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.StopTimer()
	// Wall time per op moves with whatever else the machine runs; the
	// process's CPU time per op (server and client together) does less.
	b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the user plus system CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkGetObject4KiB(b *testing.B) {
	sb := newSmallBench(b)
	sb.fill(b)
	runParallel(b, func(i int) error {
		return sb.do(b.Context(), http.MethodGet, fmt.Sprintf("obj-%04d", i%smallObjects), nil, emptySHA256)
	})
}

// BenchmarkGetObject4KiB_accessLog is BenchmarkGetObject4KiB with the
// access log on, written to a file as `coffer server` writes it to stderr,
// to measure what the log line costs per request.
func BenchmarkGetObject4KiB_accessLog(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	sb := newSmallBench(b, coffertest.WithLogger(slog.New(reqid.NewHandler(slog.NewTextHandler(f, nil)))))
	sb.fill(b)
	runParallel(b, func(i int) error {
		return sb.do(b.Context(), http.MethodGet, fmt.Sprintf("obj-%04d", i%smallObjects), nil, emptySHA256)
	})
}

func BenchmarkHeadObject4KiB(b *testing.B) {
	sb := newSmallBench(b)
	sb.fill(b)
	runParallel(b, func(i int) error {
		return sb.do(b.Context(), http.MethodHead, fmt.Sprintf("obj-%04d", i%smallObjects), nil, emptySHA256)
	})
}

func BenchmarkPutObject4KiB(b *testing.B) {
	sb := newSmallBench(b)
	runParallel(b, func(i int) error {
		return sb.do(b.Context(), http.MethodPut, fmt.Sprintf("obj-%04d", i%smallObjects), sb.body, sb.bodyH)
	})
}
