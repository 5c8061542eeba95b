package object

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
)

// diskBackend runs on the real stores: Pebble and the file-system blob
// store, in a temporary directory.
var diskBackend = backend{"disk", func(t testing.TB, now func() time.Time) (meta.Store, blob.Store) {
	t.Helper()
	dir := t.TempDir()
	m, err := pebble.Open(filepath.Join(dir, "meta"), pebble.Options{})
	if err != nil {
		t.Fatalf("pebble.Open: %v", err)
	}
	b, err := fs.Open(filepath.Join(dir, "blob"), fs.Options{})
	if err != nil {
		m.Close()
		t.Fatalf("fs.Open: %v", err)
	}
	return m, b
}}

// allBackends lists the backends that tests covering the store seams run on.
func allBackends(t testing.TB) []backend {
	if testing.Short() {
		return []backend{memBackend}
	}
	return []backend{memBackend, diskBackend}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
