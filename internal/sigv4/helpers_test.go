package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
)

// The credentials of AWS's documentation examples.
const (
	exampleAccessKey = "AKIAIOSFODNN7EXAMPLE"
	exampleSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// exampleTime is the request time of AWS's SigV4 S3 examples.
var exampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

// staticCreds is a Credentials backed by a map.
type staticCreds map[string]Credential

func (s staticCreds) Lookup(_ context.Context, ak string) (Credential, error) {
	c, ok := s[ak]
	if !ok {
		return Credential{}, ErrUnknownAccessKey
	}
	return c, nil
}

func exampleCreds() staticCreds {
	return staticCreds{exampleAccessKey: {
		AccessKey: exampleAccessKey,
		SecretKey: exampleSecretKey,
		Principal: Principal{AccountID: "123456789012", Name: "root", Root: true},
	}}
}

// newTestVerifier returns a Verifier with the example credentials, region
// us-east-1 and a fake clock at now.
func newTestVerifier(now time.Time) (*Verifier, *clock.Fake) {
	clk := clock.NewFake(now)
	return New(Options{Credentials: exampleCreds(), Region: "us-east-1", Clock: clk}), clk
}

// readAll reads a Result body to the end and returns the data and the
// error that ended it (nil for io.EOF).
func readAll(t *testing.T, res *Result) ([]byte, error) {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	return b, err
}

// newReq builds a request as a server would see it: Host set, the body
// attached, RequestURI holding the raw target.
func newReq(t testing.TB, method, target, host, body string) *http.Request {
	t.Helper()
	var r *http.Request
	var err error
	if body == "" {
		r, err = http.NewRequest(method, "http://"+host+target, nil)
	} else {
		r, err = http.NewRequest(method, "http://"+host+target, strings.NewReader(body))
	}
	if err != nil {
		t.Fatal(err)
	}
	r.Host = host
	r.RequestURI = target
	return r
}

// wantErr reports a mismatch between err and the sentinel want (nil
// meaning success).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: error %v, want success", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

type timeDuration = time.Duration

func parseTimeDuration(s string) (time.Duration, error) { return time.ParseDuration(s) }

// flipHex changes the hex digit at i to another hex digit.
func flipHex(s string, i int) string {
	b := []byte(s)
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

// fixedClock returns a fake clock at t.
func fixedClock(t time.Time) *clock.Fake { return clock.NewFake(t) }
