package object

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// The restored copies of archived versions expire by themselves: each
// restore, and each extension, writes a restore item keyed by its expiry
// ('J' be64(expiry Unix ns) dataID → restoreItem), in the same
// transaction as the version's record. ExpireRestores takes the items
// whose time has come in expiry order, clears the restore of the version
// they name if it did expire (an extension leaves a later one), and
// deletes them. The items are the job's durable state: a restart resumes
// where the last pass stopped, and nothing lives only in memory. Reads
// never wait for the sweep: they compare the record's expiry with the
// clock themselves.

// tableRestore holds restore items.
const tableRestore = 'J'

// restoreItem names the version a restore item is for.
type restoreItem struct {
	Bucket    string `json:"b"`
	Key       string `json:"k"`
	VersionID string `json:"v"` // as displayed in a versioned bucket: "null" for the null version
	DataID    string `json:"d"`
}

// restoreItemKey is the key of the item of a restore of the version whose
// data id is dataID, expiring at expiry.
func restoreItemKey(expiry time.Time, dataID string) []byte {
	k := binary.BigEndian.AppendUint64([]byte{tableRestore}, uint64(expiry.UnixNano()))
	return append(k, dataID...)
}

// putRestoreItem records that rec's restore expires at its Expiry.
func putRestoreItem(tx meta.Txn, bucket, key string, rec *objectRecord) error {
	v, err := encodeRecord(&restoreItem{Bucket: bucket, Key: key, VersionID: displayVersion(rec, true), DataID: rec.DataID})
	if err != nil {
		return err
	}
	return tx.Set(restoreItemKey(rec.Restore.Expiry, rec.DataID), v)
}

// restoreSweepBatch bounds the items one ExpireRestores transaction reads.
const restoreSweepBatch = 100

// ExpireRestores clears the restores that expired by now and returns how
// many it cleared. It is safe to run concurrently with requests and with
// itself on other nodes (every change is a conditional transaction).
func (s *Service) ExpireRestores(ctx context.Context) (int, error) {
	now := s.clock.Now()
	end := restoreItemKey(now.Add(time.Nanosecond), "")
	cleared := 0
	for {
		var keys, vals [][]byte
		err := s.meta.View(ctx, func(r meta.Reader) error {
			it := r.Scan([]byte{tableRestore}, end, meta.ScanOptions{})
			defer it.Close()
			for len(keys) < restoreSweepBatch && it.Next() {
				keys = append(keys, append([]byte(nil), it.Key()...))
				vals = append(vals, append([]byte(nil), it.Value()...))
			}
			return it.Err()
		})
		if err != nil || len(keys) == 0 {
			return cleared, err
		}
		for i := range keys {
			done, err := s.expireRestore(ctx, keys[i], vals[i], now)
			if err != nil {
				return cleared, err
			}
			if done {
				cleared++
			}
		}
	}
}

// expireRestore handles one due item: the version it names loses its
// restore if that expired by now, and the item goes.
func (s *Service) expireRestore(ctx context.Context, k, v []byte, now time.Time) (bool, error) {
	var item restoreItem
	if err := decodeRecord(v, &item); err != nil {
		s.log.WarnContext(ctx, "dropping an unreadable restore item", "err", err)
		return false, s.meta.Update(ctx, func(tx meta.Txn) error { return tx.Delete(k) })
	}
	cleared := false
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		cleared = false
		if _, err := tx.Get(k); errors.Is(err, meta.ErrNotFound) {
			return nil // another pass took it
		} else if err != nil {
			return err
		}
		if err := tx.Delete(k); err != nil {
			return err
		}
		loc, err := findVersion(tx, item.Bucket, item.Key, item.VersionID)
		if errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion) || errors.Is(err, ErrNoSuchBucket) {
			return nil
		}
		if err != nil {
			return err
		}
		rec := loc.rec
		if rec.DataID != item.DataID || rec.Restore == nil || now.Before(rec.Restore.Expiry) {
			return nil
		}
		rec.Restore = nil
		cleared = true
		return rewriteVersion(tx, item.Bucket, item.Key, loc)
	})
	return cleared, err
}

// ExpireRestoresEvery runs ExpireRestores every interval until ctx ends.
func (s *Service) ExpireRestoresEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.ExpireRestores(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.WarnContext(ctx, "expiring restored copies failed", "err", err, "expired", n)
		case n > 0:
			s.log.InfoContext(ctx, "restored copies expired", "expired", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
