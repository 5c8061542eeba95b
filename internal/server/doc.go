// Package server runs coffer's HTTP listener: it gives every request an id,
// writes an access log line, serves /health/live, /health/ready and /metrics,
// hands everything else to the S3 API handler, and shuts down gracefully by
// letting in-flight requests finish within a bound. Given a certificate
// source it serves TLS under one policy (tls.go: TLS 1.2+, ECDHE+AEAD, h2 or
// http/1.1 by ALPN); it can also serve the health and metrics endpoints alone
// on a second, plain-HTTP listener (health.go).
//
// It owns no stores and knows nothing of S3 semantics; cmd/coffer builds the
// handler and closes the stores after Shutdown returns. Only cmd/coffer (and
// the coffertest harness) import it.
package server
