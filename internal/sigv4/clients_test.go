package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// seen is what the test server learned about one request.
type seen struct {
	method   Method
	payload  string
	body     []byte
	trailers http.Header
	err      error
}

// authServer is an S3 endpoint that only authenticates: it verifies each
// request, reads its body and answers as S3 would for PutObject.
type authServer struct {
	v  *Verifier
	mu sync.Mutex
	// last is the most recent request's outcome.
	last seen
}

func (s *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var got seen
	got.payload = r.Header.Get("X-Amz-Content-Sha256")
	res, err := s.v.Verify(r)
	if err == nil {
		got.method = res.Method
		got.body, err = io.ReadAll(res.Body)
		if err == nil {
			got.trailers, err = res.Trailers()
		}
	}
	got.err = err
	s.mu.Lock()
	s.last = got
	s.mu.Unlock()
	if err != nil {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>`+err.Error()+`</Message></Error>`)
		return
	}
	w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
	w.WriteHeader(http.StatusOK)
}

func (s *authServer) result() seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// TestRealClients drives the verifier with the real aws-sdk-go-v2 S3 and
// minio-go clients over plain HTTP and TLS, so that their actual framing
// choices (signed payloads, UNSIGNED-PAYLOAD with CRC trailers, signed
// streaming) are all exercised.
func TestRealClients(t *testing.T) {
	payload := bytes.Repeat([]byte("coffer "), 200000) // 1.4 MB: several chunks
	for _, useTLS := range []bool{false, true} {
		srv := &authServer{v: New(Options{Credentials: exampleCreds()})}
		var ts *httptest.Server
		if useTLS {
			ts = httptest.NewTLSServer(srv)
		} else {
			ts = httptest.NewServer(srv)
		}
		defer ts.Close()
		httpClient := ts.Client()

		sdk := s3.New(s3.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(ts.URL),
			UsePathStyle: true,
			Credentials:  credentials.NewStaticCredentialsProvider(exampleAccessKey, exampleSecretKey, ""),
			HTTPClient:   httpClient,
			// As the SDK's default configuration loader sets it.
			RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		})
		mc, err := minio.New(strings.TrimPrefix(strings.TrimPrefix(ts.URL, "https://"), "http://"), &minio.Options{
			Creds:     miniocreds.NewStaticV4(exampleAccessKey, exampleSecretKey, ""),
			Secure:    useTLS,
			Region:    "us-east-1",
			Transport: httpClient.Transport,
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		// mode is the x-amz-content-sha256 each client version in go.mod
		// chooses, by transport.
		type mode = map[bool]string
		cases := []struct {
			name string
			mode mode
			put  func() error
		}{
			{"sdk PutObject seekable", mode{false: "<sha256>", true: streamingUnsignedTrailer}, func() error {
				_, err := sdk.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("dir/a key+x.txt"), Body: bytes.NewReader(payload)})
				return err
			}},
			{"sdk PutObject stream", mode{true: streamingUnsignedTrailer}, func() error {
				_, err := sdk.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("k"), Body: struct{ io.Reader }{bytes.NewReader(payload)}, ContentLength: aws.Int64(int64(len(payload)))})
				return err
			}},
			{"minio PutObject", mode{false: streamingSigned, true: unsignedPayload}, func() error {
				_, err := mc.PutObject(ctx, "bucket", "dir/ü ñ", bytes.NewReader(payload), int64(len(payload)), minio.PutObjectOptions{})
				return err
			}},
			{"minio PutObject stream", mode{false: streamingSigned, true: unsignedPayload}, func() error {
				_, err := mc.PutObject(ctx, "bucket", "k", struct{ io.Reader }{bytes.NewReader(payload)}, int64(len(payload)), minio.PutObjectOptions{DisableMultipart: true})
				return err
			}},
		}
		for _, c := range cases {
			if !useTLS && c.name == "sdk PutObject stream" {
				continue // the SDK sends unseekable bodies only over TLS
			}
			t.Run(c.name+map[bool]string{true: " tls", false: " http"}[useTLS], func(t *testing.T) {
				err := c.put()
				got := srv.result()
				if err != nil || got.err != nil {
					t.Fatalf("client error %v, server error %v (x-amz-content-sha256 %s)", err, got.err, got.payload)
				}
				if !bytes.Equal(got.body, payload) {
					t.Errorf("server read %d bytes, want %d", len(got.body), len(payload))
				}
				want := c.mode[useTLS]
				if want == "<sha256>" {
					want = sha256Hex(string(payload))
				}
				if got.payload != want {
					t.Errorf("x-amz-content-sha256 = %s, want %s", got.payload, want)
				}
				if strings.HasSuffix(want, "TRAILER") && got.trailers.Get("X-Amz-Checksum-Crc32") == "" {
					t.Errorf("trailers = %v, want x-amz-checksum-crc32", got.trailers)
				}
			})
		}
		t.Run("sdk presigned GET"+map[bool]string{true: " tls", false: " http"}[useTLS], func(t *testing.T) {
			ps := s3.NewPresignClient(sdk)
			req, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("a b/c+d")}, s3.WithPresignExpires(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := httpClient.Get(req.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := srv.result(); got.err != nil || got.method != PresignedV4 {
				t.Errorf("presigned GET: %v, method %v", got.err, got.method)
			}
		})
	}
}
