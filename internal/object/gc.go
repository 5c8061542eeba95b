package object

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/meta"
)

// CollectGarbage deletes blobs that no meta record references and that
// were committed before olderThan. Orphans arise when a crash (or a failed
// delete) falls between a blob's commit and the meta transaction that
// records it, or between a transaction that drops a reference and the blob
// delete that follows it. olderThan must leave room for writes in flight:
// their blobs are committed before the transaction that references them,
// so a blob younger than the longest write is not garbage yet.
func (s *Service) CollectGarbage(ctx context.Context, olderThan time.Time) error {
	var st struct{ scanned, deleted int }
	err := s.blob.Walk(ctx, func(id blob.ID, committed time.Time) error {
		st.scanned++
		if !committed.Before(olderThan) {
			return nil
		}
		referenced := false
		err := s.meta.View(ctx, func(r meta.Reader) error {
			_, err := r.Get(refKey(string(id)))
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
		if err := s.blob.Delete(ctx, id); err != nil {
			return fmt.Errorf("delete blob %s: %w", id, err)
		}
		st.deleted++
		return nil
	})
	if err != nil {
		return fmt.Errorf("collect garbage after %d blobs scanned, %d deleted: %w", st.scanned, st.deleted, err)
	}
	// Only a pass that removed something is worth the operator's eye.
	level := slog.LevelDebug
	if st.deleted > 0 {
		level = slog.LevelInfo
	}
	s.log.Log(ctx, level, "garbage collection", "blobs_scanned", st.scanned, "blobs_deleted", st.deleted)
	return nil
}
