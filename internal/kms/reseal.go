package kms

import (
	"bytes"
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Resealing after a master key rotation: every key record holds its
// material sealed under the master keyring. The re-wrap job (package
// rekey) walks the key records with ResealMaterial and counts them with
// CountSealedMaterial, so that an old master key version is retired only
// once no key material needs it.

// resealScanLimit bounds how many records one ResealMaterial call reads.
const resealScanLimit = 256

// CountSealedMaterial adds to counts, per master key version, how many
// material versions are sealed under it; an unreadable record counts
// under version 0, so that it shows instead of hiding a use.
func (s *Service) CountSealedMaterial(ctx context.Context, counts map[uint32]int64) error {
	return s.opts.Meta.View(ctx, func(r meta.Reader) error {
		p := []byte{tablePrefix, subKey}
		it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			var k keyRecord
			if err := decodeRecord(it.Value(), &k); err != nil {
				counts[0]++
				continue
			}
			for _, m := range k.Material {
				v, _ := sse.SealedVersion(m.Sealed)
				counts[v]++
			}
		}
		return it.Err()
	})
}

// sealedUnder reports whether all of k's material is sealed under version.
func sealedUnder(k *keyRecord, version uint32) bool {
	for _, m := range k.Material {
		if v, err := sse.SealedVersion(m.Sealed); err != nil || v != version {
			return false
		}
	}
	return true
}

// ResealMaterial moves the material of up to limit key records at or
// after the meta key from (nil: the start) to the current master key
// version, re-reading each record in the transaction that rewrites it.
// It returns where the next call starts (nil at the end), how many
// records it resealed and how many it could not.
func (s *Service) ResealMaterial(ctx context.Context, from []byte, limit int) (next []byte, done, failed int, err error) {
	current := s.opts.Keyring.Current()
	start := []byte{tablePrefix, subKey}
	end := prefixEnd(start)
	if bytes.Compare(from, start) > 0 {
		start = from
	}
	var todo [][]byte
	err = s.opts.Meta.View(ctx, func(r meta.Reader) error {
		it := r.Scan(start, end, meta.ScanOptions{})
		defer it.Close()
		scanned := 0
		for it.Next() {
			var k keyRecord
			if decodeRecord(it.Value(), &k) != nil || !sealedUnder(&k, current) {
				todo = append(todo, bytes.Clone(it.Key()))
			}
			if scanned++; len(todo) >= limit || scanned >= resealScanLimit {
				next = append(bytes.Clone(it.Key()), 0)
				break
			}
		}
		return it.Err()
	})
	if err != nil || len(todo) == 0 {
		return next, 0, 0, err
	}
	err = s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		done, failed = 0, 0
		for _, key := range todo {
			ok, err := s.resealRecord(tx, key)
			if err != nil {
				return err
			}
			if ok {
				done++
			} else {
				failed++
			}
		}
		return nil
	})
	if err != nil {
		return from, 0, 0, err
	}
	return next, done, failed, nil
}

func (s *Service) resealRecord(tx meta.Txn, key []byte) (bool, error) {
	var k keyRecord
	found, err := get(tx, key, &k)
	if err != nil && !errors.Is(err, errBadRecord) {
		return false, err
	}
	if err != nil {
		s.log.Error("reseal: unreadable kms key record", "err", err)
		return false, nil
	}
	if !found || sealedUnder(&k, s.opts.Keyring.Current()) {
		return true, nil
	}
	for i := range k.Material {
		m := &k.Material[i]
		sealed, err := s.opts.Keyring.Reseal(m.Sealed, materialContext(k.arn(), m.Version))
		if err != nil {
			s.log.Error("reseal: kms key material does not open", "key", k.ID, "version", m.Version, "err", err)
			return false, nil
		}
		m.Sealed = sealed
	}
	return true, put(tx, key, &k)
}
