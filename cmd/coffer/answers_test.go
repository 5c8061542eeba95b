package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/config"
)

// Answers a user can act on, through a real server: the expected region
// for a request signed for another, and a readable "not implemented" in
// KMS's own JSON shape for the KMS API coffer does not serve.
func TestServe_actionableAnswers(t *testing.T) {
	cfg := config.Default()
	cfg.Address = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RootAccessKey, cfg.RootSecretKey = "OPERATORKEY", "operator-chosen-secret"
	addr, stop := startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()

	t.Run("wrong region", func(t *testing.T) {
		c := s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-west-2", UsePathStyle: true,
			Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, ""), RetryMaxAttempts: 1})
		_, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
		var ae smithy.APIError
		want := "The authorization header is malformed; the region 'us-west-2' is wrong; expecting 'us-east-1'"
		if !errors.As(err, &ae) || ae.ErrorCode() != "AuthorizationHeaderMalformed" || ae.ErrorMessage() != want {
			t.Errorf("ListBuckets signed for us-west-2: %v; want AuthorizationHeaderMalformed: %s", err, want)
		}
	})

	t.Run("kms served on the same listener", func(t *testing.T) {
		body := []byte("{}")
		req, err := http.NewRequestWithContext(t.Context(), "POST", "http://"+addr+"/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
		sum := sha256.Sum256(body)
		creds := aws.Credentials{AccessKeyID: cfg.RootAccessKey, SecretAccessKey: cfg.RootSecretKey}
		if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "kms", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			Keys      []any `json:"Keys"`
			Truncated *bool `json:"Truncated"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || got.Keys == nil || len(got.Keys) != 0 || got.Truncated == nil || *got.Truncated {
			t.Errorf("KMS ListKeys = %d %+v; want 200 with no keys", resp.StatusCode, got)
		}
		if resp.Header.Get("X-Amzn-RequestId") == "" {
			t.Error("no X-Amzn-RequestId")
		}
	})
}
