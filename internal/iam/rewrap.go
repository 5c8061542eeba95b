package iam

import (
	"bytes"
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Resealing after a master key rotation. Sealed secrets live in three
// sub-tables: access keys ('k', the secret), STS sessions ('s', secret and
// session token) and virtual MFA devices ('v', the seed). They are walked
// in key order, so one meta key is a cursor over all three. Resealing
// keeps the plaintext and the context; only the master key version
// changes.

// resealTables are the sub-tables holding sealed secrets, in key order.
var resealTables = []byte{subKey, subSession, subMFA}

// resealScanLimit bounds how many records one ResealSecrets call reads.
const resealScanLimit = 1024

// sealedField is one sealed secret of a record.
type sealedField struct {
	value   *[]byte
	context []byte
}

// sealedRecord is a decoded record with its sealed secrets.
type sealedRecord struct {
	rec    any
	fields []sealedField
}

// decodeSealed decodes the record k = v of a resealTables sub-table; nil
// for any other key.
func decodeSealed(k, v []byte) (*sealedRecord, error) {
	if len(k) < 3 || k[0] != tablePrefix {
		return nil, nil
	}
	name := string(k[2:])
	switch k[1] {
	case subKey:
		var rec keyRecord
		if err := decodeRecord(v, &rec); err != nil {
			return nil, err
		}
		return &sealedRecord{&rec, []sealedField{{&rec.Secret, keySealContext(name)}}}, nil
	case subSession:
		var rec sessionRecord
		if err := decodeRecord(v, &rec); err != nil {
			return nil, err
		}
		return &sealedRecord{&rec, []sealedField{
			{&rec.Secret, sessionSealContext(name, "secret")},
			{&rec.Token, sessionSealContext(name, "token")},
		}}, nil
	case subMFA:
		account, device, ok := bytes.Cut(k[2:], []byte{0})
		if !ok {
			return nil, errBadRecord
		}
		var rec mfaRecord
		if err := decodeRecord(v, &rec); err != nil {
			return nil, err
		}
		return &sealedRecord{&rec, []sealedField{{&rec.Seed, mfaSealContext(string(account), string(device))}}}, nil
	}
	return nil, nil
}

// current reports whether every secret of r is sealed under version.
func (r *sealedRecord) current(version uint32) bool {
	for _, f := range r.fields {
		if v, err := sse.SealedVersion(*f.value); err != nil || v != version {
			return false
		}
	}
	return true
}

// CountSealedSecrets adds to counts, per master key version, how many
// secrets are sealed under it. An unreadable record counts under
// version 0, so that it shows instead of hiding a use.
func (s *Store) CountSealedSecrets(ctx context.Context, counts map[uint32]int64) error {
	return s.meta.View(ctx, func(r meta.Reader) error {
		for _, t := range resealTables {
			p := []byte{tablePrefix, t}
			it := r.Scan(p, prefixEnd(p), meta.ScanOptions{})
			for it.Next() {
				if err := ctx.Err(); err != nil {
					it.Close()
					return err
				}
				rec, err := decodeSealed(it.Key(), it.Value())
				if err != nil {
					counts[0]++
					continue
				}
				if rec == nil {
					continue
				}
				for _, f := range rec.fields {
					v, _ := sse.SealedVersion(*f.value)
					counts[v]++
				}
			}
			if err := errors.Join(it.Err(), it.Close()); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResealSecrets moves the sealed secrets of up to limit records found at
// or after the meta key from (nil: the start) to the keyring's current
// master key version. It returns where the next call starts (nil when
// the walk is done), how many records it resealed and how many it could
// not (unreadable, or a secret that does not open: left as they are).
// Like object.Service.RewrapKeys it re-reads each record in the
// transaction that rewrites it, so a concurrent change is never undone.
func (s *Store) ResealSecrets(ctx context.Context, from []byte, limit int) (next []byte, resealed, failed int, err error) {
	current := s.keyring.Current()
	var todo [][]byte
	err = s.meta.View(ctx, func(r meta.Reader) error {
		todo, next, err = resealCandidates(r, from, limit, current)
		return err
	})
	if err != nil || len(todo) == 0 {
		return next, 0, 0, err
	}
	err = s.update(ctx, func(tx meta.Txn) error {
		resealed, failed = 0, 0
		for _, k := range todo {
			ok, err := s.resealRecord(tx, k)
			if err != nil {
				return err
			}
			if ok {
				resealed++
			} else {
				failed++
			}
		}
		return nil
	})
	if err != nil {
		return from, 0, 0, err
	}
	return next, resealed, failed, nil
}

// resealCandidates lists up to limit keys at or after from of records not
// wholly sealed under current, reading at most resealScanLimit records.
func resealCandidates(r meta.Reader, from []byte, limit int, current uint32) (todo [][]byte, next []byte, err error) {
	scanned := 0
	for _, t := range resealTables {
		start := []byte{tablePrefix, t}
		end := prefixEnd(start)
		if bytes.Compare(from, end) >= 0 {
			continue
		}
		if bytes.Compare(from, start) > 0 {
			start = from
		}
		it := r.Scan(start, end, meta.ScanOptions{})
		for it.Next() {
			rec, derr := decodeSealed(it.Key(), it.Value())
			if derr != nil || rec != nil && !rec.current(current) {
				todo = append(todo, bytes.Clone(it.Key()))
			}
			scanned++
			if len(todo) >= limit || scanned >= resealScanLimit {
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

// resealRecord reseals the secrets of the record under k as it is in tx.
// It reports false for a record it cannot reseal (logged, without the
// secret); a record gone or already current counts as done.
func (s *Store) resealRecord(tx meta.Txn, k []byte) (bool, error) {
	v, err := tx.Get(k)
	if errors.Is(err, meta.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	rec, err := decodeSealed(k, v)
	if err != nil {
		s.log.Error("reseal: unreadable record", "record", recordName(k), "err", err)
		return false, nil
	}
	if rec == nil || rec.current(s.keyring.Current()) {
		return true, nil
	}
	for _, f := range rec.fields {
		sealed, err := s.keyring.Reseal(*f.value, f.context)
		if err != nil {
			s.log.Error("reseal: secret does not open", "record", recordName(k), "err", err)
			return false, nil
		}
		*f.value = sealed
	}
	return true, put(tx, k, rec.rec)
}

// recordName names a record in a log line: its sub-table and key, which
// hold ids, never secrets.
func recordName(k []byte) string {
	return string(bytes.ReplaceAll(k[1:], []byte{0}, []byte{'/'}))
}
