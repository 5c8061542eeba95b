package tier

import (
	"path/filepath"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob/fs"
	"github.com/coffer-s3/coffer/internal/blob/s3blob"
	"github.com/coffer-s3/coffer/internal/config"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	specs := []config.Tier{
		{Class: "STANDARD_IA", Dir: filepath.Join(dir, "ia")},
		{Class: "GLACIER", Endpoint: "http://127.0.0.1:1", Bucket: "b", Prefix: "p", AccessKey: "AK", SecretKey: "secret"},
	}
	st, err := Open(specs, filepath.Join(dir, "spool"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st["STANDARD_IA"].(*fs.Store); !ok {
		t.Errorf("STANDARD_IA tier is %T, want *fs.Store", st["STANDARD_IA"])
	}
	if _, ok := st["GLACIER"].(*s3blob.Store); !ok {
		t.Errorf("GLACIER tier is %T, want *s3blob.Store", st["GLACIER"])
	}
	if len(st) != 2 {
		t.Errorf("Open returned %d tiers, want 2", len(st))
	}
}

func TestOpen_errorClosesWhatOpened(t *testing.T) {
	dir := t.TempDir()
	specs := []config.Tier{
		{Class: "STANDARD_IA", Dir: filepath.Join(dir, "ia")},
		{Class: "GLACIER", Bucket: "b"}, // no endpoint
	}
	if _, err := Open(specs, filepath.Join(dir, "spool"), nil); err == nil {
		t.Fatal("Open with an S3 tier without an endpoint succeeded")
	}
}
