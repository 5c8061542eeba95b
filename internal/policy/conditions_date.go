package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date condition operators compare instants. AWS takes date/time values
// "with one of the W3C implementations of the ISO 8601 date formats or in
// epoch (UNIX) time" (IAM User Guide, Date condition operators). Wildcards
// are not permitted. A policy value that is not a date makes the condition
// unevaluable; a request value that is not a date matches nothing.

func dateCompiler(c condCmp) func([]string) (condMatcher, error) {
	return func(want []string) (condMatcher, error) {
		times := make([]time.Time, len(want))
		for i, w := range want {
			t, ok := parseCondDate(w)
			if !ok {
				return nil, fmt.Errorf("value %q is not a date", w)
			}
			times[i] = t
		}
		return func(v string) bool {
			r, ok := parseCondDate(v)
			if !ok {
				return false
			}
			for _, t := range times {
				if c.holds(r.Compare(t)) {
					return true
				}
			}
			return false
		}, nil
	}
}

// parseCondDate reads a date value: exactly four digits are a W3C year
// (YYYY); any other run of digits, with an optional sign and fraction, is
// epoch seconds (aws:EpochTime); everything else must fit a layout.
func parseCondDate(s string) (time.Time, bool) {
	if len(s) == 4 && allDecimalDigits(s) {
		y, _ := strconv.Atoi(s)
		return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC), true
	}
	if t, ok := parseEpochSeconds(s); ok {
		return t, true
	}
	// The W3C profile of ISO 8601 (YYYY-MM, YYYY-MM-DD, and date-times to
	// the minute or second, with an optional fraction of a second, which
	// time.Parse accepts after the seconds on its own), with the zone
	// designator (Z or ±hh:mm) or without one, read as UTC; and the ISO 8601
	// basic format (20130930T231548Z), which AWS's examples also use.
	for _, layout := range [...]string{
		"2006-01",
		"2006-01-02",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04",
		"2006-01-02T15:04:05",
		"20060102T150405Z0700",
		"20060102T150405",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// maxEpochSecondsDigits bounds epoch seconds (12 digits are some 31,000
// years) so that the value fits int64 and time.Time with room to spare.
const maxEpochSecondsDigits = 12

// parseEpochSeconds reads [-]digits[.digits] as seconds since the epoch,
// keeping at most nanosecond precision.
func parseEpochSeconds(s string) (time.Time, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > maxEpochSecondsDigits || !allDecimalDigits(whole) {
		return time.Time{}, false
	}
	if hasFrac && (frac == "" || !allDecimalDigits(frac)) {
		return time.Time{}, false
	}
	sec, _ := strconv.ParseInt(whole, 10, 64)
	var nsec int64
	if frac != "" {
		frac = (frac + "000000000")[:9]
		nsec, _ = strconv.ParseInt(frac, 10, 64)
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), true
}
