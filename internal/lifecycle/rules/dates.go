package rules

import (
	"math"
	"time"
)

// Day is the length of a lifecycle day in S3.
const Day = 24 * time.Hour

// farFuture stands for a due time beyond any clock: a number of days so
// large that the arithmetic would overflow.
var farFuture = time.Unix(1<<40, 0).UTC()

// Due is when an action counted in days from start becomes due: start
// plus days, rounded up to the next day boundary, as S3 documents ("an
// object created 1/15/2014 10:30 AM UTC with a 3-day expiration expires
// 1/19/2014 00:00 UTC"). Day boundaries are multiples of day since the
// Unix epoch, which for the 24-hour day are the midnights UTC; a shorter
// day (for testing) compresses the whole schedule the same way.
func Due(start time.Time, days int, day time.Duration) time.Time {
	if day <= 0 {
		day = Day
	}
	if days < 0 || int64(days) > math.MaxInt64/int64(day)/4 {
		return farFuture
	}
	t := start.Add(time.Duration(days) * day)
	return floorDay(t, day).Add(day)
}

// floorDay rounds t down to a multiple of day since the Unix epoch.
func floorDay(t time.Time, day time.Duration) time.Time {
	ns := t.UnixNano()
	q := ns / int64(day)
	if ns%int64(day) < 0 {
		q--
	}
	return time.Unix(0, q*int64(day)).UTC()
}
