//go:build !unix

package server

// openFileLimit returns 0: unknown on this system.
func openFileLimit() uint64 { return 0 }
