//go:build amd64 && !purego

package md5lanes

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernel.go

// lanesSupported reports whether this CPU runs blocks8: it needs AVX-512F
// for the gathers and AVX-512VL for VPROLD and VPTERNLOGD on YMM registers
// (x/sys/cpu also checks that the OS saves the AVX-512 state).
var lanesSupported = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL

// blocks8 runs MD5's compression function over n 64-byte blocks for every
// lane i whose bit is set in mask, reading lane i's blocks from ptrs[i]
// onwards and updating column i of st.s (a, b, c, d). Every pointer must be
// readable for n blocks, masked lane or not; lanes outside mask keep their
// state.
//
//go:noescape
func blocks8(st *laneState, ptrs *[8]*byte, n int, mask uint8)
