package main

import (
	"context"

	"github.com/coffer-s3/coffer/internal/bench"
)

// runBench measures an S3 endpoint (coffer or any other) through the S3 API.
func runBench(ctx context.Context, env environment, args []string) int {
	return bench.Main(ctx, args, env.stdout, env.stderr)
}
