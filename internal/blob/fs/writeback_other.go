//go:build !linux

package fs

import "os"

// startWriteback does nothing where sync_file_range(2) is not available:
// Commit's fsync writes everything.
func startWriteback(f *os.File, off, n int64) {}

// dataSync syncs f where fdatasync(2) is not available.
func dataSync(f *os.File) error { return f.Sync() }
