package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// ScrubState is the scrubber's durable progress, kept in meta so that a
// pass resumes where it stopped after a restart.
type ScrubState struct {
	// InPass is set while a pass runs; Cursor is then the meta key of
	// the last version it walked (nil: none yet) and PassStarted when
	// the pass began.
	InPass      bool      `json:"in,omitempty"`
	Cursor      []byte    `json:"c,omitempty"`
	PassStarted time.Time `json:"ps,omitempty"`
	// Scanned, Bytes and Corrupt count the running pass's versions,
	// bytes read and damaged versions found.
	Scanned int64 `json:"n,omitempty"`
	Bytes   int64 `json:"by,omitempty"`
	Corrupt int64 `json:"x,omitempty"`
	// LastStarted and LastCompleted time the last complete pass, and
	// Last its counts; Passes counts complete passes.
	LastStarted   time.Time `json:"ls,omitempty"`
	LastCompleted time.Time `json:"lc,omitempty"`
	LastScanned   int64     `json:"ln,omitempty"`
	LastCorrupt   int64     `json:"lx,omitempty"`
	Passes        int64     `json:"p,omitempty"`
}

// ScrubState reads the scrubber's state; the zero state when none was
// saved.
func (s *Service) ScrubState(ctx context.Context) (ScrubState, error) {
	var st ScrubState
	err := s.meta.View(ctx, func(r meta.Reader) (err error) {
		st, err = readScrubState(r)
		return err
	})
	if err != nil {
		return ScrubState{}, fmt.Errorf("read scrub state: %w", err)
	}
	return st, nil
}

// readScrubState reads the state in a transaction: the zero state when
// none was saved.
func readScrubState(r meta.Reader) (ScrubState, error) {
	var st ScrubState
	v, err := r.Get(scrubStateKey)
	if errors.Is(err, meta.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	err = decodeRecord(v, &st)
	return st, err
}

// SaveScrubState stores the scrubber's state st durably if the stored
// state is still prev (as ScrubState returned it), and reports whether
// it did. When another scrubber sharing the metadata store (a node
// running `coffer scrub run` beside the one that scrubs in the
// background) saved first, it changes nothing and returns false, so that
// a scrubber working from a stale state never moves another's pass back
// or forth.
func (s *Service) SaveScrubState(ctx context.Context, prev, st ScrubState) (bool, error) {
	b, err := encodeRecord(&st)
	if err != nil {
		return false, err
	}
	saved := false
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		cur, err := readScrubState(tx)
		if err != nil {
			return err
		}
		if saved = cur.samePosition(prev); !saved {
			return nil
		}
		return tx.Set(scrubStateKey, b)
	})
	if err != nil {
		return false, fmt.Errorf("save scrub state: %w", err)
	}
	return saved, nil
}

// samePosition reports whether a and b stand at the same point of the
// same pass: every save moves one of these.
func (a ScrubState) samePosition(b ScrubState) bool {
	return a.InPass == b.InPass && a.PassStarted.Equal(b.PassStarted) && bytes.Equal(a.Cursor, b.Cursor) &&
		a.Scanned == b.Scanned && a.Passes == b.Passes && a.LastStarted.Equal(b.LastStarted)
}
