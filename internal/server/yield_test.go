package server

import "runtime"

// runtimeYield lets other goroutines run while a test polls a condition.
func runtimeYield() { runtime.Gosched() }
