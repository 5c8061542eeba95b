// Command crash checks that coffer never loses an acknowledged write.
//
// It starts a coffer binary on 127.0.0.1 with a fresh data directory, drives
// concurrent PUTs, multipart uploads and deletes against it with
// aws-sdk-go-v2, and records every operation the server acknowledged. At a
// random moment it kills the server with SIGKILL, restarts it on the same
// data directory and checks the store against that record:
//
//   - every acknowledged PUT or CompleteMultipartUpload is readable byte for
//     byte, unless a later delete of the same key was acknowledged;
//   - every acknowledged delete is gone;
//   - a key whose operation was in flight at the kill holds either its
//     previous content or the complete new content (or is absent, if that was
//     its previous state), never anything partial;
//   - listings show no key that was never written.
//
// While the load runs it also reads back some acknowledged PUTs at once
// (read-after-write), and flags any request that fails while the server is
// up.
//
// Each key belongs to one worker, so operations on a key are sequential and
// at most one of them is ever in flight; that keeps the set of acceptable
// outcomes exact. The process exits non-zero and prints every violation it
// found, with the tail of the server log.
//
// Usage:
//
//	go run ./e2e/crash -binary bin/coffer -rounds 3
package main
