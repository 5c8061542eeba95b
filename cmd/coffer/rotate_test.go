package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/operatorapi"
	"github.com/coffer-s3/coffer/internal/sse"
)

// rotateFixture is a running coffer and what the test stored in it.
type rotateFixture struct {
	t       *testing.T
	cfg     config.Config
	addr    string
	objects map[string][]byte
	users   map[string]string // access key → secret
}

func (f *rotateFixture) s3() *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String("http://" + f.addr), Region: "us-east-1", UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: awscreds.NewStaticCredentialsProvider(f.cfg.RootAccessKey, f.cfg.RootSecretKey, "")})
}

func (f *rotateFixture) creds() map[string]string {
	return map[string]string{"AWS_ACCESS_KEY_ID": f.cfg.RootAccessKey, "AWS_SECRET_ACCESS_KEY": f.cfg.RootSecretKey}
}

func (f *rotateFixture) masterKey(args ...string) (int, string, string) {
	f.t.Helper()
	return runEnv(f.t, f.creds(), append(append([]string{"master-key"}, args...), "--endpoint", "http://"+f.addr)...)
}

// putAll stores an inline, a single-blob and a multipart object named
// after prefix, and an IAM user.
func (f *rotateFixture) putAll(prefix string) {
	t := f.t
	ctx := t.Context()
	c := f.s3()
	for name, body := range map[string][]byte{"inline": []byte("small " + prefix), "single": bytes.Repeat([]byte(prefix), 40<<10)} {
		key := prefix + "/" + name
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rot"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatalf("PutObject %s: %v", key, err)
		}
		f.objects[key] = body
	}
	key := prefix + "/multi"
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("rot"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{bytes.Repeat([]byte("1"), 5<<20), []byte("tail " + prefix)}
	var done []s3types.CompletedPart
	for i, p := range parts {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("rot"), Key: aws.String(key), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("rot"), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done}}); err != nil {
		t.Fatal(err)
	}
	f.objects[key] = bytes.Join(parts, nil)
	ak, sk := createUser(t, f.addr, f.cfg, "user-"+prefix)
	f.users[ak] = sk
}

// checkAll reads every object back and authenticates as every user.
func (f *rotateFixture) checkAll(when string) {
	t := f.t
	for key, want := range f.objects {
		out, err := f.s3().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("rot"), Key: aws.String(key)})
		if err != nil {
			t.Errorf("%s: GetObject %s: %v", when, key, err)
			continue
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: GetObject %s: %d bytes, %v; want the %d stored", when, key, len(got), err, len(want))
		}
	}
	for ak, sk := range f.users {
		if err := listBucketsAs(t, f.addr, ak, sk); err != nil {
			t.Errorf("%s: ListBuckets as %s: %v", when, ak, err)
		}
	}
}

