// Package server runs coffer's HTTP listener: it gives every request an id,
// writes an access log line, serves /health/live, /health/ready and /metrics,
// hands everything else to the S3 API handler, and shuts down gracefully by
// letting in-flight requests finish within a bound.
//
// It owns no stores and knows nothing of S3 semantics; cmd/coffer builds the
// handler and closes the stores after Shutdown returns. Only cmd/coffer (and
// the coffertest harness) import it.
package server
