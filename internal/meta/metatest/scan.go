package metatest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/meta"
)

// scanCase is one range to scan over a known data set.
type scanCase struct {
	start, end []byte
}

func (c scanCase) String() string { return fmt.Sprintf("[%q,%q)", c.start, c.end) }

// checkScans scans every case forward and reverse and compares with the
// expected subset of sorted.
func checkScans(t *testing.T, s meta.Store, sorted []kv, cases []scanCase) {
	t.Helper()
	for _, c := range cases {
		want := inRange(sorted, c.start, c.end)
		got := scanView(t, s, c.start, c.end, meta.ScanOptions{})
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(kv{})); diff != "" {
			t.Errorf("Scan%v forward mismatch (-want +got):\n%s", c, diff)
		}
		got = scanView(t, s, c.start, c.end, meta.ScanOptions{Reverse: true})
		if diff := cmp.Diff(reversed(want), got, cmp.AllowUnexported(kv{})); diff != "" {
			t.Errorf("Scan%v reverse mismatch (-want +got):\n%s", c, diff)
		}
	}
}

// textData is a small sorted data set with shared prefixes.
var textData = []kv{
	{"a", "1"}, {"b", "2"}, {"ba", "3"}, {"bb", "4"}, {"c", "5"}, {"d", "6"},
}

func testScanForward(t *testing.T, s meta.Store) {
	set(t, s, textData...)
	got := scanView(t, s, nil, nil, meta.ScanOptions{})
	if diff := cmp.Diff(textData, got, cmp.AllowUnexported(kv{})); diff != "" {
		t.Fatalf("Scan(nil, nil) mismatch (-want +got):\n%s", diff)
	}
	checkScans(t, s, textData, textRanges())
}

func testScanReverse(t *testing.T, s meta.Store) {
	set(t, s, textData...)
	got := scanView(t, s, nil, nil, meta.ScanOptions{Reverse: true})
	if diff := cmp.Diff(reversed(textData), got, cmp.AllowUnexported(kv{})); diff != "" {
		t.Fatalf("Scan(nil, nil, Reverse) mismatch (-want +got):\n%s", diff)
	}
	checkScans(t, s, textData, textRanges())
}

func textRanges() []scanCase {
	b := func(s string) []byte { return []byte(s) }
	return []scanCase{
		{nil, nil},
		{b("a"), b("d")}, // end is exclusive
		{b("a"), b("d\x00")},
		{b("b"), b("c")}, // prefix "b"
		{b("b"), nil},    // no upper bound
		{nil, b("b")},    // nil start is the lowest key
		{b("ba"), b("ba\x00")},
		{b("0"), b("z")}, // bounds outside the data
		{b("bab"), b("bb")},
		{b("e"), nil},
	}
}

func testScanBinaryKeys(t *testing.T, s meta.Store) {
	// Sorted as raw bytes: 0x00 sorts first, 0xff last, and a prefix sorts
	// before its extensions.
	data := []kv{
		{"\x00", "a"}, {"\x00\x00", "b"}, {"\x00\xff", "c"}, {"\x01", "d"},
		{"\x7f", "e"}, {"\x80", "f"}, {"\xff", "g"}, {"\xff\x00", "h"},
		{"\xff\xff", "i"}, {"\xff\xff\xff", "j"},
	}
	// Insert in scrambled order so that order comes from the store.
	for _, i := range []int{5, 2, 9, 0, 7, 3, 8, 1, 6, 4} {
		set(t, s, data[i])
	}
	got := scanView(t, s, nil, nil, meta.ScanOptions{})
	if diff := cmp.Diff(data, got, cmp.AllowUnexported(kv{})); diff != "" {
		t.Fatalf("Scan(nil, nil) over binary keys mismatch (-want +got):\n%s", diff)
	}
	b := func(s string) []byte { return []byte(s) }
	checkScans(t, s, data, []scanCase{
		{nil, b("\x00")},
		{b("\x00"), b("\x00\x00")},
		{b("\x00"), b("\x01")},
		{b("\x00\x01"), b("\xff")},
		{b("\x7f\xff"), b("\x80\x00")},
		{b("\xff"), nil},
		{b("\xff\xff"), b("\xff\xff\xff")},
		{b("\xff\xff"), b("\xff\xff\xff\x00")},
		{b("\xff\xff\xff\xff"), nil},
	})
}

