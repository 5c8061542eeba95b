package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/bench"
	"github.com/coffer-s3/coffer/s3crypto"
)

// cseUsage introduces `coffer cse -help`; the flags follow it.
const cseUsage = `Usage:

  coffer cse put --key-id KEY [--context k=v,...] FILE s3://BUCKET/KEY
  coffer cse get s3://BUCKET/KEY FILE

Client-side encryption: put encrypts FILE on this machine and uploads the
ciphertext; get downloads an object, authenticates and decrypts it here
and writes FILE. The server never sees the plaintext or the data key. The
format is the AWS S3 Encryption Client's v2 (AES-256-GCM content, the data
key from KMS GenerateDataKey under --key-id, wrapped "kms+context", the
envelope in x-amz-meta-* metadata), so objects are interchangeable with
AWS's encryption clients. The key service is the endpoint's KMS API
(coffer's, or AWS KMS when the endpoint is AWS).

FILE "-" is standard input or output. get writes FILE only once the
whole object has authenticated (through a temporary file beside it).
Objects are held in memory: at most --max-size. Ranged reads and
multipart uploads are not available with client-side encryption.

Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_SESSION_TOKEN; the endpoint from --endpoint or AWS_ENDPOINT_URL; the
region from --region, AWS_REGION or AWS_DEFAULT_REGION (default
us-east-1); extra trusted CAs from --ca-bundle or AWS_CA_BUNDLE.

Flags:
`

// cseOptions are the parsed flags of `coffer cse`.
type cseOptions struct {
	endpoint, region, keyID, context, caBundle, maxSize string
}

// runCSE is `coffer cse put|get`.
func runCSE(ctx context.Context, env environment, args []string) int {
	var o cseOptions
	fs := flag.NewFlagSet("coffer cse", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.StringVar(&o.endpoint, "endpoint", "", "S3 and KMS endpoint `URL` (default $AWS_ENDPOINT_URL)")
	fs.StringVar(&o.region, "region", "", "SigV4 signing `region` (default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)")
	fs.StringVar(&o.keyID, "key-id", "", "put: the KMS `key` (id, ARN, alias/NAME or alias ARN) that wraps the data key")
	fs.StringVar(&o.context, "context", "", "put: extra encryption context `k=v,...`, stored in clear in the object's metadata")
	fs.StringVar(&o.caBundle, "ca-bundle", "", "PEM `file` of CA certificates to trust for https (default $AWS_CA_BUNDLE, else the system's)")
	fs.StringVar(&o.maxSize, "max-size", "64MiB", "largest object `size` to encrypt or decrypt (held in memory)")
	pos, code, ok := parseCommand(fs, cseUsage, args)
	if !ok {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageError(env.stderr, fs.Name(), format, a...) }
	if len(pos) == 0 || (pos[0] != "put" && pos[0] != "get") {
		return usageErr("want a subcommand: put or get")
	}
	sub, rest := pos[0], pos[1:]
	if len(rest) != 2 {
		return usageErr("%s takes two arguments", sub)
	}
	src, dst := rest[0], rest[1]
	url := src
	if sub == "put" {
		url = dst
	}
	bucket, key, err := parseS3URL(url)
	if err != nil {
		return usageErr("%v", err)
	}
	if sub == "put" && o.keyID == "" {
		return usageErr("put needs --key-id")
	}
	client, err := cseClient(o, env.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	if sub == "put" {
		err = csePut(ctx, client, src, bucket, key)
	} else {
		err = cseGet(ctx, client, bucket, key, dst, env.stdout)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer cse %s: %v\n", sub, err)
		return 1
	}
	if sub == "put" {
		fmt.Fprintf(env.stderr, "encrypted %s to s3://%s/%s\n", src, bucket, key)
	}
	return 0
}

// parseS3URL splits s3://BUCKET/KEY.
func parseS3URL(s string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3://BUCKET/KEY URL", s)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" || key == "" {
		return "", "", fmt.Errorf("%q names no bucket or no key (want s3://BUCKET/KEY)", s)
	}
	return bucket, key, nil
}

// cseClient builds the S3 and KMS clients, and the encryption client over
// them, from the flags and the standard AWS variables.
func cseClient(o cseOptions, getenv func(string) string) (*s3crypto.Client, error) {
	endpoint := firstOf(o.endpoint, getenv("AWS_ENDPOINT_URL"))
	if !strings.HasPrefix(endpoint, "http://") && !strings.HasPrefix(endpoint, "https://") {
		return nil, fmt.Errorf("--endpoint (or AWS_ENDPOINT_URL) %q is not an http:// or https:// URL", endpoint)
	}
	ak, sk := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if ak == "" || sk == "" {
		return nil, errors.New("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	maxSize, err := bench.ParseSize(o.maxSize)
	if err != nil {
		return nil, fmt.Errorf("--max-size: %v", err)
	}
	encCtx, err := parseContext(o.context)
	if err != nil {
		return nil, err
	}
	httpClient, err := cseHTTPClient(firstOf(o.caBundle, getenv("AWS_CA_BUNDLE")))
	if err != nil {
		return nil, err
	}
	region := firstOf(o.region, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), "us-east-1")
	creds := awscreds.NewStaticCredentialsProvider(ak, sk, getenv("AWS_SESSION_TOKEN"))
	s3c := s3.New(s3.Options{Region: region, BaseEndpoint: aws.String(endpoint), UsePathStyle: true, Credentials: creds, HTTPClient: httpClient})
	kmsc := awskms.New(awskms.Options{Region: region, BaseEndpoint: aws.String(endpoint), Credentials: creds, HTTPClient: httpClient})
	return s3crypto.New(s3c, kmsc, s3crypto.Options{KeyID: o.keyID, EncryptionContext: encCtx, MaxSize: maxSize})
}

// parseContext parses --context k=v,k2=v2.
func parseContext(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--context %q: want k=v pairs separated by commas", s)
		}
		m[k] = v
	}
	return m, nil
}

// cseHTTPClient trusts caFile's CAs besides the system's, when given.
func cseHTTPClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return http.DefaultClient, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// csePut encrypts the file src (or standard input) to bucket/key.
func csePut(ctx context.Context, c *s3crypto.Client, src, bucket, key string) error {
	var body io.Reader = os.Stdin
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: body})
	return err
}

// cseGet decrypts bucket/key into the file dst (or stdout). The plaintext
// reaches dst's name only after it has authenticated: it is written to a
// temporary file beside dst and renamed.
func cseGet(ctx context.Context, c *s3crypto.Client, bucket, key, dst string, stdout io.Writer) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return err
	}
	defer out.Body.Close()
	if dst == "-" {
		_, err := io.Copy(stdout, out.Body)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".cse-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, out.Body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
