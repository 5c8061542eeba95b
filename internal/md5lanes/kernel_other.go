//go:build !amd64 || purego

package md5lanes

const lanesSupported = false

func blocks8(st *laneState, ptrs *[8]*byte, n int, mask uint8) {
	panic("md5lanes: no lane kernel on this platform")
}
