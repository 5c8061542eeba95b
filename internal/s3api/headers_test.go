package s3api

import (
	"net/http"
	"testing"
)

// TestStripAWSChunked pins the Content-Encoding S3 stores: the client's
// value byte for byte, without the aws-chunked coding.
func TestStripAWSChunked(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"absent", nil, ""},
		{"kept as sent", []string{"deflate, gzip"}, "deflate, gzip"},
		{"odd spacing kept", []string{"gzip,  br"}, "gzip,  br"},
		{"aws-chunked first", []string{"aws-chunked,gzip"}, "gzip"},
		{"aws-chunked first, spaced", []string{"aws-chunked, deflate, gzip"}, "deflate, gzip"},
		{"aws-chunked last", []string{"gzip,aws-chunked"}, "gzip"},
		{"aws-chunked between", []string{"deflate, aws-chunked, gzip"}, "deflate, gzip"},
		{"aws-chunked alone", []string{"aws-chunked"}, ""},
		{"aws-chunked any case", []string{"AWS-Chunked"}, ""},
		{"aws-chunked on its own line", []string{"deflate, gzip", "aws-chunked"}, "deflate, gzip"},
		{"two lines", []string{"deflate", "gzip"}, "deflate, gzip"},
		{"aws-chunked-ish kept", []string{"aws-chunked2"}, "aws-chunked2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripAWSChunked(tt.values); got != tt.want {
				t.Errorf("stripAWSChunked(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestIsAWSChunked(t *testing.T) {
	tests := []struct {
		h    http.Header
		want bool
	}{
		{http.Header{}, false},
		{http.Header{"Content-Encoding": {"gzip"}}, false},
		{http.Header{"Content-Encoding": {"gzip", "aws-chunked"}}, true},
		{http.Header{"Content-Encoding": {"aws-chunked,gzip"}}, true},
		{http.Header{"X-Amz-Content-Sha256": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER"}}, true},
	}
	for _, tt := range tests {
		if got := isAWSChunked(tt.h); got != tt.want {
			t.Errorf("isAWSChunked(%v) = %v, want %v", tt.h, got, tt.want)
		}
	}
}
