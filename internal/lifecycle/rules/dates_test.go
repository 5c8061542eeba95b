package rules

import (
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		start string
		days  int
		day   time.Duration
		want  string
	}{
		// S3 user guide, "Lifecycle rules: Based on an object's age".
		{"aws example", "2014-01-15T10:30:00Z", 3, Day, "2014-01-19T00:00:00Z"},
		{"one day", "2026-12-21T13:42:50Z", 1, Day, "2026-12-23T00:00:00Z"},
		{"zero days is the next midnight", "2026-12-21T13:42:50Z", 0, Day, "2026-12-22T00:00:00Z"},
		{"created at midnight", "2026-12-21T00:00:00Z", 1, Day, "2026-12-23T00:00:00Z"},
		{"just before midnight", "2026-12-21T23:59:59.999Z", 1, Day, "2026-12-23T00:00:00Z"},
		{"across a year", "2026-12-31T12:00:00Z", 1, Day, "2027-01-02T00:00:00Z"},
		{"leap day", "2028-02-28T08:00:00Z", 1, Day, "2028-03-01T00:00:00Z"},
		{"other time zone", "2014-01-15T23:30:00-05:00", 3, Day, "2014-01-20T00:00:00Z"},
		{"thirty days", "2026-01-01T06:00:00Z", 30, Day, "2026-02-01T00:00:00Z"},
		{"short day", "1970-01-01T00:00:03.5Z", 3, 2 * time.Second, "1970-01-01T00:00:10Z"},
		{"default day", "2014-01-15T10:30:00Z", 3, 0, "2014-01-19T00:00:00Z"},
		{"before the epoch", "1969-12-31T10:00:00Z", 1, Day, "1970-01-02T00:00:00Z"},
		{"overflow", "2026-01-01T00:00:00Z", 1 << 40, Day, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Due(at(tt.start), tt.days, tt.day)
			want := farFuture
			if tt.want != "" {
				want = at(tt.want)
			}
			if !got.Equal(want) {
				t.Errorf("Due(%s, %d, %v) = %s, want %s", tt.start, tt.days, tt.day, got.Format(time.RFC3339Nano), want.Format(time.RFC3339))
			}
		})
	}
}
