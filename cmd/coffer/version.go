package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildVersion is the release version, set at link time by `make dist`
// (-ldflags "-X main.buildVersion=v1.2.3"). Empty means the module
// version from the build info, "(devel)" for a plain `go build`.
var buildVersion string

// buildCommit is the VCS revision, set at link time by `make dist`; empty
// means the revision `go build` recorded, if any.
var buildCommit string

// buildInfo describes this binary.
type buildInfo struct {
	Version  string // release tag, or "(devel)"
	Commit   string // VCS revision, "+dirty" when built from a modified tree; "unknown" without VCS data
	Go       string // Go toolchain version
	Platform string // GOOS/GOARCH
}

// readBuildInfo collects the version from the link-time variable, and the
// commit from the build info `go build` records from the VCS.
func readBuildInfo() buildInfo {
	b := buildInfo{Version: buildVersion, Commit: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if b.Version == "" {
		b.Version = "(devel)"
		if ok && bi.Main.Version != "" {
			b.Version = bi.Main.Version
		}
	}
	if buildCommit != "" {
		b.Commit = buildCommit
		return b
	}
	if !ok {
		return b
	}
	dirty := ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if b.Commit != "unknown" {
		b.Commit += dirty
	}
	return b
}

func runVersion(_ context.Context, env environment, _ []string) int {
	b := readBuildInfo()
	fmt.Fprintf(env.stdout, "coffer %s\ncommit: %s\ngo: %s\nplatform: %s\n", b.Version, b.Commit, b.Go, b.Platform)
	return 0
}
