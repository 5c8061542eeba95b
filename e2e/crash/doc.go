// Command crash checks that coffer never loses an acknowledged write.
//
// It starts a coffer binary on 127.0.0.1 with a fresh data directory, drives
// concurrent load against it with aws-sdk-go-v2 and records every operation
// the server acknowledged. In a plain bucket: PUTs, multipart uploads,
// DeleteObject, DeleteObjects and CopyObject (of a key the worker wrote, to
// a new key unique to the round). In a second bucket with versioning
// Enabled, on keys unique to the round: PUTs of new versions, DeleteObject
// of one version by id, and plain DeleteObject, which leaves a delete
// marker. At a random moment it kills the server with SIGKILL, restarts it
// on the same data directory and checks the store against that record:
//
//   - every acknowledged PUT, CompleteMultipartUpload or CopyObject is
//     readable byte for byte, with the ETag it was acknowledged with (a
//     copy: its source's, when the source has one part), unless a later
//     delete of the same key was acknowledged;
//   - every acknowledged delete is gone;
//   - a key whose operation was in flight at the kill holds either its
//     previous content or the complete new content (or is absent, if that
//     was its previous state), never anything partial;
//   - listings show no key that was never written;
//   - in the versioned bucket, every acknowledged version is listed by
//     ListObjectVersions and a GET of its version id returns its exact
//     bytes; every acknowledged delete marker is listed; a version whose
//     deletion by id was acknowledged is not listed and answers
//     NoSuchVersion; the acknowledged versions of a key are listed in the
//     reverse of their acknowledgement order, the first one listed alone
//     IsLatest; a version nobody saw acknowledged is listed only if an
//     unanswered PUT of the same bytes (or an unanswered DELETE, for a
//     marker) can account for it, and only above every acknowledged one.
//
// After each verification the driver deletes the copies and every version
// it checked, so the store holds one round of them at a time and a long
// soak checks as much per round as a short run.
//
// While the load runs it also reads back some acknowledged PUTs at once
// (read-after-write), and flags any request that fails while the server is
// up.
//
// Each key belongs to one worker, so operations on a key are sequential and
// at most one of them is ever in flight; that keeps the set of acceptable
// outcomes exact. A worker leaves a versioned key alone after an operation
// on it went unanswered, so that outcome stays the key's newest. The
// process prints, per round and for the run, how many operations of each
// kind were acknowledged, exits non-zero and prints every violation it
// found, with the tail of the server log.
//
// Usage:
//
//	go run ./e2e/crash -binary bin/coffer -rounds 3
package main
