package lease

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Errors of Acquire, Renew and Check.
var (
	// ErrHeld reports a lease that another node holds and that has not
	// expired.
	ErrHeld = errors.New("lease: held by another node")
	// ErrLost reports a lease that is no longer the caller's: it expired
	// and another node took it over (its token moved on).
	ErrLost = errors.New("lease: lost")
)

// tableLease is the meta table byte of lease records:
//
//	'H' name → leaseV1 and a JSON record
//
// It and the layout must never change.
const tableLease = 'H'

// leaseV1 starts every lease value. Its encoding must never change.
const leaseV1 byte = 1

// Lease is a held lease, as its holder last wrote it.
type Lease struct {
	// Name names what the lease guards ("gc", "scrub", "rekey").
	Name string `json:"-"`
	// Holder is the node id of the holder; "" after a Release.
	Holder string `json:"h,omitempty"`
	// Token is the fencing token: it grows by one every time the lease
	// changes hands, so a write guarded by Check with an old token fails.
	Token uint64 `json:"t"`
	// Expires is when the lease ends unless renewed, by the holder's
	// clock.
	Expires time.Time `json:"e"`
}

func leaseKey(name string) []byte { return append([]byte{tableLease}, name...) }

// read returns the record of name; a zero Lease when there is none.
func read(r meta.Reader, name string) (Lease, error) {
	ls := Lease{Name: name}
	v, err := r.Get(leaseKey(name))
	if errors.Is(err, meta.ErrNotFound) {
		return ls, nil
	}
	if err != nil {
		return ls, err
	}
	if len(v) == 0 || v[0] != leaseV1 {
		return ls, fmt.Errorf("lease %s: unreadable record", name)
	}
	if err := json.Unmarshal(v[1:], &ls); err != nil {
		return ls, fmt.Errorf("lease %s: %w", name, err)
	}
	return ls, nil
}

func write(tx meta.Txn, ls Lease) error {
	b, err := json.Marshal(ls)
	if err != nil {
		return err
	}
	return tx.Set(leaseKey(ls.Name), append([]byte{leaseV1}, b...))
}

// Check fails with ErrLost unless ls is still the current lease of its
// name. Call it inside the transaction that saves an engine's progress:
// the transaction then commits only while the lease is the caller's, so a
// node that lost its lease (paused past expiry) cannot move a cursor its
// successor already advanced.
func Check(r meta.Reader, ls Lease) error {
	cur, err := read(r, ls.Name)
	if err != nil {
		return err
	}
	if cur.Token != ls.Token || cur.Holder != ls.Holder || ls.Holder == "" {
		return fmt.Errorf("lease %s (token %d): %w", ls.Name, ls.Token, ErrLost)
	}
	return nil
}

// acquire takes name for node until now+ttl if it is free, expired, or
// already node's (or, when exclusive, held by anyone: see
// Options.Exclusive). taken reports a takeover of a lease another node
// held and did not release.
func acquire(ctx context.Context, m meta.Store, name, node string, now time.Time, ttl time.Duration, exclusive bool) (ls Lease, taken bool, err error) {
	err = m.Update(ctx, func(tx meta.Txn) error {
		cur, err := read(tx, name)
		if err != nil {
			return err
		}
		taken = false
		switch {
		case cur.Holder == node:
			// Still ours (a lost Renew reply, or a restart of the same
			// node id): keep the token.
		case cur.Holder != "" && now.Before(cur.Expires) && !exclusive:
			ls = cur
			return ErrHeld
		default:
			taken = cur.Holder != ""
			cur.Token++
			cur.Holder = node
		}
		cur.Expires = now.Add(ttl)
		ls = cur
		return write(tx, cur)
	})
	return ls, taken, err
}

// renew extends ls to now+ttl if it is still the current lease, even past
// its expiry: an unchanged token means nobody else held it meanwhile.
func renew(ctx context.Context, m meta.Store, ls Lease, now time.Time, ttl time.Duration) (Lease, error) {
	err := m.Update(ctx, func(tx meta.Txn) error {
		if err := Check(tx, ls); err != nil {
			return err
		}
		ls.Expires = now.Add(ttl)
		return write(tx, ls)
	})
	return ls, err
}

// release gives ls up so that another node may take it at once. Releasing
// a lease that is no longer the caller's changes nothing.
func release(ctx context.Context, m meta.Store, ls Lease) error {
	return m.Update(ctx, func(tx meta.Txn) error {
		if err := Check(tx, ls); errors.Is(err, ErrLost) {
			return nil
		} else if err != nil {
			return err
		}
		ls.Holder, ls.Expires = "", time.Time{}
		return write(tx, ls)
	})
}
