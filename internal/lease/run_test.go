package lease

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
)

// crashable is one node's view of the shared store: after crash, every
// call fails, as if the node's process had died mid-work.
type crashable struct {
	meta.Store
	dead atomic.Bool
}

var errDead = errors.New("node is dead")

func (c *crashable) View(ctx context.Context, fn func(meta.Reader) error) error {
	if c.dead.Load() {
		return errDead
	}
	return c.Store.View(ctx, fn)
}

func (c *crashable) Update(ctx context.Context, fn func(meta.Txn) error) error {
	if c.dead.Load() {
		return errDead
	}
	return c.Store.Update(ctx, fn)
}

// TestRun_engineRunsOnceAcrossNodes runs one engine on three nodes: a
// walk of items whose cursor lives in meta, each step fenced by the
// lease. The first holder dies after 10 items; another node takes over
// after the TTL and continues from the cursor. Every item is done exactly
// once, by one node at a time.
func TestRun_engineRunsOnceAcrossNodes(t *testing.T) {
	const items, ttl = 60, 300 * time.Millisecond
	shared := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var (
		mu     sync.Mutex
		doneBy = map[string]int{} // items done per node
		tokens []uint64           // token of each step, in order
		first  string             // the first holder, which dies
		start  = time.Now()
		dead   time.Time
		taken  time.Duration // from the death to the first step of the successor
	)
	finished := make(chan struct{})
	var finishOnce sync.Once
	var wg sync.WaitGroup
	for i := range 3 {
		node := fmt.Sprintf("node%d", i)
		store := &crashable{Store: shared}
		l := newNode(t, store, clock.Real{}, node, ttl)
		engine := func(ctx context.Context, ls Lease) {
			for ctx.Err() == nil {
				var cursor uint64
				var did bool
				err := store.Update(ctx, func(tx meta.Txn) error {
					did = false
					if err := Check(tx, ls); err != nil {
						return err
					}
					v, err := tx.Get([]byte("cursor"))
					if err == nil {
						cursor = binary.BigEndian.Uint64(v)
					} else if !errors.Is(err, meta.ErrNotFound) {
						return err
					}
					if cursor == items {
						return nil
					}
					done := fmt.Appendf(nil, "done/%03d", cursor)
					if _, err := tx.Get(done); err == nil {
						return fmt.Errorf("item %d done twice", cursor)
					}
					cursor++
					did = true
					if err := tx.Set(done, []byte(node)); err != nil {
						return err
					}
					return tx.Set([]byte("cursor"), binary.BigEndian.AppendUint64(nil, cursor))
				})
				switch {
				case errors.Is(err, errDead) || errors.Is(err, ErrLost) || ctx.Err() != nil:
					<-ctx.Done()
					return
				case err != nil:
					t.Error(err)
					return
				case !did:
					finishOnce.Do(func() { close(finished) })
					<-ctx.Done()
					return
				}
				mu.Lock()
				doneBy[node]++
				if len(tokens) > 0 && ls.Token != tokens[len(tokens)-1] && taken == 0 {
					taken = time.Since(dead)
				}
				tokens = append(tokens, ls.Token)
				if first == "" {
					first = node
				}
				if node == first && doneBy[node] == 10 {
					store.dead.Store(true)
					dead = time.Now()
				}
				mu.Unlock()
			}
		}
		wg.Go(func() { l.Run(ctx, "walk", engine) })
	}
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("the walk did not finish")
	}
	cancel()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, n := range doneBy {
		total += n
	}
	if total != items || doneBy[first] != 10 {
		t.Fatalf("items done per node %v (first holder %s), want %d in all, 10 by the first", doneBy, first, items)
	}
	for i := 1; i < len(tokens); i++ {
		if tokens[i] < tokens[i-1] {
			t.Fatalf("fencing tokens went back: %v", tokens)
		}
	}
	if tokens[0] != 1 || tokens[len(tokens)-1] != 2 {
		t.Fatalf("tokens from %d to %d, want 1 then 2 after one takeover", tokens[0], tokens[len(tokens)-1])
	}
	t.Logf("items per node %v; walk finished %v after start, the successor's first step %v after the holder died (TTL %v)",
		doneBy, time.Since(start).Round(time.Millisecond), taken.Round(time.Millisecond), ttl)
}
