//go:build !unix

package diskspace

import "errors"

// Statfs is not available here: the guard then never refuses a write.
func Statfs(string) (Usage, error) {
	return Usage{}, errors.New("diskspace: statfs not supported on this platform")
}
