package server

import (
	"net/http/httptest"
	"testing"

	"github.com/coffer-s3/coffer/internal/config"
)

func TestScopeService(t *testing.T) {
	const sig = ", SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
	tests := []struct {
		name, authz, target, want string
	}{
		{name: "iam header", authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request" + sig, want: "iam"},
		{name: "sts header", authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request" + sig, want: "sts"},
		{name: "kms header", authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kms/aws4_request" + sig, want: "kms"},
		{name: "coffer header", authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/coffer/aws4_request" + sig, want: "coffer"},
		{name: "service name ending in coffer", authz: "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/notcoffer/aws4_request" + sig},
		{name: "presigned coffer", target: "/?X-Amz-Credential=AK%2F20150830%2Fus-east-1%2Fcoffer%2Faws4_request", want: "coffer"},
		{name: "s3 header", authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request" + sig},
		{name: "service name ending in iam", authz: "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/xiam/aws4_request" + sig},
		{name: "sigv2 header", authz: "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="},
		{name: "anonymous", target: "/bucket/key"},
		{name: "presigned sts", target: "/?Action=GetCallerIdentity&X-Amz-Credential=AK%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Signature=00", want: "sts"},
		{name: "presigned iam unencoded", target: "/?X-Amz-Credential=AK/20150830/us-east-1/iam/aws4_request", want: "iam"},
		{name: "presigned s3", target: "/b/k?X-Amz-Credential=AK%2F20150830%2Fus-east-1%2Fs3%2Faws4_request"},
		{name: "scope word at the start", target: "/?aws4_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/"
			}
			r := httptest.NewRequest("POST", target, nil)
			if tt.authz != "" {
				r.Header.Set("Authorization", tt.authz)
			}
			if got := scopeService(r); got != tt.want {
				t.Errorf("scopeService(%q, %q) = %q, want %q", tt.authz, tt.target, got, tt.want)
			}
		})
	}
}

// TestScopeServiceNoAlloc pins that routing costs S3 requests no
// allocation.
func TestScopeServiceNoAlloc(t *testing.T) {
	r := httptest.NewRequest("GET", "/bucket/key?list-type=2&prefix=a%2Fb", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")
	if n := testing.AllocsPerRun(100, func() { _ = scopeService(r) }); n != 0 {
		t.Errorf("scopeService allocates %v times per S3 request, want 0", n)
	}
}

// TestIsUnsignedQuery pins which unsigned requests go to STS: form POSTs
// to the endpoint's root, and nothing S3 serves.
func TestIsUnsignedQuery(t *testing.T) {
	s := &Server{opts: Options{Config: config.Config{Domains: []string{"s3.example.com"}}}}
	form := "application/x-www-form-urlencoded; charset=utf-8"
	tests := []struct {
		name, method, target, host, ct, authz string
		want                                  bool
	}{
		{"form post to the root", "POST", "/", "127.0.0.1:9000", form, "", true},
		{"form post, no charset", "POST", "/", "s3.example.com", "application/x-www-form-urlencoded", "", true},
		{"signed form post", "POST", "/", "127.0.0.1", form, "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request", false},
		{"browser upload", "POST", "/", "127.0.0.1", "multipart/form-data; boundary=x", "", false},
		{"post to a bucket", "POST", "/bucket", "127.0.0.1", form, "", false},
		{"virtual-hosted bucket", "POST", "/", "bucket.s3.example.com", form, "", false},
		{"presigned", "POST", "/?X-Amz-Credential=x&X-Amz-Signature=y", "127.0.0.1", form, "", false},
		{"anonymous get", "GET", "/", "127.0.0.1", form, "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		r.Host = tt.host
		r.Header.Set("Content-Type", tt.ct)
		if tt.authz != "" {
			r.Header.Set("Authorization", tt.authz)
		}
		if got := s.isUnsignedQuery(r); got != tt.want {
			t.Errorf("%s: isUnsignedQuery = %v, want %v", tt.name, got, tt.want)
		}
	}
}
