package reencrypt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// stateKey is the meta key of the job's state: table byte 'E', which no
// other package uses, then a name. It must never change.
var stateKey = []byte("Ereencrypt")

// stateV1 starts the state value, a JSON document. Its encoding must
// never change; a new layout gets a new version byte.
const stateV1 byte = 1

// State is the job's durable progress.
type State struct {
	// InPass is set while a pass runs; Cursor is then the meta key of
	// the last version it walked (nil: none yet) and PassStarted when
	// the pass began.
	InPass      bool      `json:"in,omitempty"`
	Cursor      []byte    `json:"c,omitempty"`
	PassStarted time.Time `json:"ps,omitempty"`
	// Owed is set when plaintext may have been stored since the last
	// pass (a run with encryption at rest off): a pass is due.
	Owed bool `json:"o,omitempty"`
	// RetryAt, when set, is when a pass is due because the last one left
	// versions behind (skipped or errors).
	RetryAt time.Time `json:"ra,omitempty"`
	// Current is the counts of the running pass, Last those of the last
	// complete one.
	Current Counts `json:"cur"`
	Last    Counts `json:"last"`
	// LastStarted and LastCompleted time the last complete pass; Passes
	// counts complete passes.
	LastStarted   time.Time `json:"ls,omitempty"`
	LastCompleted time.Time `json:"lc,omitempty"`
	Passes        int64     `json:"p,omitempty"`
}

// Counts are what one pass did.
type Counts struct {
	// Scanned counts the versions walked, Reencrypted those now
	// encrypted and Bytes their plaintext bytes.
	Scanned     int64 `json:"n,omitempty"`
	Reencrypted int64 `json:"r,omitempty"`
	Bytes       int64 `json:"b,omitempty"`
	// Skipped counts versions that changed while they were re-encrypted
	// (or are marked damaged), Failed those whose plaintext failed its
	// checks, Errors those the store could not re-encrypt.
	Skipped int64 `json:"s,omitempty"`
	Failed  int64 `json:"f,omitempty"`
	Errors  int64 `json:"e,omitempty"`
}

// loadState reads the state; found is false before anything was saved.
func loadState(ctx context.Context, m meta.Store) (st State, found bool, err error) {
	err = m.View(ctx, func(r meta.Reader) (err error) {
		st, found, err = readState(r)
		return err
	})
	if err != nil {
		return State{}, false, fmt.Errorf("read re-encryption state: %w", err)
	}
	return st, found, nil
}

// readState reads the state in a transaction; found is false before
// anything was saved.
func readState(r meta.Reader) (st State, found bool, err error) {
	v, err := r.Get(stateKey)
	if errors.Is(err, meta.ErrNotFound) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, err
	}
	if len(v) == 0 || v[0] != stateV1 {
		return State{}, false, errors.New("reencrypt: unreadable job state")
	}
	err = json.Unmarshal(v[1:], &st)
	return st, err == nil, err
}

// errStateMoved is saveState's answer when the stored state is no longer
// the one the caller loaded: the job of another node sharing the
// metadata store saved first.
var errStateMoved = errors.New("reencrypt: job state moved on since it was read")

// saveState writes st durably if the stored state is still prev (as
// loadState returned it); otherwise it changes nothing and returns
// errStateMoved, so that a job working from a stale state never moves
// another's pass back or forth, or drops the Owed another node set.
func saveState(ctx context.Context, m meta.Store, prev, st State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	err = m.Update(ctx, func(tx meta.Txn) error {
		cur, _, err := readState(tx)
		if err != nil {
			return err
		}
		if !cur.samePosition(prev) {
			return errStateMoved
		}
		return tx.Set(stateKey, append([]byte{stateV1}, b...))
	})
	if err != nil {
		return fmt.Errorf("save re-encryption state: %w", err)
	}
	return nil
}

// samePosition reports whether a and b are the same point of the same
// pass with the same pass owed: every save moves one of these.
func (a State) samePosition(b State) bool {
	return a.InPass == b.InPass && a.PassStarted.Equal(b.PassStarted) && bytes.Equal(a.Cursor, b.Cursor) &&
		a.Current.Scanned == b.Current.Scanned && a.Passes == b.Passes && a.Owed == b.Owed &&
		a.RetryAt.Equal(b.RetryAt) && a.LastStarted.Equal(b.LastStarted)
}
