package rules

import (
	"slices"
	"strings"
	"time"
)

// Version is what the schedule needs of one version of a key.
type Version struct {
	// ID is the version id ("null" for a null version, "" in a bucket
	// that never had versioning).
	ID           string
	DeleteMarker bool
	Created      time.Time
	Size         int64
	// StorageClass is the version's class ("" for STANDARD).
	StorageClass string
	// Tags are the version's tags; only needed when NeedsTags.
	Tags []Tag
}

// Kind is what an action does.
type Kind uint8

// The actions the lifecycle engine performs.
const (
	// ExpireCurrent expires the current version: removed in a bucket
	// that never had versioning, hidden behind a delete marker (a null
	// one while versioning is suspended) otherwise.
	ExpireCurrent Kind = iota + 1
	// ExpireNoncurrent permanently removes a noncurrent version.
	ExpireNoncurrent
	// RemoveDeleteMarker removes a delete marker that is the only
	// version of its key.
	RemoveDeleteMarker
	// MoveClass transitions a version to Action.StorageClass.
	MoveClass
)

func (k Kind) String() string {
	switch k {
	case ExpireCurrent:
		return "expire-current"
	case ExpireNoncurrent:
		return "expire-noncurrent"
	case RemoveDeleteMarker:
		return "remove-expired-delete-marker"
	case MoveClass:
		return "transition"
	}
	return "unknown"
}

// Action is one scheduled action: Kind on the version at Index of the
// versions Schedule was given, due at Due, because of rule RuleID.
type Action struct {
	Kind   Kind
	Index  int
	RuleID string
	Due    time.Time
	// StorageClass is the class a MoveClass action moves the version to.
	StorageClass string
}

// Schedule returns the actions the enabled rules schedule for key, whose
// versions vs are given newest first (vs[0] is the latest version, which
// may be a delete marker), at most one per version: the earliest due.
// day is the length of a lifecycle day (Day in S3).
//
// A noncurrent version's days count from when it became noncurrent: the
// creation of the version that followed it. NewerNoncurrentVersions keeps
// that many newer noncurrent versions (delete markers count, as they are
// versions) before a noncurrent version may expire. A delete marker that
// is the only version left is removed by ExpiredObjectDeleteMarker at
// once, or by an Expiration with Days once it is that many days old, as
// S3 does.
func (c *Config) Schedule(key string, vs []Version, day time.Duration) []Action {
	if len(vs) == 0 {
		return nil
	}
	var out []Action
	if a, ok := c.latest(key, vs, day); ok {
		out = append(out, a)
	}
	for i := 1; i < len(vs); i++ {
		if a, ok := c.noncurrent(key, vs, i, day); ok {
			out = append(out, a)
		}
	}
	return out
}

// DueAt filters actions to those due at now.
func DueAt(as []Action, now time.Time) []Action {
	var out []Action
	for _, a := range as {
		if !a.Due.After(now) {
			out = append(out, a)
		}
	}
	return out
}

// earliest keeps the earlier of two candidate actions (the first on a
// tie, so that rule order decides).
func earliest(best *Action, ok *bool, a Action) {
	if !*ok || a.Due.Before(best.Due) {
		*best, *ok = a, true
	}
}

func (c *Config) latest(key string, vs []Version, day time.Duration) (best Action, ok bool) {
	v := vs[0]
	for _, r := range c.Rules {
		e := r.Expiration
		if !r.Enabled || e == nil {
			continue
		}
		if v.DeleteMarker {
			if len(vs) != 1 || r.Filter.HasTags() || !strings.HasPrefix(key, r.Filter.Prefix) {
				continue
			}
			switch {
			case e.DeleteMarker:
				earliest(&best, &ok, Action{Kind: RemoveDeleteMarker, RuleID: r.ID, Due: v.Created})
			case e.Days > 0:
				earliest(&best, &ok, Action{Kind: RemoveDeleteMarker, RuleID: r.ID, Due: Due(v.Created, e.Days, day)})
			}
			continue
		}
		if due, has := e.due(v.Created, day); has && r.Filter.Matches(key, v.Size, v.Tags) {
			earliest(&best, &ok, Action{Kind: ExpireCurrent, RuleID: r.ID, Due: due})
		}
	}
	if v.DeleteMarker {
		return best, ok
	}
	// A transition is scheduled only when it falls due before any
	// expiration: S3 expires rather than transitions a version both
	// actions are due for.
	var t Action
	var tok bool
	for _, r := range c.Rules {
		if !r.Enabled || !r.Filter.Matches(key, v.Size, v.Tags) {
			continue
		}
		for _, tr := range r.Transitions {
			if !c.transitions(v, tr.StorageClass) {
				continue
			}
			due := tr.Date
			if tr.Days > 0 || due.IsZero() {
				due = Due(v.Created, tr.Days, day)
			}
			earliest(&t, &tok, Action{Kind: MoveClass, RuleID: r.ID, Due: due, StorageClass: tr.StorageClass})
		}
	}
	return expirationFirst(best, ok, t, tok)
}

// expirationFirst picks between the earliest expiration and the earliest
// transition of a version: the transition only when it falls due strictly
// before any expiration, since S3 expires rather than transitions a
// version both actions are due for.
func expirationFirst(exp Action, expOK bool, move Action, moveOK bool) (Action, bool) {
	if moveOK && (!expOK || move.Due.Before(exp.Due)) {
		return move, true
	}
	return exp, expOK
}

