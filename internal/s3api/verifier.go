package s3api

import (
	"context"
	"net/http"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Verifier authenticates requests; *sigv4.Verifier satisfies it.
type Verifier interface {
	// Verify authenticates a request signed in its headers or query (or
	// not at all: anonymous).
	Verify(r *http.Request) (*sigv4.Result, error)
	// VerifyPost authenticates a browser POST upload to bucket from its
	// form fields (the file excluded).
	VerifyPost(ctx context.Context, bucket string, fields map[string]string) (*sigv4.PostResult, error)
}

var _ Verifier = (*sigv4.Verifier)(nil)
