package integration_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// rawResponse is what a raw request got back: the status, the headers and,
// for an error, the S3 code and message.
type rawResponse struct {
	status        int
	header        http.Header
	body          []byte
	code, message string
}

// signedRaw sends method target (a path with its query) with the header
// values exactly as given, SigV4-signed at the server's clock. payloadHash
// is the x-amz-content-sha256 value; "" means the SHA-256 of body.
func signedRaw(t *testing.T, srv *coffertest.Server, method, target string, header http.Header, body []byte, payloadHash string) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, srv.Endpoint+target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, vs := range header {
		req.Header[name] = vs
	}
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds, _ := awscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, "").Retrieve(ctx(t))
	if err := v4.NewSigner().SignHTTP(ctx(t), creds, req, payloadHash, "s3", coffertest.Region, srv.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := rawResponse{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 300 {
		var e struct{ Code, Message string }
		_ = xml.Unmarshal(b, &e)
		out.code, out.message = e.Code, e.Message
	}
	return out
}
