package bench

import (
	"crypto/tls"
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
	return &http.Transport{
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          2 * cfg.Concurrency,
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
		TLSClientConfig: &tls.Config{InsecureSkipVerify: cfg.Insecure},
	}
}

// newClient returns a path-style S3 client for cfg. retries selects the SDK's
// standard retryer; the measured client has none, so every failure is
// counted instead of hidden behind a retry.
func newClient(cfg *Config, httpClient *http.Client, retries bool) *s3.Client {
	return s3.New(s3.Options{
		Region:       cfg.Region,
		BaseEndpoint: aws.String(cfg.Endpoint),
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
