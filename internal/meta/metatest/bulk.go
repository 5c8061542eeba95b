package metatest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// testManyKeys writes more data than a typical in-memory write buffer holds
// (so an LSM store flushes to disk mid-test), then overwrites and deletes
// some of it, and checks scans against a model.
func testManyKeys(t *testing.T, s meta.Store) {
	const keys, perUpdate, valueSize = 2000, 100, 4096
	ctx := context.Background()
	model := map[string]string{}
	key := func(i int) string { return fmt.Sprintf("obj/%05d", i) }
	value := func(i, gen int) string {
		return string(bytes.Repeat([]byte{byte('a' + (i+gen)%26)}, valueSize-8)) + fmt.Sprintf("%08d", i)
	}
	for first := 0; first < keys; first += perUpdate {
		err := s.Update(ctx, func(tx meta.Txn) error {
			for i := first; i < first+perUpdate; i++ {
				if err := tx.Set([]byte(key(i)), []byte(value(i, 0))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Update(fill from %d): %v", first, err)
		}
		for i := first; i < first+perUpdate; i++ {
			model[key(i)] = value(i, 0)
		}
	}
	err := s.Update(ctx, func(tx meta.Txn) error {
		for i := 0; i < keys; i++ {
			switch {
			case i%3 == 0:
				if err := tx.Delete([]byte(key(i))); err != nil {
					return err
				}
			case i%5 == 0:
				if err := tx.Set([]byte(key(i)), []byte(value(i, 1))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update(delete and overwrite): %v", err)
	}
	for i := 0; i < keys; i++ {
		switch {
		case i%3 == 0:
			delete(model, key(i))
		case i%5 == 0:
			model[key(i)] = value(i, 1)
		}
	}

	var sorted []kv
	for k, v := range model {
		sorted = append(sorted, kv{k, v})
	}
	slices.SortFunc(sorted, func(a, b kv) int { return bytes.Compare([]byte(a.key), []byte(b.key)) })
	b := func(s string) []byte { return []byte(s) }
	for _, c := range []scanCase{
		{nil, nil},
		{b("obj/00500"), b("obj/01500")},
		{b("obj/01999"), nil},
		{b("obj/00003"), b("obj/00004")}, // a deleted key alone
	} {
		want := inRange(sorted, c.start, c.end)
		for _, reverse := range []bool{false, true} {
			got := scanView(t, s, c.start, c.end, meta.ScanOptions{Reverse: reverse})
			if reverse {
				got = reversed(got)
			}
			if len(got) != len(want) {
				t.Errorf("Scan%v reverse=%v: %d entries, want %d", c, reverse, len(got), len(want))
				continue
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("Scan%v reverse=%v: entry %d is %q (%d-byte value), want %q",
						c, reverse, i, got[i].key, len(got[i].value), want[i].key)
					break
				}
			}
		}
	}
}

func testLargeValue(t *testing.T, s meta.Store) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	set(t, s, kv{"big", string(big)})
	if v, ok := get(t, s, "big"); !ok || v != string(big) {
		t.Errorf("Get(big) returned %d bytes (found %v), want the %d written", len(v), ok, len(big))
	}
}
