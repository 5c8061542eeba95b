//go:build unix

package bench

import (
	"fmt"
	"syscall"
)

// ensureOpenFiles makes sure n files can be open, raising the soft limit
// to the hard one when it is lower. Go raises the soft limit to the hard one at start on
// Linux, so this matters on other systems; past the hard limit only the
// operator can help.
func ensureOpenFiles(n uint64) error {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return nil // unknown: let the dials say
	}
	if uint64(rl.Cur) >= n {
		return nil
	}
	if uint64(rl.Max) < n {
		return fmt.Errorf("the open file limit is %d, %d needed: raise the hard limit (ulimit -Hn, LimitNOFILE)", rl.Max, n)
	}
	rl.Cur = rl.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return fmt.Errorf("raise the open file limit to %d: %w", n, err)
	}
	return nil
}