// TestMasterKey_rotateRewrapRetire is the operator's whole procedure on
// a real server: store objects and users, rotate, store more, wait for
// the re-wrap job, retire the old version, restart with the key file
// and read everything.
func TestMasterKey_rotateRewrapRetire(t *testing.T) {
	cfg := keyServerConfig(t, t.TempDir())
	keyFile := filepath.Join(cfg.DataDir, masterKeyFile)
	addr, stop := startServe(t, cfg, io.Discard)
	f := &rotateFixture{t: t, cfg: cfg, addr: addr, objects: map[string][]byte{}, users: map[string]string{}}
	if _, err := f.s3().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("rot")}); err != nil {
		t.Fatal(err)
	}
	f.putAll("before")

	code, stdout, stderr := f.masterKey("rotate")
	if code != 0 || !strings.Contains(stdout, "version 2 is current") {
		t.Fatalf("master-key rotate = %d, %q, %q", code, stdout, stderr)
	}
	kr, err := sse.LoadKeyringFile(keyFile)
	if err != nil || kr.Current() != 2 || len(kr.Versions()) != 2 {
		t.Fatalf("key file after rotate: %v, %v", kr.Versions(), err)
	}
	f.putAll("after")
	f.checkAll("after rotating")

	if code, _, stderr := f.masterKey("retire", "2"); code != 1 || !strings.Contains(stderr, "current") {
		t.Errorf("retire of the current version = %d, %q", code, stderr)
	}
	waitRewrapped(t, f)
	code, stdout, stderr = f.masterKey("status")
	if code != 0 || !strings.Contains(stdout, "Nothing uses version 1 any more") || !strings.Contains(stdout, ": done") {
		t.Errorf("master-key status = %d, %q, %q", code, stdout, stderr)
	}
	metrics := scrape(t, addr)
	for _, want := range []string{"coffer_master_key_current_version 2", "coffer_master_key_rewrap_pending 0", "coffer_master_key_rewrapped_total "} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, stdout, stderr := f.masterKey("retire", "1"); code != 0 || !strings.Contains(stdout, "retired") {
		t.Fatalf("master-key retire 1 = %d, %q, %q", code, stdout, stderr)
	}
	f.checkAll("after retiring")
	if err := stop(); err != nil {
		t.Fatalf("serve = %v", err)
	}

	kr, err = sse.LoadKeyringFile(keyFile)
	if err != nil || kr.Has(1) || kr.Current() != 2 {
		t.Fatalf("key file after retire holds %v, %v; want only 2", kr.Versions(), err)
	}
	f.addr, stop = startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	f.checkAll("after a restart")
	if code, _, stderr := f.masterKey("retire", "1"); code != 1 || !strings.Contains(stderr, "NoSuchEntity") {
		t.Errorf("retire of a retired version = %d, %q", code, stderr)
	}
}

// waitRewrapped polls the status until the job has moved everything to
// version 2.
func waitRewrapped(t *testing.T, f *rotateFixture) {
	t.Helper()
	c := &operatorapi.Client{Endpoint: "http://" + f.addr, AccessKey: f.cfg.RootAccessKey, SecretKey: f.cfg.RootSecretKey}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		s, err := c.GetMasterKeyStatus(ctx)
		if err != nil {
			t.Fatalf("GetMasterKeyStatus: %v", err)
		}
		old := int64(0)
		for _, v := range s.Versions {
			if v.Version != s.CurrentVersion {
				old += v.Count
			}
		}
		if s.JobDone && s.JobVersion == 2 && old == 0 {
			return
		}
	}
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := httpGet(t, "http://"+addr+"/metrics")
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestMasterKey_rotateRefusedFromEnvironment: a key from
// $COFFER_MASTER_KEY cannot be rotated by the server, and the operator
// is told why.
func TestMasterKey_rotateRefusedFromEnvironment(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "k")
	if _, err := sse.GenerateKeyringFile(keyFile); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := keyServerConfig(t, t.TempDir())
	cfg.MasterKey = config.Secret(text)
	addr, stop := startServe(t, cfg, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve = %v", err)
		}
	}()
	f := &rotateFixture{t: t, cfg: cfg, addr: addr}
	if code, _, stderr := f.masterKey("rotate"); code != 1 || !strings.Contains(stderr, "KeyNotPersistable") || !strings.Contains(stderr, "environment") {
		t.Errorf("rotate of a key from the environment = %d, %q", code, stderr)
	}
	if code, stdout, _ := f.masterKey("status"); code != 0 || !strings.Contains(stdout, "current") {
		t.Errorf("status = %d, %q", code, stdout)
	}
}

// createUser creates IAM user name with AdministratorAccess and returns
// its key pair.
func createUser(t *testing.T, addr string, cfg config.Config, name string) (string, string) {
	t.Helper()
	c := awsiam.New(awsiam.Options{BaseEndpoint: aws.String("http://" + addr), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: awscreds.NewStaticCredentialsProvider(cfg.RootAccessKey, cfg.RootSecretKey, "")})
	ctx := t.Context()
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if _, err := c.AttachUserPolicy(ctx, &awsiam.AttachUserPolicyInput{UserName: aws.String(name),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	out, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	return *out.AccessKey.AccessKeyId, *out.AccessKey.SecretAccessKey
}

func httpGet(t *testing.T, url string) (string, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
