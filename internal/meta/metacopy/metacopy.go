// Package metacopy copies every key of one meta.Store into another and
// verifies the copy, for moving an embedded store into a shared database.
package metacopy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Limits of one Update while copying or clearing: big enough that round
// trips do not dominate, small enough that a transaction stays short.
const (
	batchKeys  = 1000
	batchBytes = 4 << 20
)

// ErrTargetNotEmpty is returned by Copy when the target already holds keys
// and Options.Replace is not set.
var ErrTargetNotEmpty = errors.New("metacopy: the target store is not empty")

// Options adjust Copy.
type Options struct {
	// Replace deletes every key of a non-empty target first, instead of
	// refusing with ErrTargetNotEmpty.
	Replace bool
}

// Summary describes a store's contents: how many keys, how many bytes of
// keys and values, and a SHA-256 over every key and value in order.
type Summary struct {
	Keys  int
	Bytes int64
	Sum   [sha256.Size]byte
}

func (s Summary) String() string {
	return fmt.Sprintf("%d keys, %d bytes, sha256 %x", s.Keys, s.Bytes, s.Sum)
}

// Copy writes every key of from into to, then checks that both hold the
// same keys and values. It reads from in one snapshot; nothing may write
// to either store meanwhile (the server must be stopped), or the check
// fails. It returns the summary both stores agree on.
func Copy(ctx context.Context, from, to meta.Store, opts Options) (Summary, error) {
	empty, err := isEmpty(ctx, to)
	if err != nil {
		return Summary{}, fmt.Errorf("metacopy: read target: %w", err)
	}
	if !empty {
		if !opts.Replace {
			return Summary{}, ErrTargetNotEmpty
		}
		if err := clearAll(ctx, to); err != nil {
			return Summary{}, fmt.Errorf("metacopy: clear target: %w", err)
		}
	}
	err = from.View(ctx, func(r meta.Reader) error {
		it := r.Scan(nil, nil, meta.ScanOptions{})
		defer it.Close()
		var keys, values [][]byte
		size := 0
		flush := func() error {
			if len(keys) == 0 {
				return nil
			}
			err := to.Update(ctx, func(tx meta.Txn) error {
				for i := range keys {
					if err := tx.Set(keys[i], values[i]); err != nil {
						return err
					}
				}
				return nil
			})
			keys, values, size = keys[:0], values[:0], 0
			return err
		}
		for it.Next() {
			keys = append(keys, bytes.Clone(it.Key()))
			values = append(values, bytes.Clone(it.Value()))
			size += len(it.Key()) + len(it.Value())
			if len(keys) >= batchKeys || size >= batchBytes {
				if err := flush(); err != nil {
					return fmt.Errorf("write: %w", err)
				}
			}
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		return flush()
	})
	if err != nil {
		return Summary{}, fmt.Errorf("metacopy: %w", err)
	}
	src, err := Summarize(ctx, from)
	if err != nil {
		return Summary{}, fmt.Errorf("metacopy: verify source: %w", err)
	}
	dst, err := Summarize(ctx, to)
	if err != nil {
		return Summary{}, fmt.Errorf("metacopy: verify target: %w", err)
	}
	if src != dst {
		return Summary{}, fmt.Errorf("metacopy: verification failed: source has %v, target %v (did something write to either during the copy?)", src, dst)
	}
	return src, nil
}

// Summarize reads every key of s in one snapshot.
func Summarize(ctx context.Context, s meta.Store) (Summary, error) {
	var sum Summary
	err := s.View(ctx, func(r meta.Reader) error {
		h := sha256.New()
		var n [binary.MaxVarintLen64]byte
		it := r.Scan(nil, nil, meta.ScanOptions{})
		defer it.Close()
		sum = Summary{}
		for it.Next() {
			// Length-prefixed, so that no two different stores hash
			// the same by moving bytes between a key and its value.
			for _, b := range [][]byte{it.Key(), it.Value()} {
				h.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
				h.Write(b)
				sum.Bytes += int64(len(b))
			}
			sum.Keys++
		}
		copy(sum.Sum[:], h.Sum(nil))
		return it.Err()
	})
	return sum, err
}

func isEmpty(ctx context.Context, s meta.Store) (bool, error) {
	empty := true
	err := s.View(ctx, func(r meta.Reader) error {
		it := r.Scan(nil, nil, meta.ScanOptions{})
		defer it.Close()
		empty = !it.Next()
		return it.Err()
	})
	return empty, err
}

// clearAll deletes every key of s, batchKeys at a time.
func clearAll(ctx context.Context, s meta.Store) error {
	for {
		n := 0
		err := s.Update(ctx, func(tx meta.Txn) error {
			var keys [][]byte
			it := tx.Scan(nil, nil, meta.ScanOptions{})
			for len(keys) < batchKeys && it.Next() {
				keys = append(keys, bytes.Clone(it.Key()))
			}
			err := it.Err()
			it.Close()
			if err != nil {
				return err
			}
			n = len(keys)
			for _, k := range keys {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || n == 0 {
			return err
		}
	}
}
