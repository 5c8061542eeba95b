package rules

import (
	"slices"
	"time"
)

// MaxRules is the most rules one configuration may hold, as in S3.
const MaxRules = 1000

// MaxIDLength is the longest rule ID S3 accepts.
const MaxIDLength = 255

// MaxNewerNoncurrentVersions bounds NewerNoncurrentVersions, as in S3.
const MaxNewerNoncurrentVersions = 100

// The values of the x-amz-transition-default-minimum-object-size header.
const (
	// MinSizeAll128K keeps objects smaller than 128 KiB from every
	// transition; S3's default since September 2024.
	MinSizeAll128K = "all_storage_classes_128K"
	// MinSizeVaries lets the storage class decide.
	MinSizeVaries = "varies_by_storage_class"
)

// Config is a bucket's lifecycle configuration. The JSON names are part
// of the object service's stored "lifecycle" record: they must never
// change (add new fields instead).
type Config struct {
	Rules []Rule `json:"r"`
	// TransitionMinSize is MinSizeAll128K or MinSizeVaries.
	TransitionMinSize string `json:"tm,omitempty"`
}

// Rule is one lifecycle rule.
type Rule struct {
	// ID names the rule; Validate gives one to a rule sent without it.
	ID string `json:"id"`
	// Enabled is Status Enabled; a disabled rule is kept but never acts.
	Enabled bool `json:"on,omitempty"`
	// Filter selects the objects the rule applies to.
	Filter Filter `json:"f"`
	// Expiration acts on current versions (nil: none).
	Expiration *Expiration `json:"e,omitempty"`
	// NoncurrentExpiration acts on noncurrent versions (nil: none).
	NoncurrentExpiration *NoncurrentExpiration `json:"ne,omitempty"`
	// AbortDays is AbortIncompleteMultipartUpload's DaysAfterInitiation
	// (0: the rule has no such action).
	AbortDays int `json:"ab,omitempty"`
	// Transitions and NoncurrentTransitions move versions to colder
	// storage classes (the engine calls the object service's
	// TransitionVersion, which moves the bytes to the class's tier).
	Transitions           []Transition           `json:"t,omitempty"`
	NoncurrentTransitions []NoncurrentTransition `json:"nt,omitempty"`
}

// Filter selects objects by key prefix, tags and size. An empty filter
// selects every object.
type Filter struct {
	// Form says how the filter was written, so that it renders back the
	// same way: FormLegacyPrefix (a top-level <Prefix>), FormNone (no
	// predicate inside <Filter>), FormSingle (one predicate) or FormAnd.
	Form   Form   `json:"fm,omitempty"`
	Prefix string `json:"p,omitempty"`
	Tags   []Tag  `json:"tg,omitempty"`
	// SizeGreaterThan and SizeLessThan are the object size bounds in
	// bytes, exclusive (nil: no bound).
	SizeGreaterThan *int64 `json:"gt,omitempty"`
	SizeLessThan    *int64 `json:"lt,omitempty"`
}

// Form is how a rule's filter was written.
type Form uint8

// The forms a filter can take on the wire.
const (
	FormNone Form = iota
	FormSingle
	FormAnd
	FormLegacyPrefix
)

// Tag is one key/value pair of a tag filter.
type Tag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// Expiration expires current versions after Days or on Date, or (with
// ExpiredObjectDeleteMarker) removes delete markers that are the only
// version of their key.
type Expiration struct {
	Days int       `json:"d,omitempty"`
	Date time.Time `json:"dt,omitzero"`
	// DeleteMarkerSet says ExpiredObjectDeleteMarker was given (true or
	// false); DeleteMarker is its value.
	DeleteMarker    bool `json:"dm,omitempty"`
	DeleteMarkerSet bool `json:"dms,omitempty"`
}

// NoncurrentExpiration removes noncurrent versions NoncurrentDays after
// they became noncurrent, keeping the NewerNoncurrentVersions newest.
type NoncurrentExpiration struct {
	Days  int `json:"d"`
	Newer int `json:"n,omitempty"`
}

// Transition moves current versions to StorageClass after Days or on
// Date.
type Transition struct {
	Days         int       `json:"d,omitempty"`
	Date         time.Time `json:"dt,omitzero"`
	StorageClass string    `json:"sc"`
}

// NoncurrentTransition moves noncurrent versions to StorageClass.
type NoncurrentTransition struct {
	Days         int    `json:"d"`
	Newer        int    `json:"n,omitempty"`
	StorageClass string `json:"sc"`
}

// Clone returns a deep copy of c.
func (c Config) Clone() Config {
	out := Config{TransitionMinSize: c.TransitionMinSize, Rules: make([]Rule, len(c.Rules))}
	for i, r := range c.Rules {
		r.Filter.Tags = slices.Clone(r.Filter.Tags)
		if r.Filter.SizeGreaterThan != nil {
			v := *r.Filter.SizeGreaterThan
			r.Filter.SizeGreaterThan = &v
		}
		if r.Filter.SizeLessThan != nil {
			v := *r.Filter.SizeLessThan
			r.Filter.SizeLessThan = &v
		}
		if r.Expiration != nil {
			e := *r.Expiration
			r.Expiration = &e
		}
		if r.NoncurrentExpiration != nil {
			e := *r.NoncurrentExpiration
			r.NoncurrentExpiration = &e
		}
		r.Transitions = slices.Clone(r.Transitions)
		r.NoncurrentTransitions = slices.Clone(r.NoncurrentTransitions)
		out.Rules[i] = r
	}
	return out
}

// HasTags reports whether the rule's filter names tags, which makes
// matching need the object's tags.
func (f Filter) HasTags() bool { return len(f.Tags) > 0 }

// Matches reports whether an object with key, size and tags falls under
// the filter. Every predicate must hold; tags must each be present with
// the same value.
func (f Filter) Matches(key string, size int64, tags []Tag) bool {
	if len(key) < len(f.Prefix) || key[:len(f.Prefix)] != f.Prefix {
		return false
	}
	if f.SizeGreaterThan != nil && size <= *f.SizeGreaterThan {
		return false
	}
	if f.SizeLessThan != nil && size >= *f.SizeLessThan {
		return false
	}
	for _, want := range f.Tags {
		if !slices.Contains(tags, want) {
			return false
		}
	}
	return true
}

// NeedsTags reports whether any enabled rule filters on tags.
func (c *Config) NeedsTags() bool {
	for _, r := range c.Rules {
		if r.Enabled && r.Filter.HasTags() {
			return true
		}
	}
	return false
}
