package integration_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/coffer-s3/coffer/internal/coffertest"
)

// oneContentEncodingLine folds the Content-Encoding lines the SDK sends
// (the caller's, then its own "aws-chunked") into the single line
// "aws-chunked,<caller's>", the form AWS's chunked upload guide shows, and
// records in *done that it did.
func oneContentEncodingLine(done *bool) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("oneContentEncodingLine",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					if vs := req.Header.Values("Content-Encoding"); len(vs) == 2 && vs[1] == "aws-chunked" {
						req.Header.Set("Content-Encoding", "aws-chunked,"+vs[0])
						*done = true
					}
				}
				return next.HandleFinalize(ctx, in)
			}), "Signing", middleware.Before)
	}
}

// TestPutObject_contentEncodingKept checks that S3 stores Content-Encoding
// as the client sent it, less the aws-chunked coding of the transfer.
// Over TLS the SDK streams with aws-chunked trailers and adds
// "aws-chunked" to Content-Encoding; over plain HTTP it sends none.
func TestPutObject_contentEncodingKept(t *testing.T) {
	tests := []struct {
		name    string
		tls     bool
		sent    *string
		oneLine bool
		want    *string
	}{
		{"plain list kept byte for byte", false, aws.String("deflate, gzip"), false, aws.String("deflate, gzip")},
		{"aws-chunked line removed", true, aws.String("deflate, gzip"), false, aws.String("deflate, gzip")},
		{"aws-chunked,gzip stores gzip", true, aws.String("gzip"), true, aws.String("gzip")},
		{"aws-chunked alone stores none", true, nil, false, nil},
	}
	plain, secure := newEnv(t), newEnv(t, coffertest.WithTLS())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := plain
			if tt.tls {
				e = secure
			}
			body := []byte("compressed, or so it says")
			in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("ce"), ContentEncoding: tt.sent,
				Body: bytes.NewReader(body)}
			if tt.tls {
				// An unseekable body makes the SDK stream it with aws-chunked.
				in.Body, in.ContentLength = io.MultiReader(bytes.NewReader(body)), aws.Int64(int64(len(body)))
			}
			var opts []func(*s3.Options)
			folded := false
			if tt.oneLine {
				opts = append(opts, func(o *s3.Options) { o.APIOptions = append(o.APIOptions, oneContentEncodingLine(&folded)) })
			}
			if _, err := e.s3.PutObject(ctx(t), in, opts...); err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			if folded != tt.oneLine {
				t.Fatalf("Content-Encoding folded into one line = %v, want %v", folded, tt.oneLine)
			}
			head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("ce")})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(head.ContentEncoding), aws.ToString(tt.want); got != want || (head.ContentEncoding == nil) != (tt.want == nil) {
				t.Errorf("HeadObject Content-Encoding = %q (set %v), want %q (set %v)", got, head.ContentEncoding != nil, want, tt.want != nil)
			}
			if got := e.getBody(t, "ce"); !bytes.Equal(got, body) {
				t.Errorf("GetObject = %q, want %q", got, body)
			}
		})
	}
}
