package fs

import (
	"errors"
	"os"
	"syscall"
)

// setDirect turns O_DIRECT on or off for f. Writes with it on bypass the
// page cache: on this path that saves copying every byte into freshly
// allocated cache pages (the largest CPU cost of a large upload) and leaves
// the cache to data being read. It fails with EINVAL where the file system
// cannot do direct I/O.
func setDirect(f *os.File, on bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		flags, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		if e != 0 {
			ferr = e
			return
		}
		if on {
			flags |= syscall.O_DIRECT
		} else {
			flags &^= syscall.O_DIRECT
		}
		if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETFL, flags); e != 0 {
			ferr = e
		}
	})
	return errors.Join(err, ferr)
}

// directUnsupported reports whether err from a direct write means the file
// system refused direct I/O for it, so the same bytes can be written again
// through the page cache.
func directUnsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL)
}
