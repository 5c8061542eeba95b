package rules

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The kinds of invalid configuration, as S3 tells them apart: the wire
// layer answers MalformedXML, InvalidArgument or InvalidRequest.
var (
	ErrMalformed       = errors.New("lifecycle: malformed configuration")
	ErrInvalidArgument = errors.New("lifecycle: invalid argument")
	ErrInvalidRequest  = errors.New("lifecycle: invalid request")
)

// Error is a configuration Validate refused: Kind is one of the
// sentinels above, Message the text S3 sends to the client.
type Error struct {
	Kind    error
	Message string
}

func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Kind }

// ClientMessage is the message S3 sends for e; it names only what the
// client sent.
func (e *Error) ClientMessage() string { return e.Message }

func malformed(msg string) error          { return &Error{ErrMalformed, msg} }
func invalidArgument(msg string) error    { return &Error{ErrInvalidArgument, msg} }
func invalidRequest(msg string) error     { return &Error{ErrInvalidRequest, msg} }
func malformedf(f string, a ...any) error { return malformed(fmt.Sprintf(f, a...)) }

// transitionClasses are the storage classes a transition may name, with
// the fewest days S3 requires before it (STANDARD_IA and ONEZONE_IA need
// objects to be 30 days old).
var transitionClasses = map[string]int{
	"GLACIER":             0,
	"STANDARD_IA":         30,
	"ONEZONE_IA":          30,
	"INTELLIGENT_TIERING": 0,
	"DEEP_ARCHIVE":        0,
	"GLACIER_IR":          0,
}

// ValidTransitionMinSize reports whether v may be sent in
// x-amz-transition-default-minimum-object-size.
func ValidTransitionMinSize(v string) bool { return v == MinSizeAll128K || v == MinSizeVaries }

// Validate checks c against S3's rules and gives rules without an ID
// one (newID is called once per such rule; S3 generates a random one).
// The messages are S3's.
func (c *Config) Validate(newID func() string) error {
	if len(c.Rules) == 0 {
		return malformed("a lifecycle configuration needs at least one rule")
	}
	if len(c.Rules) > MaxRules {
		return malformedf("a lifecycle configuration may hold at most %d rules", MaxRules)
	}
	if c.TransitionMinSize != "" && !ValidTransitionMinSize(c.TransitionMinSize) {
		return invalidRequest("Invalid value for x-amz-transition-default-minimum-object-size")
	}
	seen := make(map[string]bool, len(c.Rules))
	for i := range c.Rules {
		r := &c.Rules[i]
		if len(r.ID) > MaxIDLength {
			return invalidArgument("ID length should not exceed allowed limit of 255")
		}
		if r.ID == "" {
			r.ID = newID()
		}
		if seen[r.ID] {
			return invalidArgument("Rule ID must be unique. Found same ID for more than one rule")
		}
		seen[r.ID] = true
		if err := r.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Rule) validate() error {
	if err := r.Filter.validate(); err != nil {
		return err
	}
	if r.Expiration == nil && r.NoncurrentExpiration == nil && r.AbortDays == 0 &&
		len(r.Transitions) == 0 && len(r.NoncurrentTransitions) == 0 {
		return invalidRequest("At least one action needs to be specified in a rule")
	}
	if err := r.validateExpiration(); err != nil {
		return err
	}
	if ne := r.NoncurrentExpiration; ne != nil {
		if ne.Days <= 0 {
			return invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
		}
		if ne.Newer < 0 || ne.Newer > MaxNewerNoncurrentVersions {
			return invalidArgument("'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100")
		}
	}
	if r.AbortDays < 0 {
		return invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
	}
	if r.AbortDays > 0 && r.Filter.HasTags() {
		return invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
	}
	if err := r.validateTransitions(); err != nil {
		return err
	}
	return r.validateNoncurrentTransitions()
}

func (f *Filter) validate() error {
	if f.SizeGreaterThan != nil && *f.SizeGreaterThan < 0 || f.SizeLessThan != nil && *f.SizeLessThan <= 0 {
		return invalidArgument("ObjectSizeGreaterThan and ObjectSizeLessThan must be non-negative, ObjectSizeLessThan positive")
	}
	if f.SizeGreaterThan != nil && f.SizeLessThan != nil && *f.SizeGreaterThan >= *f.SizeLessThan {
		return invalidArgument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan")
	}
	keys := make(map[string]bool, len(f.Tags))
	for _, t := range f.Tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return invalidArgument("The TagKey you have provided is invalid")
		}
		if keys[t.Key] {
			return invalidRequest("Duplicate Tag Keys are not allowed.")
		}
		keys[t.Key] = true
	}
	return nil
}

