package scrub

import (
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/object"
)

// batchLocked checks the next batch of versions and saves the state
// after it; done reports that the batch completed the pass. On an error
// the state is saved up to the last version checked, so that the pass
// resumes after it and no version is checked twice in one pass. When
// another scrubber sharing the metadata store saved the state meanwhile,
// nothing is saved and the error is errStateMoved: the batch's
// checks stand (damage marks are saved as they are found), its progress
// is dropped, and the next batch starts from the other's.
func (s *Scrubber) batchLocked(ctx context.Context, fresh bool) (done bool, st object.ScrubState, err error) {
	objs := s.opts.Objects
	if st, err = objs.ScrubState(ctx); err != nil {
		return false, st, err
	}
	prev := st
	if fresh || !st.InPass {
		st = object.ScrubState{InPass: true, PassStarted: s.opts.Clock.Now().UTC(),
			LastStarted: st.LastStarted, LastCompleted: st.LastCompleted, LastScanned: st.LastScanned,
			LastCorrupt: st.LastCorrupt, Passes: st.Passes}
	}
	vs, next, done, err := objs.ScrubBatch(ctx, st.Cursor, s.opts.Batch)
	if err != nil {
		return false, st, err
	}
	for i := range vs {
		if err := s.checkOne(ctx, &vs[i], &st); err != nil {
			// Keep what was checked; the error wins over a failed save.
			return false, st, errors.Join(err, s.save(context.WithoutCancel(ctx), prev, st))
		}
	}
	st.Cursor = next
	if done {
		st = object.ScrubState{LastStarted: st.PassStarted, LastCompleted: s.opts.Clock.Now().UTC(),
			LastScanned: st.Scanned, LastCorrupt: st.Corrupt, Passes: st.Passes + 1}
	}
	if err := s.save(ctx, prev, st); err != nil {
		return false, st, err
	}
	if done {
		if s.opts.Metrics != nil {
			s.opts.Metrics.PassDone(st.LastStarted, st.LastCompleted)
		}
		s.opts.Logger.Info("scrub pass complete", "versions", st.LastScanned, "damaged", st.LastCorrupt,
			"duration", st.LastCompleted.Sub(st.LastStarted).String())
	}
	return done, st, nil
}

// checkOne checks one version and records what it found in st.
func (s *Scrubber) checkOne(ctx context.Context, v *object.ScrubVersion, st *object.ScrubState) error {
	objs := s.opts.Objects
	if err := s.lim.Wait(ctx, versionCost); err != nil {
		return err
	}
	f, err := objs.CheckVersion(ctx, v, s.lim.Wait)
	if err != nil && ctx.Err() != nil {
		return err
	}
	damaged := false
	switch {
	case err != nil:
		// Not damage (a file the server may not open, a failing disk):
		// said once per pass, and the pass goes on rather than stall.
		s.opts.Logger.Warn("scrub: could not check object version", "bucket", v.Bucket, "key", v.Key,
			"version_id", v.VersionID, "err", err)
	case f != nil && v.Unreadable():
		damaged = true
		s.opts.Logger.Error("scrub: damaged object version", "bucket", v.Bucket, "key", v.Key,
			"version_id", "", "blob", "", "problem", f.Problem)
	case f != nil:
		// A version overwritten or deleted since it was walked lost its
		// bytes on purpose: MarkDamaged tells it apart and records nothing.
		if damaged, err = objs.MarkDamaged(ctx, v, *f); err != nil {
			return err
		}
		if damaged {
			s.opts.Logger.Error("scrub: damaged object version", "bucket", v.Bucket, "key", v.Key,
				"version_id", v.VersionID, "blob", f.Blob, "problem", f.Problem)
		}
	case v.Marked:
		if err := objs.ClearDamaged(ctx, v); err != nil {
			return err
		}
		s.opts.Logger.Info("scrub: version marked damaged is intact again", "bucket", v.Bucket, "key", v.Key,
			"version_id", v.VersionID)
	}
	st.Scanned++
	st.Bytes += v.Size
	if damaged {
		st.Corrupt++
	}
	st.Cursor = v.Pos
	if s.opts.Metrics != nil {
		s.opts.Metrics.Checked(v.Size, st.Scanned, damaged)
	}
	return nil
}

// errStateMoved says that a batch's state was not saved: another
// scrubber sharing the metadata store saved first.
var errStateMoved = errors.New("scrub: the state moved on since the batch read it")

func (s *Scrubber) save(ctx context.Context, prev, st object.ScrubState) error {
	saved, err := s.opts.Objects.SaveScrubState(ctx, prev, st)
	if err == nil && !saved {
		err = errStateMoved
	}
	return err
}
