// Package coffertest runs a real coffer in-process for tests: every
// component built as `coffer server` builds it, listening on 127.0.0.1:0
// with its data in t.TempDir(), and ready-made aws-sdk-go-v2 and minio-go
// clients signed with its root credentials. It shuts down in t.Cleanup.
//
// It is test support only: no production code may import it.
package coffertest
