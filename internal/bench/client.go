package bench

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// newTransport returns an HTTP/1.1 transport (what S3 clients use) that
// keeps one idle connection per worker, so the measured window never pays for
// connection setup after the first requests. It ignores proxy settings on
// purpose: a proxy in the path would be measured too.
func newTransport(cfg *Config) *http.Transport {
	// Every worker may hold a connection to each endpoint.
	conns := cfg.Concurrency * len(cfg.endpoints())
	return &http.Transport{
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          2 * conns,
		MaxIdleConnsPerHost:   cfg.Concurrency,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		DisableCompression:    true,
		WriteBufferSize:       64 << 10,
		ReadBufferSize:        64 << 10,
		// Skipping verification is what --insecure asks for: servers under
		// test often have self-signed certificates.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: cfg.Insecure, RootCAs: cfg.RootCAs},
	}
}

// newClient returns a path-style S3 client of endpoint for cfg. retries selects the SDK's
// standard retryer; the measured client has none, so every failure is
// counted instead of hidden behind a retry.
func newClient(cfg *Config, endpoint string, httpClient *http.Client, retries bool) *s3.Client {
	return s3.New(s3.Options{
		Region:       cfg.Region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		HTTPClient:   httpClient,
		// The SDK would otherwise compute a CRC32 of every upload and check
		// every download, spending the CPU the server needs; --checksum asks
		// for it per request instead.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}, func(o *s3.Options) {
		if !retries {
			o.Retryer = aws.NopRetryer{}
		}
	})
}

// lastByteKey is the context key under which a request carries the
// *time.Time that bufferingTransport sets.
type lastByteKey struct{}

// withLastByte returns ctx asking bufferingTransport to record in *t when
// the response's last byte arrived.
func withLastByte(ctx context.Context, t *time.Time) context.Context {
	return context.WithValue(ctx, lastByteKey{}, t)
}

// bufferingTransport reads each response body whole before handing the
// response on, and records when its last byte arrived. A listing page is
// measured to that moment: the SDK then takes longer to decode 1,000
// entries than a fast server takes to produce them, and that is the
// client's cost, on the same cores, not the server's.
type bufferingTransport struct {
	next http.RoundTripper
}

func (t bufferingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if slot, ok := req.Context().Value(lastByteKey{}).(*time.Time); ok {
		*slot = time.Now()
	}
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
