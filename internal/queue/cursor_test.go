package queue

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
)

type pos struct {
	Bucket string `json:"b"`
	N      int    `json:"n"`
}

func TestCursors_roundTripAndRestart(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "meta")
	m, err := pebble.Open(dir, pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := Cursors{Meta: m}
	var got pos
	if found, err := c.Load(ctx, "engine", &got); err != nil || found {
		t.Fatalf("Load before Save = %v, %v; want not found", found, err)
	}
	if err := c.Save(ctx, "engine", pos{"b", 7}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(ctx, "other", pos{"x", 1}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if m, err = pebble.Open(dir, pebble.Options{}); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c = Cursors{Meta: m}
	if found, err := c.Load(ctx, "engine", &got); err != nil || !found || got != (pos{"b", 7}) {
		t.Errorf("Load after a restart = %+v, %v, %v", got, found, err)
	}
	// A value this code did not write is refused, not misread.
	if err := m.Update(ctx, func(tx meta.Txn) error { return tx.Set(key("bad"), []byte{9, '{', '}'}) }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(ctx, "bad", &got); !errors.Is(err, ErrUnreadable) {
		t.Errorf("Load of another format = %v, want ErrUnreadable", err)
	}
}
