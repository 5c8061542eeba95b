// Package bench is the measuring tool behind `coffer bench`: it drives any
// S3 endpoint (coffer or another server) through the real S3 API with SigV4
// and reports throughput, latency percentiles and errors by S3 code.
//
// The client shares the machine with the server it measures, so the hot path
// is kept cheap: payloads are served from one shared pseudo-random block
// instead of being allocated per operation, the SDK's default request
// checksums are off, and GET bodies are verified by comparing bytes against
// that block rather than by hashing. Objects it uploads live under a run
// prefix and are removed afterwards (with the bucket, when it created one)
// unless asked to keep them. It does not start or configure servers.
package bench
