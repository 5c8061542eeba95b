package integration_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/config"
)

// TestVirtualHost_putGet addresses buckets by host name
// (bucket.s3.coffer.test) with the domain configured, as clients do by
// default against AWS.
func TestVirtualHost_putGet(t *testing.T) {
	const domain = "s3.coffer.test"
	srv := coffertest.Start(t, coffertest.WithConfig(func(c *config.Config) { c.Domains = []string{domain} }))
	_, port, _ := net.SplitHostPort(srv.Addr)
	// Every host name resolves to the test server.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Addr)
	}
	var hosts []string
	vhost := srv.S3(func(o *s3.Options) {
		o.BaseEndpoint = aws.String("http://" + domain + ":" + port)
		o.UsePathStyle = false
		o.HTTPClient = recordHosts{&http.Client{Transport: transport}, &hosts}
	})
	if _, err := vhost.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String("vhosted")}); err != nil {
		t.Fatalf("CreateBucket (virtual host): %v", err)
	}
	if _, err := vhost.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String("vhosted"), Key: aws.String("dir/k"), Body: strings.NewReader("v")}); err != nil {
		t.Fatalf("PutObject (virtual host): %v", err)
	}
	for _, h := range hosts {
		if !strings.HasPrefix(h, "vhosted."+domain) {
			t.Errorf("request went to host %q, want vhosted.%s (virtual-hosted style)", h, domain)
		}
	}
	// The same object is visible path-style.
	e := &env{srv: srv, s3: srv.S3(), bucket: "vhosted"}
	if got := e.getBody(t, "dir/k"); string(got) != "v" {
		t.Errorf("path-style GetObject = %q, want v", got)
	}
	out, err := vhost.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("vhosted")})
	if err != nil {
		t.Fatalf("ListObjectsV2 (virtual host): %v", err)
	}
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "dir/k" {
		t.Errorf("virtual-host listing = %v, want dir/k", keysOf(out.Contents))
	}
}

type recordHosts struct {
	c     *http.Client
	hosts *[]string
}

func (r recordHosts) Do(req *http.Request) (*http.Response, error) {
	*r.hosts = append(*r.hosts, req.URL.Host)
	return r.c.Do(req)
}
