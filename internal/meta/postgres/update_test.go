package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coffer-s3/coffer/internal/meta"
)

// TestUpdateRetriesThenConflict: a transaction that keeps losing (here,
// fn reports a serialization failure every time) runs maxAttempts times
// and then fails with meta.ErrConflict, committing nothing.
func TestUpdateRetriesThenConflict(t *testing.T) {
	s := openTemp(t)
	runs := 0
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		runs++
		if err := tx.Set([]byte("k"), []byte("v")); err != nil {
			return err
		}
		return fmt.Errorf("lost: %w", &pgconn.PgError{Code: codeSerializationFailure})
	})
	if !errors.Is(err, meta.ErrConflict) {
		t.Errorf("Update = %v, want ErrConflict", err)
	}
	if runs != maxAttempts {
		t.Errorf("fn ran %d times, want %d", runs, maxAttempts)
	}
	err = s.View(context.Background(), func(r meta.Reader) error {
		_, err := r.Get([]byte("k"))
		return err
	})
	if !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("Get after the failed Update = %v, want ErrNotFound", err)
	}

	// A lost race that ends is not an error.
	runs = 0
	err = s.Update(context.Background(), func(tx meta.Txn) error {
		runs++
		if runs < 3 {
			return &pgconn.PgError{Code: codeDeadlockDetected}
		}
		return tx.Set([]byte("k"), []byte("v"))
	})
	if err != nil || runs != 3 {
		t.Errorf("Update = %v after %d runs, want nil after 3", err, runs)
	}
}

// TestScanPageBoundaries scans ranges whose sizes fall on, just before and
// just after the page sizes, forward and reverse.
func TestScanPageBoundaries(t *testing.T) {
	s := openTemp(t)
	const total = 200 // firstPage + 2*firstPage = 192 and beyond
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		for i := range total {
			if err := tx.Set([]byte(fmt.Sprintf("k%04d", i)), []byte{byte(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 63, 64, 65, 191, 192, 193, total} {
		for _, reverse := range []bool{false, true} {
			var got []string
			err := s.View(context.Background(), func(r meta.Reader) error {
				it := r.Scan([]byte("k0000"), []byte(fmt.Sprintf("k%04d", n)), meta.ScanOptions{Reverse: reverse})
				defer it.Close()
				for it.Next() {
					got = append(got, string(it.Key()))
				}
				return it.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Errorf("scan of %d keys (reverse %v) returned %d", n, reverse, len(got))
				continue
			}
			for i, k := range got {
				want := i
				if reverse {
					want = n - 1 - i
				}
				if k != fmt.Sprintf("k%04d", want) {
					t.Errorf("scan of %d keys (reverse %v): entry %d is %s", n, reverse, i, k)
					break
				}
			}
		}
	}
}
