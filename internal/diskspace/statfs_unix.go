//go:build unix

package diskspace

import "golang.org/x/sys/unix"

// Statfs returns the space of the file system holding dir: the bytes an
// unprivileged writer may still use, and the file system's size.
func Statfs(dir string) (Usage, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return Usage{}, err
	}
	bsize := uint64(st.Bsize)
	return Usage{Free: st.Bavail * bsize, Total: st.Blocks * bsize}, nil
}
