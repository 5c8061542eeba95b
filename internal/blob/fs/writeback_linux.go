package fs

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE from <linux/fs.h>: start
// writeback of the dirty pages in the range without waiting for it.
const syncFileRangeWrite = 2

// startWriteback asks the kernel to begin writing [off, off+n) of f to the
// device now, without waiting. It is only a hint that overlaps the disk
// with the rest of the upload, so that Commit's fsync finds little left to
// write: durability still comes from that fsync alone, and failures here
// are ignored.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(off), uintptr(n), syncFileRangeWrite, 0, 0)
	})
}

// dataSync is fdatasync(2): the file's data and what is needed to read it
// back (its size), without its timestamps.
func dataSync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}
