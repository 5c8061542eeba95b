package postgres

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Change notifications (meta.Notifier) with LISTEN/NOTIFY.
//
// A committing Update that wrote a key under one of Options.NotifyPrefixes
// sends one pg_notify in the batch that carries its COMMIT, so that it
// costs no extra round trip; PostgreSQL delivers it only if the
// transaction commits, and only then. Updates that touch no such prefix
// send nothing: a NOTIFY takes a database-wide lock at commit, which the
// write hot path (object PUTs) must not queue behind. Each store listens
// on one dedicated connection (listener.go) that fans the notifications
// out to its watchers.

// maxNotifyPrefixes bounds Options.NotifyPrefixes: a transaction records
// the prefixes it touched as bits of a uint64.
const maxNotifyPrefixes = 64

// notifyChannel is the channel of the table whose object id is oid. The
// id is the table's, so stores sharing one table share the channel, while
// coffers in other schemas of the same database (tests, tenants) do not
// hear each other.
func notifyChannel(oid uint32) string { return fmt.Sprintf("coffer_kv_%d", oid) }

// sqlTableOID resolves coffer_kv through the search_path, as every query
// of the store does.
const sqlTableOID = "SELECT 'coffer_kv'::regclass::oid"

// sqlNotify sends a notification; it is queued before COMMIT.
const sqlNotify = "SELECT pg_notify($1, $2)"

// checkNotifyPrefixes validates Options.NotifyPrefixes.
func checkNotifyPrefixes(prefixes [][]byte) error {
	if len(prefixes) > maxNotifyPrefixes {
		return fmt.Errorf("meta/postgres: %d notify prefixes, at most %d", len(prefixes), maxNotifyPrefixes)
	}
	for _, p := range prefixes {
		if len(p) == 0 {
			return errors.New("meta/postgres: an empty notify prefix would make every commit notify")
		}
	}
	return nil
}

// touched returns the bits of the notify prefixes key starts with.
func touched(prefixes [][]byte, key []byte) uint64 {
	var bits uint64
	for i, p := range prefixes {
		if bytes.HasPrefix(key, p) {
			bits |= 1 << i
		}
	}
	return bits
}

// notifyPayload names the prefixes of bits: their hex forms joined by
// commas (a payload is text, at most 8000 bytes).
func notifyPayload(prefixes [][]byte, bits uint64) string {
	var b strings.Builder
	for i, p := range prefixes {
		if bits&(1<<i) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(hex.EncodeToString(p))
	}
	return b.String()
}

// parsePayload returns the prefixes a notification names, or ok false for
// a payload this package did not write (then every watcher is told, which
// is safe: a notification only makes a watcher read again).
func parsePayload(payload string) (prefixes [][]byte, ok bool) {
	for _, part := range strings.Split(payload, ",") {
		p, err := hex.DecodeString(part)
		if err != nil || len(p) == 0 {
			return nil, false
		}
		prefixes = append(prefixes, p)
	}
	return prefixes, true
}

// overlaps reports whether a write under notified may be a write under
// watched: one is a prefix of the other.
func overlaps(watched, notified []byte) bool {
	return bytes.HasPrefix(watched, notified) || bytes.HasPrefix(notified, watched)
}

// covered reports whether writes under watched notify: it starts with one
// of the notify prefixes.
func covered(prefixes [][]byte, watched []byte) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(watched, p) {
			return true
		}
	}
	return false
}

// ErrNotNotified is returned by Watch for a prefix that Options.NotifyPrefixes
// does not cover: no commit would notify it.
var ErrNotNotified = errors.New("meta/postgres: writes under this prefix do not notify (Options.NotifyPrefixes)")

var _ meta.Notifier = (*Store)(nil)

// Watch implements meta.Notifier. prefix must start with one of
// Options.NotifyPrefixes (ErrNotNotified otherwise), which every store
// sharing the database must be given alike: a store notifies for its own
// commits only. A watcher may also be told of a write under the notify
// prefix outside its longer prefix.
//
// Watch returns once the store's listener connection has tried to LISTEN
// for the first time; when it succeeded, every commit after Watch returns
// is notified. While the connection is down (it reconnects with backoff)
// notifications are lost, as meta.Notifier allows, and every watcher is
// told once when it is back.
func (s *Store) Watch(ctx context.Context, prefix []byte) (<-chan struct{}, error) {
	if !covered(s.notifyPrefixes, prefix) {
		return nil, ErrNotNotified
	}
	l, err := s.startListener()
	if err != nil {
		return nil, err
	}
	w := &watcher{prefix: bytes.Clone(prefix), ch: make(chan struct{}, 1)}
	l.add(w)
	go func() {
		select {
		case <-ctx.Done():
		case <-l.done:
		}
		l.remove(w)
	}()
	select {
	case <-l.ready:
	case <-ctx.Done():
	case <-l.done:
	}
	return w.ch, nil
}

// startListener returns the store's listener, starting it on first use.
func (s *Store) startListener() (*listener, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, meta.ErrClosed
	}
	if s.listener == nil {
		s.listener = newListener(s.pool.Config().ConnConfig, s.channel, s.log)
		s.listener.start()
	}
	return s.listener, nil
}
