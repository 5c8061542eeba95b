package metatest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

// readInt reads a decimal counter; a missing key reads as 0.
func readInt(r meta.Reader, key string) (int, error) {
	v, err := r.Get([]byte(key))
	if errors.Is(err, meta.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(v))
}

func writeInt(tx meta.Txn, key string, n int) error {
	return tx.Set([]byte(key), []byte(strconv.Itoa(n)))
}

// testConcurrentCounter increments one counter by read-modify-write from
// many goroutines; a lost update shows as a final count below the total.
func testConcurrentCounter(t *testing.T, s meta.Store) {
	const goroutines, perGoroutine = 8, 25
	ctx := context.Background()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := -1
			for range perGoroutine {
				err := s.Update(ctx, func(tx meta.Txn) error {
					n, err := readInt(tx, "counter")
					if err != nil {
						return err
					}
					return writeInt(tx, "counter", n+1)
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
				// Counters seen by one goroutine never go backwards.
				err = s.View(ctx, func(r meta.Reader) error {
					n, err := readInt(r, "counter")
					if err != nil {
						return err
					}
					if n <= last {
						return fmt.Errorf("counter went from %d to %d", last, n)
					}
					last = n
					return nil
				})
				if err != nil {
					t.Errorf("View: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got, _ := get(t, s, "counter"); got != strconv.Itoa(goroutines*perGoroutine) {
		t.Errorf("counter = %s, want %d", got, goroutines*perGoroutine)
	}
}

// testConcurrentTransfers moves money between accounts concurrently; every
// snapshot must show the same total and no negative balance.
func testConcurrentTransfers(t *testing.T, s meta.Store) {
	const accounts, initial, workers, transfers = 10, 100, 4, 50
	ctx := context.Background()
	acct := func(i int) string { return fmt.Sprintf("acct/%02d", i) }
	err := s.Update(ctx, func(tx meta.Txn) error {
		for i := range accounts {
			if err := writeInt(tx, acct(i), initial); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update(init): %v", err)
	}
	checkTotal := func(r meta.Reader) error {
		it := r.Scan([]byte("acct/"), []byte("acct0"), meta.ScanOptions{})
		defer it.Close()
		total, n := 0, 0
		for it.Next() {
			b, err := strconv.Atoi(string(it.Value()))
			if err != nil {
				return err
			}
			if b < 0 {
				return fmt.Errorf("%s has negative balance %d", it.Key(), b)
			}
			total += b
			n++
		}
		if err := it.Err(); err != nil {
			return err
		}
		if n != accounts || total != accounts*initial {
			return fmt.Errorf("snapshot has %d accounts totalling %d, want %d totalling %d",
				n, total, accounts, accounts*initial)
		}
		return nil
	}

	var wg sync.WaitGroup
	var running atomic.Int32
	running.Store(workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer running.Add(-1)
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range transfers {
				from, to := rng.IntN(accounts), rng.IntN(accounts)
				amount := 1 + rng.IntN(30)
				err := s.Update(ctx, func(tx meta.Txn) error {
					fb, err := readInt(tx, acct(from))
					if err != nil {
						return err
					}
					if fb < amount {
						return nil // insufficient funds: commit nothing
					}
					if err := writeInt(tx, acct(from), fb-amount); err != nil {
						return err
					}
					tb, err := readInt(tx, acct(to)) // sees the write above when from == to
					if err != nil {
						return err
					}
					return writeInt(tx, acct(to), tb+amount)
				})
				if err != nil {
					t.Errorf("transfer: %v", err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for running.Load() > 0 {
			if err := s.View(ctx, checkTotal); err != nil {
				t.Errorf("View during transfers: %v", err)
				return
			}
		}
	}()
	wg.Wait()
	if err := s.View(ctx, checkTotal); err != nil {
		t.Errorf("View after transfers: %v", err)
	}
}

// testConcurrentInsertIfAbsent races goroutines to create one key; the
// conditional write must succeed exactly once.
func testConcurrentInsertIfAbsent(t *testing.T, s meta.Store) {
	const goroutines = 8
	ctx := context.Background()
	var wg sync.WaitGroup
	var winners atomic.Int32
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			won := false
			err := s.Update(ctx, func(tx meta.Txn) error {
				won = false // fn may run more than once
				_, err := tx.Get([]byte("lock"))
				if err == nil {
					return nil
				}
				if !errors.Is(err, meta.ErrNotFound) {
					return err
				}
				won = true
				return tx.Set([]byte("lock"), []byte(strconv.Itoa(g)))
			})
			if err != nil {
				t.Errorf("Update: %v", err)
				return
			}
			if won {
				winners.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := winners.Load(); n != 1 {
		t.Errorf("%d goroutines created the key, want exactly 1", n)
	}
}
