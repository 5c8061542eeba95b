package main

import (
	"runtime"
	"testing"
)

// A release build names the version and commit it was linked with, as
// `make dist` sets them.
func TestVersion_linkTime(t *testing.T) {
	defer func(v, c string) { buildVersion, buildCommit = v, c }(buildVersion, buildCommit)
	buildVersion, buildCommit = "v1.2.3", "0123abc"
	code, stdout, _ := runArgs(t, "version")
	want := "coffer v1.2.3\ncommit: 0123abc\ngo: " + runtime.Version() + "\nplatform: " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if code != 0 || stdout != want {
		t.Errorf("coffer version = %d, %q; want 0, %q", code, stdout, want)
	}
}
