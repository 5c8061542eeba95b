package lifecycle

import (
	"context"
	"errors"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// isGone reports an error that means the thing acted on went away, which
// a lifecycle action treats as done.
func isGone(err error) bool {
	return errors.Is(err, object.ErrNoSuchBucket) || errors.Is(err, object.ErrNoSuchKey) ||
		errors.Is(err, object.ErrNoSuchVersion) || errors.Is(err, object.ErrNoSuchUpload)
}

// blocked reports a refusal the engine must respect: Object Lock or MFA
// Delete protects the version.
func blocked(err error) bool {
	return errors.Is(err, object.ErrObjectLocked) || errors.Is(err, object.ErrMFARequired)
}

// versionsOf converts one key's listed versions (newest first) for the
// schedule, reading tags only when a rule needs them.
func (p *pass) versionsOf(ctx context.Context, cfg *rules.Config, group []object.ObjectInfo) ([]rules.Version, error) {
	return versionsOf(ctx, p.e.o.Objects, cfg, group)
}

func versionsOf(ctx context.Context, objects *object.Service, cfg *rules.Config, group []object.ObjectInfo) ([]rules.Version, error) {
	needTags := cfg.NeedsTags()
	vs := make([]rules.Version, len(group))
	for i, v := range group {
		vs[i] = rules.Version{ID: v.VersionID, DeleteMarker: v.DeleteMarker, Created: v.LastModified, Size: v.Size,
			StorageClass: v.StorageClass}
		if !needTags || v.DeleteMarker || v.TagCount == 0 {
			continue
		}
		tags, _, err := objects.GetObjectTagging(ctx, v.Bucket, v.Key, versionParam(v))
		if isGone(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, t := range tags {
			vs[i].Tags = append(vs[i].Tags, rules.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return vs, nil
}

// versionParam is the version id that names v in a request ("" in a
// bucket that never had versioning, where the only version is current).
func versionParam(v object.ObjectInfo) string { return v.VersionID }

// key judges one key's versions and performs the due actions.
func (p *pass) key(ctx context.Context, bucket string, cfg *rules.Config, group []object.ObjectInfo) error {
	vs, err := p.versionsOf(ctx, cfg, group)
	if err != nil {
		return err
	}
	due := rules.DueAt(cfg.Schedule(group[0].Key, vs, p.e.o.Day), p.e.o.Clock.Now())
	p.due += len(due)
	for _, a := range due {
		if err := p.e.pace.wait(ctx); err != nil {
			return err
		}
		p.act(ctx, a, group[a.Index])
		p.due--
	}
	return nil
}

// act performs one action; its failure is logged and counted, and the
// action is judged again on the next pass.
func (p *pass) act(ctx context.Context, a rules.Action, v object.ObjectInfo) {
	if a.Kind == rules.MoveClass {
		p.transition(ctx, a, v)
		return
	}
	in := object.ExpireInput{Bucket: v.Bucket, Key: v.Key, VersionID: versionParam(v), Modified: v.LastModified}
	switch a.Kind {
	case rules.ExpireCurrent:
		in.Action = object.ExpireCurrent
	case rules.ExpireNoncurrent:
		in.Action = object.ExpireNoncurrent
	case rules.RemoveDeleteMarker:
		in.Action = object.ExpireDeleteMarker
	}
	log := p.e.o.Logger.With("bucket", v.Bucket, "key", v.Key, "version_id", v.VersionID, "rule_id", a.RuleID, "action", a.Kind.String())
	out, err := p.e.o.Objects.Expire(ctx, in)
	switch {
	case isGone(err):
		return
	case blocked(err):
		p.stats.Blocked++
		p.e.o.Metrics.Blocked()
		log.InfoContext(ctx, "lifecycle action refused: the version is protected", "err", err)
		return
	case err != nil:
		p.stats.Errors++
		p.e.o.Metrics.Error()
		log.WarnContext(ctx, "lifecycle action failed", "err", err)
		return
	case !out.Done:
		return // the version changed since it was judged
	}
	switch {
	case out.MarkerAdded:
		p.stats.MarkersAdded++
		p.e.o.Metrics.MarkerAdded()
		log.InfoContext(ctx, "lifecycle expired the current version behind a delete marker", "marker_version_id", out.MarkerVersionID)
	case v.DeleteMarker:
		p.stats.MarkersRemoved++
		p.e.o.Metrics.MarkerRemoved()
		log.InfoContext(ctx, "lifecycle removed a delete marker")
	default:
		p.stats.Expired++
		p.stats.BytesExpired += out.Size
		p.e.o.Metrics.Expired(out.Size)
		log.InfoContext(ctx, "lifecycle removed an object version", "size", out.Size)
	}
}

// upload aborts u if a rule says it is due.
func (p *pass) upload(ctx context.Context, cfg *rules.Config, u object.Upload) error {
	due, ruleID, ok := cfg.AbortDue(u.Key, u.Initiated, p.e.o.Day)
	if !ok || due.After(p.e.o.Clock.Now()) {
		return nil
	}
	if err := p.e.pace.wait(ctx); err != nil {
		return err
	}
	err := p.e.o.Objects.AbortMultipartUpload(ctx, u.Bucket, u.Key, u.UploadID)
	log := p.e.o.Logger.With("bucket", u.Bucket, "key", u.Key, "upload_id", u.UploadID, "rule_id", ruleID, "action", "abort-incomplete-multipart-upload")
	switch {
	case isGone(err):
	case err != nil:
		p.stats.Errors++
		p.e.o.Metrics.Error()
		log.WarnContext(ctx, "lifecycle abort failed", "err", err)
	default:
		p.stats.Aborted++
		p.e.o.Metrics.Aborted()
		log.InfoContext(ctx, "lifecycle aborted an incomplete multipart upload")
	}
	return nil
}

// transition moves v to the class a names, conditional on v being still
// the version judged (its ETag, modification time and class).
func (p *pass) transition(ctx context.Context, a rules.Action, v object.ObjectInfo) {
	log := p.e.o.Logger.With("bucket", v.Bucket, "key", v.Key, "version_id", v.VersionID, "rule_id", a.RuleID,
		"action", a.Kind.String(), "storage_class", a.StorageClass)
	state := object.VersionState{ETag: v.ETag, LastModified: v.LastModified, StorageClass: v.StorageClass}
	err := p.e.o.Objects.TransitionVersion(ctx, v.Bucket, v.Key, versionParam(v), state, a.StorageClass)
	switch {
	case isGone(err) || errors.Is(err, object.ErrVersionChanged):
		return // judged again on the next pass
	case err != nil:
		p.stats.Errors++
		p.e.o.Metrics.Error()
		log.WarnContext(ctx, "lifecycle transition failed", "err", err)
		return
	}
	p.stats.Transitioned++
	p.e.o.Metrics.Transitioned(v.Size)
	log.InfoContext(ctx, "lifecycle moved an object version to another storage class", "size", v.Size)
}
