package lifecycle

import (
	"context"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// Phases of a bucket's scan.
const (
	phaseVersions = 0
	phaseUploads  = 1
)

// state is the engine's durable progress, saved as its cursor after each
// listing page's actions are done. Each action is conditional on the
// version it judged, so a crash between an action and the save repeats
// only decisions, never an action on a changed version.
type state struct {
	// InPass is set while a pass runs; Started is when it began.
	InPass  bool      `json:"in,omitempty"`
	Started time.Time `json:"st,omitzero"`
	// Bucket is the bucket being walked; Phase, Prefix and the markers
	// say where in it: every key up to and including KeyMarker (and, for
	// uploads, UploadIDMarker) under Prefix is done.
	Bucket         string `json:"b,omitempty"`
	Phase          int    `json:"ph,omitempty"`
	Prefix         string `json:"p,omitempty"`
	KeyMarker      string `json:"k,omitempty"`
	UploadIDMarker string `json:"u,omitempty"`
	// Passes counts complete passes; LastCompleted ends the last one.
	Passes        int64     `json:"n,omitempty"`
	LastCompleted time.Time `json:"lc,omitzero"`
}

// Stats counts what one pass did.
type Stats struct {
	Scanned        int
	Expired        int
	BytesExpired   int64
	MarkersAdded   int
	MarkersRemoved int
	Aborted        int
	Transitioned   int
	Blocked        int
	Errors         int
}

// RunPass runs one complete pass over every bucket with rules, resuming
// the pass a previous run left unfinished. It returns what this call did.
func (e *Engine) RunPass(ctx context.Context) (Stats, error) {
	e.passMu.Lock()
	defer e.passMu.Unlock()
	var st state
	if _, err := e.cursors.Load(ctx, cursorName, &st); err != nil {
		return Stats{}, err
	}
	// A pass that was interrupted is resumed; a new one starts at the
	// first bucket. Its state is saved once it has walked something, so
	// a server without lifecycle rules never writes.
	resumed := st.InPass
	if !resumed {
		st = state{InPass: true, Started: e.o.Clock.Now().UTC(), Passes: st.Passes, LastCompleted: st.LastCompleted}
	}
	p := &pass{e: e, st: st, saved: resumed}
	if err := p.run(ctx); err != nil {
		return p.stats, err
	}
	p.st = state{Passes: p.st.Passes + 1, LastCompleted: e.o.Clock.Now().UTC()}
	if p.saved {
		if err := e.cursors.Save(ctx, cursorName, p.st); err != nil {
			return p.stats, err
		}
	}
	e.o.Metrics.PassDone(float64(p.st.LastCompleted.UnixNano()) / 1e9)
	e.o.Metrics.Backlog(0)
	return p.stats, nil
}

// pass is one pass in progress.
type pass struct {
	e     *Engine
	st    state
	stats Stats
	// due counts due actions found and not yet done (the backlog).
	due int
	// saved: the cursor in meta belongs to this pass, so its end must
	// be saved too.
	saved bool
}

func (p *pass) save(ctx context.Context) error {
	p.e.o.Metrics.Backlog(p.due)
	p.saved = true
	return p.e.cursors.Save(ctx, cursorName, p.st)
}

// run walks the buckets in name order from the saved one.
func (p *pass) run(ctx context.Context) error {
	after := ""
	for {
		out, err := p.e.o.Objects.ListBuckets(ctx, object.ListBucketsInput{StartAfter: after, MaxBuckets: 1000})
		if err != nil {
			return err
		}
		for _, b := range out.Buckets {
			after = b.Name
			if b.Name < p.st.Bucket {
				continue
			}
			if b.Name != p.st.Bucket {
				p.st = state{InPass: true, Started: p.st.Started, Passes: p.st.Passes, LastCompleted: p.st.LastCompleted, Bucket: b.Name}
			}
			if err := p.bucket(ctx, b); err != nil {
				return fmt.Errorf("lifecycle of bucket %s: %w", b.Name, err)
			}
		}
		if !out.Truncated {
			return nil
		}
	}
}

// bucket walks one bucket: the versions under each prefix of its rules,
// then its uploads.
func (p *pass) bucket(ctx context.Context, b object.Bucket) error {
	cfg, err := p.e.o.Objects.BucketLifecycle(ctx, b.Name)
	if err != nil || cfg == nil {
		return ignoreGone(err)
	}
	if p.st.Phase == phaseVersions {
		for _, prefix := range cfg.ScanPrefixes(false) {
			if prefix < p.st.Prefix {
				continue
			}
			if prefix != p.st.Prefix {
				p.st.Prefix, p.st.KeyMarker = prefix, ""
			}
			if err := p.versions(ctx, b.Name, cfg); err != nil {
				return ignoreGone(err)
			}
		}
		p.st.Phase, p.st.Prefix, p.st.KeyMarker = phaseUploads, "", ""
	}
	for _, prefix := range cfg.ScanPrefixes(true) {
		if prefix < p.st.Prefix {
			continue
		}
		if prefix != p.st.Prefix {
			p.st.Prefix, p.st.KeyMarker, p.st.UploadIDMarker = prefix, "", ""
		}
		if err := p.uploads(ctx, b.Name, cfg); err != nil {
			return ignoreGone(err)
		}
	}
	return nil
}

// ignoreGone treats a bucket deleted during its walk as walked.
func ignoreGone(err error) error {
	if isGone(err) {
		return nil
	}
	return err
}

// versions walks the versions under p.st.Prefix from p.st.KeyMarker on,
// a page at a time; a key is judged once all its versions are read.
func (p *pass) versions(ctx context.Context, bucket string, cfg *rules.Config) error {
	in := object.ListVersionsInput{Bucket: bucket, Prefix: p.st.Prefix, KeyMarker: p.st.KeyMarker, MaxKeys: p.e.o.Batch}
	var group []object.ObjectInfo
	for {
		out, err := p.e.o.Objects.ListObjectVersions(ctx, in)
		if err != nil {
			return err
		}
		p.stats.Scanned += len(out.Versions)
		p.e.o.Metrics.Scanned(len(out.Versions))
		for _, v := range out.Versions {
			if len(group) > 0 && group[0].Key != v.Key {
				if err := p.key(ctx, bucket, cfg, group); err != nil {
					return err
				}
				p.st.KeyMarker = group[0].Key
				group = group[:0]
			}
			group = append(group, v)
		}
		if !out.Truncated {
			break
		}
		if err := p.save(ctx); err != nil {
			return err
		}
		in.KeyMarker, in.VersionIDMarker = out.NextKeyMarker, out.NextVersionIDMarker
	}
	if len(group) > 0 {
		if err := p.key(ctx, bucket, cfg, group); err != nil {
			return err
		}
		p.st.KeyMarker = group[0].Key
	}
	return p.save(ctx)
}

// uploads walks the multipart uploads under p.st.Prefix.
func (p *pass) uploads(ctx context.Context, bucket string, cfg *rules.Config) error {
	in := object.ListUploadsInput{Bucket: bucket, Prefix: p.st.Prefix, KeyMarker: p.st.KeyMarker,
		UploadIDMarker: p.st.UploadIDMarker, MaxUploads: p.e.o.Batch}
	for {
		out, err := p.e.o.Objects.ListMultipartUploads(ctx, in)
		if err != nil {
			return err
		}
		p.stats.Scanned += len(out.Uploads)
		p.e.o.Metrics.Scanned(len(out.Uploads))
		for _, u := range out.Uploads {
			if err := p.upload(ctx, cfg, u); err != nil {
				return err
			}
			p.st.KeyMarker, p.st.UploadIDMarker = u.Key, u.UploadID
		}
		if err := p.save(ctx); err != nil {
			return err
		}
		if !out.Truncated {
			return nil
		}
		in.KeyMarker, in.UploadIDMarker = out.NextKeyMarker, out.NextUploadIDMarker
	}
}
