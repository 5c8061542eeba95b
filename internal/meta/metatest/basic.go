package metatest

import (
	"context"
	"errors"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

func testGetSetDelete(t *testing.T, s meta.Store) {
	if v, ok := get(t, s, "a"); ok {
		t.Fatalf("Get(a) on empty store = %q, want ErrNotFound", v)
	}
	set(t, s, kv{"a", "1"}, kv{"b", "2"})
	set(t, s, kv{"a", "3"}) // overwrite
	tests := []struct {
		key    string
		want   string
		wantOK bool
	}{
		{"a", "3", true},
		{"b", "2", true},
		{"c", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := get(t, s, tt.key); got != tt.want || ok != tt.wantOK {
			t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.wantOK)
		}
	}

	err := s.Update(context.Background(), func(tx meta.Txn) error {
		if err := tx.Delete([]byte("a")); err != nil {
			return err
		}
		return tx.Delete([]byte("never-existed"))
	})
	if err != nil {
		t.Fatalf("Update(delete): %v", err)
	}
	if v, ok := get(t, s, "a"); ok {
		t.Errorf("Get(a) after Delete = %q, want ErrNotFound", v)
	}
	if v, _ := get(t, s, "b"); v != "2" {
		t.Errorf("Get(b) after Delete(a) = %q, want %q", v, "2")
	}

	// ErrNotFound must be recognisable with errors.Is, however wrapped.
	err = s.View(context.Background(), func(r meta.Reader) error {
		_, err := r.Get([]byte("a"))
		return err
	})
	if !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("View(Get missing) = %v, want ErrNotFound", err)
	}
}

func testEmptyValue(t *testing.T, s meta.Store) {
	set(t, s, kv{"empty", ""})
	if v, ok := get(t, s, "empty"); !ok || v != "" {
		t.Errorf("Get(empty) = %q, %v; want \"\", true", v, ok)
	}
	got := scanView(t, s, nil, nil, meta.ScanOptions{})
	if len(got) != 1 || got[0] != (kv{"empty", ""}) {
		t.Errorf("Scan = %q, want one empty value", got)
	}
}

func testValuesAreCallerOwned(t *testing.T, s meta.Store) {
	set(t, s, kv{"k", "value"})
	err := s.View(context.Background(), func(r meta.Reader) error {
		v, err := r.Get([]byte("k"))
		if err != nil {
			return err
		}
		for i := range v {
			v[i] = 'X'
		}
		it := r.Scan(nil, nil, meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			k, v := it.Key(), it.Value()
			for i := range v {
				v[i] = 'Y'
			}
			for i := range k {
				k[i] = 'Z'
			}
		}
		return it.Err()
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	if v, _ := get(t, s, "k"); v != "value" {
		t.Errorf("Get(k) after mutating returned slices = %q, want %q", v, "value")
	}
	if got := scanView(t, s, nil, nil, meta.ScanOptions{}); len(got) != 1 || got[0] != (kv{"k", "value"}) {
		t.Errorf("Scan after mutating returned slices = %q, want [{k value}]", got)
	}

	// The same inside an Update, where reads may come from the transaction's
	// own pending writes.
	err = s.Update(context.Background(), func(tx meta.Txn) error {
		if err := tx.Set([]byte("k2"), []byte("pending")); err != nil {
			return err
		}
		v, err := tx.Get([]byte("k2"))
		if err != nil {
			return err
		}
		for i := range v {
			v[i] = 'X'
		}
		it := tx.Scan(nil, nil, meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			for i := range it.Value() {
				it.Value()[i] = 'Y'
			}
		}
		return it.Err()
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if v, _ := get(t, s, "k2"); v != "pending" {
		t.Errorf("Get(k2) after mutating slices inside Update = %q, want %q", v, "pending")
	}
}

func testArgumentsAreCopied(t *testing.T, s meta.Store) {
	key, value := []byte("key"), []byte("value")
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		if err := tx.Set(key, value); err != nil {
			return err
		}
		// The caller reuses its buffers right after Set.
		copy(key, "KEY")
		copy(value, "VALUE")
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if v, ok := get(t, s, "key"); !ok || v != "value" {
		t.Errorf("Get(key) = %q, %v; want %q (Set must copy its arguments)", v, ok, "value")
	}
	if v, ok := get(t, s, "KEY"); ok {
		t.Errorf("Get(KEY) = %q, want ErrNotFound", v)
	}
}
