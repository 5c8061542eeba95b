package object

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// gcStats counts one garbage collection pass.
type gcStats struct{ scanned, deleted int }

// CollectGarbage deletes blobs that no meta record references and that
// were committed before olderThan, in the main store and in every tier.
// Orphans arise when a crash (or a failed delete) falls between a blob's
// commit and the meta transaction that records it, or between a
// transaction that drops a reference and the blob delete that follows it;
// in a tier, when a transition stops between copying a version's bytes
// and recording them. olderThan must leave room for writes in flight:
// their blobs are committed before the transaction that references them,
// so a blob younger than the longest write is not garbage yet.
func (s *Service) CollectGarbage(ctx context.Context, olderThan time.Time) error {
	var st gcStats
	if err := s.collectIn(ctx, "", s.blob, olderThan, &st); err != nil {
		return err
	}
	for _, class := range slices.Sorted(maps.Keys(s.tiers)) {
		if err := s.collectIn(ctx, class, s.tiers[class], olderThan, &st); err != nil {
			return err
		}
	}
	// Only a pass that removed something is worth the operator's eye.
	level := slog.LevelDebug
	if st.deleted > 0 {
		level = slog.LevelInfo
	}
	s.log.Log(ctx, level, "garbage collection", "blobs_scanned", st.scanned, "blobs_deleted", st.deleted)
	return nil
}

// collectIn is CollectGarbage for one store: the main one (class "") or
// the tier of class.
func (s *Service) collectIn(ctx context.Context, class string, store blob.Store, olderThan time.Time, st *gcStats) error {
	err := store.Walk(ctx, func(id blob.ID, committed time.Time) error {
		st.scanned++
		if !committed.Before(olderThan) {
			return nil
		}
		referenced := false
		err := s.meta.View(ctx, func(r meta.Reader) error {
			_, err := r.Get(refKey(string(locatedID(class, id))))
			switch {
			case err == nil:
				referenced = true
			case !errors.Is(err, meta.ErrNotFound):
				return err
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("reference of blob %s: %w", id, err)
		}
		if referenced {
			return nil
		}
		if err := store.Delete(ctx, id); err != nil {
			return fmt.Errorf("delete blob %s: %w", id, err)
		}
		st.deleted++
		return nil
	})
	if err != nil {
		where := "main store"
		if class != "" {
			where = "tier " + class
		}
		return fmt.Errorf("collect garbage in %s after %d blobs scanned, %d deleted: %w", where, st.scanned, st.deleted, err)
	}
	return nil
}
