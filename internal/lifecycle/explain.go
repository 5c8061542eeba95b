package lifecycle

import (
	"context"
	"fmt"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// Explanation says which rules apply to one key and when they act: the
// operator's "why and when" (coffer lifecycle explain).
type Explanation struct {
	Bucket, Key string
	// HasRules is false when the bucket has no lifecycle configuration.
	HasRules bool
	// Versioning is the bucket's versioning status ("" for never);
	// MFADelete is set when MFA Delete protects its versions.
	Versioning string
	MFADelete  bool
	// Day is the length of a lifecycle day the dates are computed with.
	Day      time.Duration
	Versions []VersionPlan
	Uploads  []UploadPlan
}

// VersionPlan is what the rules will do to one version, newest first.
type VersionPlan struct {
	VersionID    string
	Latest       bool
	DeleteMarker bool
	LastModified time.Time
	// Action is "" when no rule acts on the version; then RuleID and Due
	// are empty.
	Action string
	RuleID string
	Due    time.Time
	// Blocked says why a due removal will be refused (Object Lock, MFA
	// Delete): "" when nothing stands in the way.
	Blocked string
}

// UploadPlan is when a rule aborts one incomplete multipart upload.
type UploadPlan struct {
	UploadID  string
	Initiated time.Time
	RuleID    string // "" when no rule aborts it
	Due       time.Time
}

// Explain reads key's versions and uploads and the bucket's rules, and
// says which rule acts on each and when. It changes nothing.
func (e *Engine) Explain(ctx context.Context, bucket, key string) (Explanation, error) {
	x := Explanation{Bucket: bucket, Key: key, Day: e.o.Day}
	vc, err := e.o.Objects.GetVersioning(ctx, bucket)
	if err != nil {
		return x, err
	}
	x.Versioning, x.MFADelete = string(vc.Status), vc.MFADelete == object.MFADeleteEnabled
	cfg, err := e.o.Objects.BucketLifecycle(ctx, bucket)
	if err != nil {
		return x, err
	}
	x.HasRules = cfg != nil
	if cfg == nil {
		cfg = &rules.Config{}
	}
	group, err := e.keyVersions(ctx, bucket, key)
	if err != nil {
		return x, err
	}
	vs, err := versionsOf(ctx, e.o.Objects, cfg, group)
	if err != nil {
		return x, err
	}
	for _, v := range group {
		x.Versions = append(x.Versions, VersionPlan{VersionID: v.VersionID, Latest: v.IsLatest, DeleteMarker: v.DeleteMarker, LastModified: v.LastModified})
	}
	now := e.o.Clock.Now()
	for _, a := range cfg.Schedule(key, vs, e.o.Day) {
		p := &x.Versions[a.Index]
		p.Action, p.RuleID, p.Due = a.Kind.String(), a.RuleID, a.Due
		p.Blocked = blockedBy(a, group[a.Index], x.Versioning != "", x.MFADelete, now, p.Due)
	}
	uploads, err := e.o.Objects.ListMultipartUploads(ctx, object.ListUploadsInput{Bucket: bucket, Prefix: key, MaxUploads: 1000})
	if err != nil {
		return x, err
	}
	for _, u := range uploads.Uploads {
		if u.Key != key {
			continue
		}
		up := UploadPlan{UploadID: u.UploadID, Initiated: u.Initiated}
		if due, id, ok := cfg.AbortDue(key, u.Initiated, e.o.Day); ok {
			up.RuleID, up.Due = id, due
		}
		x.Uploads = append(x.Uploads, up)
	}
	return x, nil
}

// keyVersions lists every version of exactly key, newest first.
func (e *Engine) keyVersions(ctx context.Context, bucket, key string) ([]object.ObjectInfo, error) {
	var group []object.ObjectInfo
	in := object.ListVersionsInput{Bucket: bucket, Prefix: key, MaxKeys: 1000}
	for {
		out, err := e.o.Objects.ListObjectVersions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, v := range out.Versions {
			if v.Key != key {
				// Versions are in key order and key sorts before every
				// longer key it prefixes: its versions are all read.
				return group, nil
			}
			group = append(group, v)
		}
		if !out.Truncated {
			return group, nil
		}
		in.KeyMarker, in.VersionIDMarker = out.NextKeyMarker, out.NextVersionIDMarker
	}
}

// blockedBy says what will refuse a permanent removal at due, as the
// object service would.
func blockedBy(a rules.Action, v object.ObjectInfo, versioned, mfaDelete bool, now, due time.Time) string {
	if a.Kind == rules.ExpireCurrent && versioned {
		return "" // hidden behind a delete marker, which nothing refuses
	}
	at := due
	if now.After(due) {
		at = now
	}
	switch {
	case mfaDelete:
		return "MFA Delete is enabled on the bucket: lifecycle never removes its versions"
	case v.LegalHold:
		return "legal hold"
	case v.RetainUntil.After(at):
		return fmt.Sprintf("%s retention until %s", v.LockMode, v.RetainUntil.UTC().Format(time.RFC3339))
	}
	return ""
}
