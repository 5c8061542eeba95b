package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// rawClient sends SigV4-signed requests whose responses the driver parses
// itself, for what the SDK's types do not preserve.
type rawClient struct {
	endpoint string
	http     *http.Client
	signer   *v4.Signer
	creds    aws.Credentials
}

func newRawClient(endpoint string) *rawClient {
	return &rawClient{
		endpoint: endpoint,
		http:     &http.Client{Timeout: time.Minute},
		signer:   v4.NewSigner(),
		creds:    aws.Credentials{AccessKeyID: rootAccessKey, SecretAccessKey: rootSecretKey},
	}
}

var emptySHA256 = func() string { s := sha256.Sum256(nil); return hex.EncodeToString(s[:]) }()

// getXML GETs path?query and decodes a 200 response's XML body into v.
func (c *rawClient) getXML(ctx context.Context, path string, query url.Values, v any) error {
	// S3 wants spaces in the query as %20, not +.
	u := c.endpoint + path + "?" + strings.ReplaceAll(query.Encode(), "+", "%20")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if err := c.signer.SignHTTP(ctx, c.creds, req, emptySHA256, "s3", "us-east-1", time.Now()); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %.300s", path, resp.Status, body)
	}
	return xml.Unmarshal(body, v)
}
