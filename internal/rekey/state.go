package rekey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/lease"
	"github.com/coffer-s3/coffer/internal/meta"
)

// stateKey is the meta key of the job's state: table byte 'W', which no
// other package uses, then a name. It must never change.
var stateKey = []byte("Wrewrap")

// stateV1 starts the state value, a JSON document. Its encoding must
// never change; a new layout gets a new version byte.
const stateV1 byte = 1

// state is the re-wrap job's durable progress. A pass moves everything
// to master key version Target; it walks Sources in order, each from its
// Cursor (a meta key) on. Each batch commits before the cursor that
// follows it is saved, and re-wrapping is idempotent, so a crash between
// the two only repeats a batch.
type state struct {
	Target uint32 `json:"t"`
	Source int    `json:"s"`
	Cursor []byte `json:"c,omitempty"`
	Done   bool   `json:"d,omitempty"`
	// Rewrapped and Failed count the keys and secrets of this pass.
	Rewrapped int64 `json:"n,omitempty"`
	Failed    int64 `json:"f,omitempty"`
}

// loadState reads the state; found is false before the first pass.
func loadState(ctx context.Context, m meta.Store) (st state, found bool, err error) {
	err = m.View(ctx, func(r meta.Reader) error {
		v, err := r.Get(stateKey)
		if errors.Is(err, meta.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(v) == 0 || v[0] != stateV1 {
			return fmt.Errorf("rekey: unreadable job state")
		}
		found = true
		return json.Unmarshal(v[1:], &st)
	})
	return st, found, err
}

// saveState writes the state durably; with a fence, only while that
// lease is still the caller's (lease.Check), so that a node that lost the
// job to another cannot move its cursor back.
func saveState(ctx context.Context, m meta.Store, st state, fence *lease.Lease) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return m.Update(ctx, func(tx meta.Txn) error {
		if fence != nil {
			if err := lease.Check(tx, *fence); err != nil {
				return err
			}
		}
		return tx.Set(stateKey, append([]byte{stateV1}, b...))
	})
}