// classRank orders the storage classes lifecycle transitions move
// versions down through (S3's transition waterfall): a transition only
// goes to a class of higher rank.
var classRank = map[string]int{
	"": 0, "STANDARD": 0, "REDUCED_REDUNDANCY": 0,
	"STANDARD_IA": 1, "INTELLIGENT_TIERING": 2, "ONEZONE_IA": 3,
	"GLACIER_IR": 4, "GLACIER": 5, "DEEP_ARCHIVE": 6,
}

// transitionMinSize is the size below which S3 does not transition an
// object (128 KiB), to every class by default (all_storage_classes_128K)
// and, with varies_by_storage_class, to the classes other than GLACIER
// and DEEP_ARCHIVE.
const transitionMinSize = 128 << 10

// transitions reports whether v may be transitioned to class: a colder
// class than its own, and a size the configuration lets move.
func (c *Config) transitions(v Version, class string) bool {
	to, known := classRank[class]
	if !known || to <= classRank[v.StorageClass] {
		return false
	}
	if v.Size >= transitionMinSize {
		return true
	}
	return c.TransitionMinSize == MinSizeVaries && (class == "GLACIER" || class == "DEEP_ARCHIVE")
}

// due is when e expires a current version created at created.
func (e *Expiration) due(created time.Time, day time.Duration) (time.Time, bool) {
	switch {
	case e.Days > 0:
		return Due(created, e.Days, day), true
	case !e.Date.IsZero():
		return e.Date, true
	}
	return time.Time{}, false
}

func (c *Config) noncurrent(key string, vs []Version, i int, day time.Duration) (best Action, ok bool) {
	v := vs[i]
	since := vs[i-1].Created
	newer := i - 1 // noncurrent versions newer than v
	for _, r := range c.Rules {
		ne := r.NoncurrentExpiration
		if !r.Enabled || ne == nil || newer < ne.Newer {
			continue
		}
		if v.DeleteMarker && (r.Filter.HasTags() || !strings.HasPrefix(key, r.Filter.Prefix)) ||
			!v.DeleteMarker && !r.Filter.Matches(key, v.Size, v.Tags) {
			continue
		}
		earliest(&best, &ok, Action{Kind: ExpireNoncurrent, Index: i, RuleID: r.ID, Due: Due(since, ne.Days, day)})
	}
	if v.DeleteMarker {
		return best, ok
	}
	var t Action
	var tok bool
	for _, r := range c.Rules {
		if !r.Enabled || !r.Filter.Matches(key, v.Size, v.Tags) {
			continue
		}
		for _, nt := range r.NoncurrentTransitions {
			if newer < nt.Newer || !c.transitions(v, nt.StorageClass) {
				continue
			}
			earliest(&t, &tok, Action{Kind: MoveClass, Index: i, RuleID: r.ID, Due: Due(since, nt.Days, day), StorageClass: nt.StorageClass})
		}
	}
	return expirationFirst(best, ok, t, tok)
}

// Expiry is when the enabled rules expire a current object version of
// key with size and tags created at created, and which rule does: the
// x-amz-expiration header. ok is false when no rule expires it.
func (c *Config) Expiry(key string, size int64, tags []Tag, created time.Time, day time.Duration) (due time.Time, ruleID string, ok bool) {
	a, ok := c.latest(key, []Version{{Created: created, Size: size, Tags: tags}}, day)
	return a.Due, a.RuleID, ok
}

// AbortDue is when the enabled rules abort a multipart upload of key
// initiated at initiated, and which rule does: x-amz-abort-date and
// x-amz-abort-rule-id. ok is false when no rule aborts it. Only the
// prefix of a rule's filter applies: an upload has no size or tags yet.
func (c *Config) AbortDue(key string, initiated time.Time, day time.Duration) (due time.Time, ruleID string, ok bool) {
	for _, r := range c.Rules {
		if !r.Enabled || r.AbortDays == 0 || r.Filter.HasTags() || !strings.HasPrefix(key, r.Filter.Prefix) {
			continue
		}
		d := Due(initiated, r.AbortDays, day)
		if !ok || d.Before(due) {
			due, ruleID, ok = d, r.ID, true
		}
	}
	return due, ruleID, ok
}

// ScanPrefixes returns the key prefixes the engine must walk for the
// version actions of the enabled rules, none a prefix of another, in
// order. uploads selects the rules that abort multipart uploads instead.
func (c *Config) ScanPrefixes(uploads bool) []string {
	var ps []string
	for _, r := range c.Rules {
		if !r.Enabled {
			continue
		}
		acts := r.Expiration != nil || r.NoncurrentExpiration != nil ||
			len(r.Transitions) > 0 || len(r.NoncurrentTransitions) > 0
		if uploads {
			acts = r.AbortDays > 0 && !r.Filter.HasTags()
		}
		if acts {
			ps = append(ps, r.Filter.Prefix)
		}
	}
	return minimalPrefixes(ps)
}

// minimalPrefixes sorts ps and drops every prefix that another one
// covers.
func minimalPrefixes(ps []string) []string {
	if len(ps) == 0 {
		return nil
	}
	slices.Sort(ps)
	out := ps[:1]
	for _, p := range ps[1:] {
		if !strings.HasPrefix(p, out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}
