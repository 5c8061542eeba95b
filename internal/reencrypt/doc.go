// Package reencrypt is the background re-encryption job: it walks every
// stored object version at a bounded rate and has the object service
// store the ones kept in plaintext (written before encryption at rest,
// or while it was off) encrypted under SSE-S3, without changing anything
// a client sees but the encryption reported. Its state (the pass, its
// cursor and counts) is kept in meta under table byte 'E', so a pass
// resumes where it stopped after a restart. It never reads key material
// itself and never decides access: the object service does the work.
//
// When it runs: with encryption at rest on, a pass runs in the
// background when none ever completed, when a run of the server with
// encryption at rest off may have stored plaintext since the last one
// (MarkPlaintextWrites), and again after RetryInterval when the last
// pass skipped versions that changed under it, hit errors, or left
// multipart uploads in progress whose parts are plaintext (the objects
// they complete into are plaintext too). RunPass starts a full pass on
// request. Parts of uploads in progress are not re-encrypted themselves.
package reencrypt
