//go:build unix

package server

import "syscall"

// openFileLimit returns the soft limit on open files, or 0 if unknown. Go
// raised it to the hard limit when the process started (Linux, Go 1.19+),
// so it is not raised again here.
func openFileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return uint64(rl.Cur)
}
