package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
)

// table is the meta table byte of the cursors: 'Q', which no other
// package uses. Keys are 'Q' then the cursor's name. It must never change.
const table = 'Q'

// cursorV1 starts every cursor value, a JSON document. Its encoding must
// never change; a new layout gets a new version byte.
const cursorV1 byte = 1

// ErrUnreadable is a stored cursor this code cannot decode.
var ErrUnreadable = errors.New("queue: unreadable cursor")

// Cursors reads and writes named cursors in a meta store.
type Cursors struct {
	Meta meta.Store
}

func key(name string) []byte { return append([]byte{table}, name...) }

// Load decodes the cursor name into v; found is false (and v untouched)
// when none was saved.
func (c Cursors) Load(ctx context.Context, name string, v any) (found bool, err error) {
	err = c.Meta.View(ctx, func(r meta.Reader) error {
		b, err := r.Get(key(name))
		if errors.Is(err, meta.ErrNotFound) {
			found = false
			return nil
		}
		if err != nil {
			return err
		}
		if len(b) == 0 || b[0] != cursorV1 {
			return ErrUnreadable
		}
		found = true
		if err := json.Unmarshal(b[1:], v); err != nil {
			return fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("load cursor %s: %w", name, err)
	}
	return found, nil
}

// Save stores v as the cursor name durably (a synced meta commit).
func (c Cursors) Save(ctx context.Context, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("save cursor %s: %w", name, err)
	}
	err = c.Meta.Update(ctx, func(tx meta.Txn) error {
		return tx.Set(key(name), append([]byte{cursorV1}, b...))
	})
	if err != nil {
		return fmt.Errorf("save cursor %s: %w", name, err)
	}
	return nil
}
