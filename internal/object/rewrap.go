package object

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Re-wrapping after a master key rotation. Every wrapped data key lives in
// one of four tables: object records of current ('O') and noncurrent
// ('V') versions (inline and single-blob data), segment records ('L') of
// multipart objects, and part records ('P') of uploads in progress. They
// are walked in key order, so one meta key is a cursor over all four.
// Re-wrapping changes only the wrapped key (sse.Keyring.Rewrap, same
// context): the data key, and so the object's bytes, stay as they are.

// rewrapTables are the tables holding wrapped data keys, in key order.
var rewrapTables = []byte{tableSegment, tableObject, tablePart, tableVersion}

// rewrapScanLimit bounds how many records one RewrapKeys call reads, so
// that a store where almost everything is already current still returns
// (and saves its cursor) often.
const rewrapScanLimit = 1024

// wrappedRecord is a meta record holding one wrapped data key.
type wrappedRecord struct {
	key     sse.WrappedKey
	context []byte
	// encode returns the record's value with its wrapped key replaced.
	encode func(sse.WrappedKey) ([]byte, error)
}

// decodeWrapped finds the wrapped data key of the record k = v, or
// returns nil for a record without one (plaintext data, a delete marker,
// a multipart version whose keys are in its segments) or whose key is not
// wrapped by the master key (any Alg but sseAlgS3).
func decodeWrapped(k, v []byte) (*wrappedRecord, error) {
	if len(k) == 0 {
		return nil, nil
	}
	switch k[0] {
	case tableObject, tableVersion:
		var rec objectRecord
		if err := decodeObject(v, &rec); err != nil {
			return nil, err
		}
		if rec.SSE == nil || rec.SSE.Alg != sseAlgS3 || len(rec.SSE.Key) == 0 {
			return nil, nil
		}
		return &wrappedRecord{key: rec.SSE.Key, context: objectKeyContext(rec.DataID),
			encode: func(w sse.WrappedKey) ([]byte, error) {
				rec.SSE.Key = w
				return encodeObject(&rec), nil
			}}, nil
	case tableSegment, tablePart:
		if len(k) < 1+4 {
			return nil, errBadRecord
		}
		id, n := string(k[1:len(k)-4]), int(binary.BigEndian.Uint32(k[len(k)-4:]))
		var enc **sseRecord
		var rec any
		if k[0] == tableSegment {
			var sg segmentRecord
			rec, enc = &sg, &sg.SSE
			if err := decodeRecord(v, &sg); err != nil {
				return nil, err
			}
			n = sg.number(n) // the context names the part number, not the index
		} else {
			var p partRecord
			rec, enc = &p, &p.SSE
			if err := decodeRecord(v, &p); err != nil {
				return nil, err
			}
		}
		if *enc == nil || (*enc).Alg != sseAlgS3 || len((*enc).Key) == 0 {
			return nil, nil
		}
		return &wrappedRecord{key: (*enc).Key, context: partKeyContext(id, n),
			encode: func(w sse.WrappedKey) ([]byte, error) {
				(*enc).Key = w
				return encodeRecord(rec)
			}}, nil
	}
	return nil, nil
}

// CountWrappedKeys adds to counts, per master key version, how many data
// keys are wrapped under it. A record that cannot be decoded is counted
// under version 0, so that it shows instead of hiding a use.
func (s *Service) CountWrappedKeys(ctx context.Context, counts map[uint32]int64) error {
	return s.meta.View(ctx, func(r meta.Reader) error {
		for _, t := range rewrapTables {
			it := r.Scan([]byte{t}, []byte{t + 1}, meta.ScanOptions{})
			for it.Next() {
				if err := ctx.Err(); err != nil {
					it.Close()
					return err
				}
				rec, err := decodeWrapped(it.Key(), it.Value())
				if rec == nil && err == nil {
					continue
				}
				var v uint32
				if err == nil {
					v, _ = rec.key.MasterVersion()
				}
				counts[v]++
			}
			if err := errors.Join(it.Err(), it.Close()); err != nil {
				return err
			}
		}
		return nil
	})
}

