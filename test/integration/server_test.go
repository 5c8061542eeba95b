package integration_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealth(t *testing.T) {
	srv := coffertest.Start(t)
	for _, path := range []string{"/health/live", "/health/ready"} {
		if code, body := httpGet(t, srv.URL(path)); code != 200 {
			t.Errorf("GET %s = %d %q, want 200", path, code, body)
		}
	}
}

func TestMetrics_countsRequests(t *testing.T) {
	srv := coffertest.Start(t)
	if _, err := srv.S3().ListBuckets(ctx(t), &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	_, _ = srv.S3().HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String("missing")})
	code, body := httpGet(t, srv.URL("/metrics"))
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`coffer_s3_requests_total{op="ListBuckets",status="200"} 1`,
		`coffer_s3_requests_total{op="HeadBucket",status="404"} 1`,
		`coffer_s3_request_duration_seconds_count{op="ListBuckets"} 1`,
		`coffer_s3_inflight_requests 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// inflight reads the server's in-flight request gauge.
func inflight(t *testing.T, reg prometheus.Gatherer) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "coffer_s3_inflight_requests" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return 0
}

// TestShutdown_finishesInFlightUpload starts an upload whose second half is
// sent only after Shutdown was called: the upload must succeed, Shutdown
// must wait for it, and the object must be there after a restart.
func TestShutdown_finishesInFlightUpload(t *testing.T) {
	srv := coffertest.Start(t)
	e := &env{srv: srv, s3: srv.S3()}
	e.bucket = e.newBucket(t)
	first, second := randBytes(t, 64<<10), randBytes(t, 64<<10)

	// A presigned URL lets a plain net/http request stream a body that is
	// not yet all there.
	put, err := s3.NewPresignClient(e.s3).PresignPutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("slow")})
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPut, put.URL, pr)
	req.ContentLength = int64(len(first) + len(second))
	type result struct {
		code int
		body string
		err  error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		resc <- result{code: resp.StatusCode, body: string(b)}
	}()
	if _, err := pw.Write(first); err != nil {
		t.Fatal(err)
	}
	for inflight(t, srv.Registry) < 1 {
		runtime.Gosched()
	}

	shutdown := make(chan error, 1)
	go func() { shutdown <- srv.Shutdown(context.Background()) }()
	// Shutdown has begun once the listener refuses connections.
	for {
		c, err := net.DialTimeout("tcp", srv.Addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		runtime.Gosched()
	}
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned (%v) while an upload was in flight", err)
	default:
	}
	if _, err := pw.Write(second); err != nil {
		t.Fatalf("writing the rest of the upload after Shutdown began: %v", err)
	}
	pw.Close()
	res := <-resc
	if res.err != nil || res.code != 200 {
		t.Fatalf("in-flight upload = %d %q %v, want 200", res.code, res.body, res.err)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown = %v", err)
	}

	again := coffertest.Start(t, coffertest.WithDataDir(srv.DataDir))
	e2 := &env{srv: again, s3: again.S3(), bucket: e.bucket}
	if got := e2.getBody(t, "slow"); !bytes.Equal(got, append(first, second...)) {
		t.Errorf("after restart the upload reads back %d bytes, want %d", len(got), len(first)+len(second))
	}
}
