package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version describes this build: the module version (a tag, or "(devel)")
// and, when the build recorded it, the VCS revision.
func version() string {
	v, rev, dirty := "(devel)", "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	return v
}

func runVersion(_ context.Context, env environment, _ []string) int {
	fmt.Fprintf(env.stdout, "coffer %s %s %s/%s\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