// RewrapKeys moves up to limit wrapped data keys found at or after the
// meta key from (nil: the start) to the keyring's current master key
// version, and returns where the next call starts (nil when the walk is
// done), how many keys it re-wrapped and how many it could not (their
// record is unreadable, or its key does not unwrap: they stay as they
// are, and CountWrappedKeys keeps showing them).
//
// It finds candidates in a snapshot, then re-reads and rewrites them in
// one small transaction: a record a concurrent request changed or deleted
// in between is re-wrapped as it is now, or skipped, never overwritten
// with an older copy.
func (s *Service) RewrapKeys(ctx context.Context, from []byte, limit int) (next []byte, rewrapped, failed int, err error) {
	if s.keyring == nil {
		return nil, 0, 0, nil
	}
	current := s.keyring.Current()
	var todo [][]byte
	err = s.meta.View(ctx, func(r meta.Reader) error {
		todo, next, err = rewrapCandidates(r, from, limit, current)
		return err
	})
	if err != nil || len(todo) == 0 {
		return next, 0, 0, err
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		rewrapped, failed = 0, 0
		for _, k := range todo {
			ok, err := s.rewrapRecord(tx, k)
			if err != nil {
				return err
			}
			if ok {
				rewrapped++
			} else {
				failed++
			}
		}
		return nil
	})
	if err != nil {
		return from, 0, 0, err
	}
	return next, rewrapped, failed, nil
}

// rewrapCandidates lists the keys of records at or after from whose data
// key is not under version current: at most limit of them, reading at
// most rewrapScanLimit records. next is where the walk goes on, nil at its
// end. Unreadable records are candidates too, so that RewrapKeys counts
// them as failed.
func rewrapCandidates(r meta.Reader, from []byte, limit int, current uint32) (todo [][]byte, next []byte, err error) {
	scanned := 0
	for _, t := range rewrapTables {
		start, end := []byte{t}, []byte{t + 1}
		if bytes.Compare(from, end) >= 0 {
			continue
		}
		if bytes.Compare(from, start) > 0 {
			start = from
		}
		it := r.Scan(start, end, meta.ScanOptions{})
		for it.Next() {
			rec, derr := decodeWrapped(it.Key(), it.Value())
			if derr != nil || rec != nil && !keyCurrent(rec.key, current) {
				todo = append(todo, bytes.Clone(it.Key()))
			}
			scanned++
			if len(todo) >= limit || scanned >= rewrapScanLimit {
				next = append(bytes.Clone(it.Key()), 0)
				return todo, next, errors.Join(it.Err(), it.Close())
			}
		}
		if err := errors.Join(it.Err(), it.Close()); err != nil {
			return nil, nil, err
		}
	}
	return todo, nil, nil
}

func keyCurrent(w sse.WrappedKey, current uint32) bool {
	v, err := w.MasterVersion()
	return err == nil && v == current
}

// rewrapRecord re-wraps the data key of the record under k as it is in
// tx. It reports false for a record it cannot re-wrap (logged); a record
// gone or already current counts as done.
func (s *Service) rewrapRecord(tx meta.Txn, k []byte) (bool, error) {
	v, err := tx.Get(k)
	if errors.Is(err, meta.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	rec, err := decodeWrapped(k, v)
	if err != nil {
		s.log.Error("re-wrap: unreadable record", "meta_key", fmt.Sprintf("%q", k), "err", err)
		return false, nil
	}
	if rec == nil || keyCurrent(rec.key, s.keyring.Current()) {
		return true, nil
	}
	w, err := s.keyring.Rewrap(rec.key, rec.context)
	if err != nil {
		s.log.Error("re-wrap: data key does not unwrap", "meta_key", fmt.Sprintf("%q", k), "err", err)
		return false, nil
	}
	nv, err := rec.encode(w)
	if err != nil {
		return false, err
	}
	return true, tx.Set(k, nv)
}

// currentWrap re-wraps the data key of rec under the current master key
// version if a rotation happened while its data was being received. It
// runs in the transaction that commits rec, so that a retirement, which
// counts committed records, never misses a key wrapped before a rotation
// and committed after the count: either the old version is still held
// and the key moves, or it is gone and the write fails (nothing is
// acknowledged) instead of storing a key nothing can unwrap.
func (s *Service) currentWrap(rec *sseRecord, context []byte) error {
	if rec == nil || s.keyring == nil || rec.Alg != sseAlgS3 || len(rec.Key) == 0 || keyCurrent(rec.Key, s.keyring.Current()) {
		return nil
	}
	w, err := s.keyring.Rewrap(rec.Key, context)
	if err != nil {
		return fmt.Errorf("re-wrap data key after a master key rotation: %w", err)
	}
	rec.Key = w
	return nil
}