func (r *Rule) validateExpiration() error {
	e := r.Expiration
	if e == nil {
		return nil
	}
	n := 0
	for _, set := range []bool{e.Days != 0, !e.Date.IsZero(), e.DeleteMarkerSet} {
		if set {
			n++
		}
	}
	if n != 1 {
		return malformed("Expiration must have exactly one of Days, Date and ExpiredObjectDeleteMarker")
	}
	if e.Days < 0 {
		return invalidArgument("'Days' for Expiration action must be a positive integer")
	}
	if err := checkMidnight(e.Date); err != nil {
		return err
	}
	if e.DeleteMarker && r.Filter.HasTags() {
		return invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")
	}
	return nil
}

func checkMidnight(d time.Time) error {
	if !d.IsZero() && !d.Equal(d.UTC().Truncate(24*time.Hour)) {
		return invalidArgument("'Date' must be at midnight GMT")
	}
	return nil
}

func (r *Rule) validateTransitions() error {
	classes := make(map[string]bool)
	days, dates := false, false
	for _, t := range r.Transitions {
		min, ok := transitionClasses[t.StorageClass]
		if !ok {
			return malformed("StorageClass is not a valid transition storage class")
		}
		if classes[t.StorageClass] {
			return invalidRequest("'StorageClass' must be different for 'Transition' actions in same 'Rule' with prefix")
		}
		classes[t.StorageClass] = true
		if t.Days != 0 && !t.Date.IsZero() {
			return malformed("Transition must have exactly one of Days and Date")
		}
		days, dates = days || t.Date.IsZero(), dates || !t.Date.IsZero()
		if err := checkMidnight(t.Date); err != nil {
			return err
		}
		if t.Date.IsZero() && t.Days < min {
			return invalidArgument("'Days' in Transition action must be greater than or equal to " + strconv.Itoa(min) + " for storageClass '" + t.StorageClass + "'")
		}
		if t.Days < 0 {
			return invalidArgument("'Days' in Transition action must be a non-negative integer")
		}
		if e := r.Expiration; e != nil && e.Days > 0 && t.Date.IsZero() && e.Days <= t.Days {
			return invalidArgument("'Days' in the Expiration action for filter must be greater than 'Days' in the Transition action")
		}
		if e := r.Expiration; e != nil && !e.Date.IsZero() && !t.Date.IsZero() && !e.Date.After(t.Date) {
			return invalidArgument("'Date' in the Expiration action must be later than 'Date' in the Transition action")
		}
	}
	if days && dates {
		return invalidRequest("Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule")
	}
	return nil
}

func (r *Rule) validateNoncurrentTransitions() error {
	classes := make(map[string]bool)
	for _, t := range r.NoncurrentTransitions {
		min, ok := transitionClasses[t.StorageClass]
		if !ok {
			return malformed("StorageClass is not a valid transition storage class")
		}
		if classes[t.StorageClass] {
			return invalidRequest("'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule' with prefix")
		}
		classes[t.StorageClass] = true
		if t.Days < min || t.Days < 0 {
			return invalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to " + strconv.Itoa(min) + " for storageClass '" + t.StorageClass + "'")
		}
		if t.Newer < 0 || t.Newer > MaxNewerNoncurrentVersions {
			return invalidArgument("'NewerNoncurrentVersions' for NoncurrentVersionTransition action must be a positive integer up to 100")
		}
		if ne := r.NoncurrentExpiration; ne != nil && ne.Days <= t.Days {
			return invalidArgument("'NoncurrentDays' in the NoncurrentVersionExpiration action must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action")
		}
	}
	return nil
}