func testScanEmptyRanges(t *testing.T, s meta.Store) {
	b := func(s string) []byte { return []byte(s) }
	// Scans of an empty store.
	checkScans(t, s, nil, []scanCase{{nil, nil}, {b("a"), nil}, {nil, b("z")}})

	set(t, s, textData...)
	checkScans(t, s, textData, []scanCase{
		{b("b"), b("b")},  // start == end
		{b("c"), b("b")},  // start > end
		{b("bc"), b("c")}, // nothing between the bounds
		{b("d\x00"), nil}, // past the last key
		{nil, b("a")},     // before the first key
		{b("z"), b("a")},  // inverted, both outside the data
		{nil, []byte{}},   // a non-nil empty end is an upper bound below every key
	})
}

func testScanSeesOwnWrites(t *testing.T, s meta.Store) {
	set(t, s, kv{"a", "1"}, kv{"b", "2"}, kv{"c", "3"})
	ctx := context.Background()
	err := s.Update(ctx, func(tx meta.Txn) error {
		steps := []struct {
			name string
			op   func() error
			want []kv
		}{
			{"set new key", func() error { return tx.Set([]byte("bb"), []byte("new")) },
				[]kv{{"a", "1"}, {"b", "2"}, {"bb", "new"}, {"c", "3"}}},
			{"overwrite", func() error { return tx.Set([]byte("a"), []byte("1'")) },
				[]kv{{"a", "1'"}, {"b", "2"}, {"bb", "new"}, {"c", "3"}}},
			{"delete committed", func() error { return tx.Delete([]byte("b")) },
				[]kv{{"a", "1'"}, {"bb", "new"}, {"c", "3"}}},
			{"delete own write", func() error { return tx.Delete([]byte("bb")) },
				[]kv{{"a", "1'"}, {"c", "3"}}},
			{"set after delete", func() error { return tx.Set([]byte("b"), []byte("2'")) },
				[]kv{{"a", "1'"}, {"b", "2'"}, {"c", "3"}}},
		}
		for _, st := range steps {
			if err := st.op(); err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
			got := scan(t, tx, nil, nil, meta.ScanOptions{})
			if diff := cmp.Diff(st.want, got, cmp.AllowUnexported(kv{})); diff != "" {
				t.Errorf("after %s: Scan forward mismatch (-want +got):\n%s", st.name, diff)
			}
			got = scan(t, tx, nil, nil, meta.ScanOptions{Reverse: true})
			if diff := cmp.Diff(reversed(st.want), got, cmp.AllowUnexported(kv{})); diff != "" {
				t.Errorf("after %s: Scan reverse mismatch (-want +got):\n%s", st.name, diff)
			}
			got = scan(t, tx, []byte("b"), []byte("c"), meta.ScanOptions{})
			if diff := cmp.Diff(inRange(st.want, []byte("b"), []byte("c")), got, cmp.AllowUnexported(kv{})); diff != "" {
				t.Errorf("after %s: Scan[b,c) mismatch (-want +got):\n%s", st.name, diff)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := []kv{{"a", "1'"}, {"b", "2'"}, {"c", "3"}}
	if diff := cmp.Diff(want, scanView(t, s, nil, nil, meta.ScanOptions{}), cmp.AllowUnexported(kv{})); diff != "" {
		t.Errorf("after commit: Scan mismatch (-want +got):\n%s", diff)
	}
}

func testGetSeesOwnWrites(t *testing.T, s meta.Store) {
	set(t, s, kv{"k", "committed"})
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		check := func(step, want string, wantOK bool) {
			v, err := tx.Get([]byte("k"))
			ok := err == nil
			if err != nil && !errors.Is(err, meta.ErrNotFound) {
				t.Errorf("%s: Get(k) error %v", step, err)
			}
			if string(v) != want || ok != wantOK {
				t.Errorf("%s: Get(k) = %q, %v; want %q, %v", step, v, ok, want, wantOK)
			}
		}
		check("start", "committed", true)
		if err := tx.Set([]byte("k"), []byte("mine")); err != nil {
			return err
		}
		check("after Set", "mine", true)
		if err := tx.Delete([]byte("k")); err != nil {
			return err
		}
		check("after Delete", "", false)
		if err := tx.Set([]byte("k"), []byte("again")); err != nil {
			return err
		}
		check("after second Set", "again", true)
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if v, _ := get(t, s, "k"); v != "again" {
		t.Errorf("Get(k) after commit = %q, want %q", v, "again")
	}
}
