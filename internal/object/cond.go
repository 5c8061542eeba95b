package object

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// etagMatches reports whether an If-Match / If-None-Match header value
// names etag: "*" matches any existing object, otherwise a comma-separated
// list of entity tags, quoted or not (weak tags compare by their value).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		if strings.Trim(t, `"`) == etag {
			return true
		}
	}
	return false
}

// modifiedAfter compares at the one-second granularity of HTTP dates.
func modifiedAfter(modified, since time.Time) bool {
	return modified.Truncate(time.Second).After(since.Truncate(time.Second))
}

// condOutcome is what read preconditions decide.
type condOutcome int

const (
	condProceed     condOutcome = iota
	condFailed                  // 412
	condNotModified             // 304
)

// evalConditions applies AWS's precedence: If-Match decides alone when
// given (a true If-Match overrides a false If-Unmodified-Since), and
// If-None-Match decides alone when given (a false If-None-Match with a true
// If-Modified-Since means not modified).
func evalConditions(c Conditions, etag string, modified time.Time) condOutcome {
	if c.IfMatch != "" {
		if !etagMatches(c.IfMatch, etag) {
			return condFailed
		}
	} else if c.IfUnmodifiedSince != nil && modifiedAfter(modified, *c.IfUnmodifiedSince) {
		return condFailed
	}
	if c.IfNoneMatch != "" {
		if etagMatches(c.IfNoneMatch, etag) {
			return condNotModified
		}
	} else if c.IfModifiedSince != nil && !modifiedAfter(modified, *c.IfModifiedSince) {
		return condNotModified
	}
	return condProceed
}

// checkReadConditions turns the outcome into the errors GET and HEAD return.
func checkReadConditions(c Conditions, rec *objectRecord) error {
	switch evalConditions(c, rec.ETag, rec.Modified) {
	case condFailed:
		return ErrPreconditionFailed
	case condNotModified:
		return &NotModifiedError{ETag: rec.ETag, LastModified: rec.Modified}
	}
	return nil
}

// checkCopySourceConditions applies the same rules to a copy source, where
// S3 answers 412 for every failed condition, "not modified" included.
func checkCopySourceConditions(c Conditions, rec *objectRecord) error {
	if evalConditions(c, rec.ETag, rec.Modified) != condProceed {
		return fmt.Errorf("copy source: %w", ErrPreconditionFailed)
	}
	return nil
}

// checkWriteConditions applies PutObject / CompleteMultipartUpload /
// CopyObject conditional-write headers to the current object (nil if
// none): If-None-Match "*" fails on an existing key, If-Match fails on a
// different ETag and on a missing key (ErrNoSuchKey, as S3 answers 404).
func checkWriteConditions(c WriteConditions, cur *objectRecord) error {
	if c.IfNoneMatch != "" {
		if strings.TrimSpace(c.IfNoneMatch) != "*" {
			return fmt.Errorf("%w: If-None-Match accepts only \"*\" on writes", ErrInvalidArgument)
		}
		if cur != nil {
			return ErrPreconditionFailed
		}
	}
	if c.IfMatch != "" {
		if cur == nil {
			return ErrNoSuchKey
		}
		if !etagMatches(c.IfMatch, cur.ETag) {
			return ErrPreconditionFailed
		}
	}
	return nil
}

// checkDeleteCondition applies a conditional delete's If-Match to key's
// current version, whatever version the delete names, as AWS says:
// "Conditional delete evaluations only apply to the current version of the
// object". A key with no current object (none at all, or a delete marker
// as its latest version) is ErrNoSuchKey, which S3 answers 404 for "*" and
// for an ETag alike; a different ETag is ErrPreconditionFailed.
func checkDeleteCondition(r meta.Reader, bucket, key, ifMatch string) error {
	cur, err := getObjectRecord(r, bucket, key)
	if errors.Is(err, ErrNoSuchKey) {
		return ErrNoSuchKey
	}
	if err != nil {
		return err
	}
	if !etagMatches(ifMatch, cur.ETag) {
		return ErrPreconditionFailed
	}
	return nil
}
