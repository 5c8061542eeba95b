package metacopy

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/meta/postgres"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openPebble(t *testing.T) meta.Store {
	s, err := pebble.Open(t.TempDir(), pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgres(t *testing.T) meta.Store {
	s, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fill writes n keys, binary and empty values among them, in several
// Updates.
func fill(t *testing.T, s meta.Store, n int, tag string) {
	for first := 0; first < n; first += 700 {
		err := s.Update(context.Background(), func(tx meta.Txn) error {
			for i := first; i < min(first+700, n); i++ {
				v := []byte(fmt.Sprintf("%s-%d", tag, i))
				if i%10 == 0 {
					v = nil
				}
				if err := tx.Set([]byte(fmt.Sprintf("k\x00\xff%06d", i)), v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestCopy(t *testing.T) {
	ctx := context.Background()
	targets := []struct {
		name string
		open func(t *testing.T) meta.Store
	}{{"pebble", openPebble}, {"postgres", openPostgres}}
	for _, tgt := range targets {
		t.Run("to="+tgt.name, func(t *testing.T) {
			from, to := openPebble(t), tgt.open(t)
			fill(t, from, 2500, "src") // more than one batch
			got, err := Copy(ctx, from, to, Options{})
			if err != nil {
				t.Fatalf("Copy: %v", err)
			}
			if got.Keys != 2500 {
				t.Errorf("Copy summary has %d keys, want 2500", got.Keys)
			}
			dst, err := Summarize(ctx, to)
			if err != nil || dst != got {
				t.Errorf("target summary %v, %v; want %v", dst, err, got)
			}

			// A second copy into the now non-empty target is refused
			// and changes nothing...
			other := openPebble(t)
			fill(t, other, 10, "other")
			if _, err := Copy(ctx, other, to, Options{}); !errors.Is(err, ErrTargetNotEmpty) {
				t.Errorf("Copy into a non-empty target = %v, want ErrTargetNotEmpty", err)
			}
			if dst, _ := Summarize(ctx, to); dst != got {
				t.Errorf("refused Copy changed the target: %v, want %v", dst, got)
			}
			// ...unless asked to replace it.
			want, _ := Summarize(ctx, other)
			rep, err := Copy(ctx, other, to, Options{Replace: true})
			if err != nil || rep != want || rep.Keys != 10 {
				t.Errorf("Copy(Replace) = %v, %v; want %v", rep, err, want)
			}
		})
	}
}

// TestSummarizeTellsStoresApart: the checksum moves when a value, a key or
// the split between them changes.
func TestSummarizeTellsStoresApart(t *testing.T) {
	ctx := context.Background()
	sums := map[Summary]string{}
	for name, pairs := range map[string][][2]string{
		"base":        {{"a", "bc"}},
		"value":       {{"a", "bd"}},
		"key":         {{"b", "bc"}},
		"split":       {{"ab", "c"}},
		"extra empty": {{"a", "bc"}, {"z", ""}},
	} {
		s := openPebble(t)
		err := s.Update(ctx, func(tx meta.Txn) error {
			for _, p := range pairs {
				if err := tx.Set([]byte(p[0]), []byte(p[1])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Summarize(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if prev, dup := sums[sum]; dup {
			t.Errorf("%s and %s have the same summary %v", name, prev, sum)
		}
		sums[sum] = name
	}
}
