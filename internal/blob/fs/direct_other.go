//go:build !linux

package fs

import (
	"errors"
	"os"
)

var errNoDirect = errors.New("blob/fs: direct I/O is only used on Linux")

// setDirect fails where O_DIRECT is not used: writes go through the page
// cache and Commit's fsync.
func setDirect(f *os.File, on bool) error {
	if !on {
		return nil
	}
	return errNoDirect
}

func directUnsupported(err error) bool { return false }
