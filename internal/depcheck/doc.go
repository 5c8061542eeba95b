// Package depcheck holds tests that keep coffer's package graph honest: the
// dependency directions of STYLE.md and a package comment on every package.
// It has no code of its own; its tests run with `go test ./...`.
package depcheck
