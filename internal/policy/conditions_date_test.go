package policy

import (
	"testing"
	"time"
)

func TestEvalCondition_Date(t *testing.T) {
	issued := []string{"2020-01-01T00:00:01Z"}
	runCondTests(t, []condTest{
		// "Condition": {"DateGreaterThan": {"aws:TokenIssueTime":
		// "2020-01-01T00:00:01Z"}}; "The aws:TokenIssueTime key is present
		// in the request context only when the principal uses temporary
		// credentials ... if an IAM user attempts to view or edit an
		// access key, the request is denied."
		{"issued later", "DateGreaterThan", issued, keyed("2020-06-01T12:00:00Z"), true},
		{"issued before", "DateGreaterThan", issued, keyed("2019-12-31T23:59:59Z"), false},
		{"issued at", "DateGreaterThan", issued, keyed("2020-01-01T00:00:01Z"), false},
		{"no token", "DateGreaterThan", issued, noKey, false},
		{"GreaterThanEquals at", "DateGreaterThanEquals", issued, keyed("2020-01-01T00:00:01Z"), true},
		{"LessThan", "DateLessThan", issued, keyed("2020-01-01T00:00:00.999Z"), true},
		{"LessThan at", "DateLessThan", issued, keyed("2020-01-01T00:00:01Z"), false},
		{"LessThanEquals at", "DateLessThanEquals", issued, keyed("2020-01-01T00:00:01.000Z"), true},
		{"LessThanEquals after", "DateLessThanEquals", issued, keyed("2020-01-01T00:00:01.001Z"), false},
		// Instants compare, whatever the form.
		{"date is midnight UTC", "DateEquals", []string{"2020-01-01"}, keyed("2020-01-01T00:00:00Z"), true},
		{"year is 1 January", "DateEquals", []string{"2020"}, keyed("2020-01-01"), true},
		{"month is its first day", "DateEquals", []string{"2020-02"}, keyed("2020-02-01T00:00Z"), true},
		{"zone offset", "DateEquals", []string{"2020-01-01T01:00:00+01:00"}, keyed("2020-01-01T00:00:00Z"), true},
		{"negative offset", "DateEquals", []string{"2019-12-31T19:00:00-05:00"}, keyed("2020-01-01T00:00:00Z"), true},
		{"no zone is UTC", "DateEquals", []string{"2020-01-01T00:00:00"}, keyed("2020-01-01T00:00:00Z"), true},
		{"minutes only", "DateEquals", []string{"2020-01-01T10:30Z"}, keyed("2020-01-01T10:30:00Z"), true},
		{"fraction", "DateEquals", []string{"2020-01-01T00:00:00.5Z"}, keyed("2020-01-01T00:00:00.500000Z"), true},
		{"basic format", "DateEquals", []string{"20130930T231548Z"}, keyed("2013-09-30T23:15:48Z"), true},
		// aws:EpochTime: "epoch (UNIX) time" on either side.
		{"epoch request", "DateLessThan", []string{"2020-01-01T00:00:00Z"}, keyed("1577836799"), true},
		{"epoch request at", "DateEquals", []string{"2020-01-01T00:00:00Z"}, keyed("1577836800"), true},
		{"epoch policy", "DateGreaterThan", []string{"1577836800"}, keyed("2020-01-01T00:00:01Z"), true},
		{"epoch fraction", "DateEquals", []string{"1577836800.5"}, keyed("2020-01-01T00:00:00.5Z"), true},
		{"epoch zero", "DateEquals", []string{"0"}, keyed("1970-01-01T00:00:00Z"), true},
		{"epoch negative", "DateLessThan", []string{"0"}, keyed("-1"), true},
		{"Equals differs", "DateEquals", []string{"2020-01-01"}, keyed("2020-01-02"), false},
		{"NotEquals differs", "DateNotEquals", []string{"2020-01-01"}, keyed("2020-01-02"), true},
		{"NotEquals same instant", "DateNotEquals", []string{"2020-01-01"}, keyed("1577836800"), false},
		{"NotEquals missing", "DateNotEquals", []string{"2020-01-01"}, noKey, true},
		{"OR of values", "DateEquals", []string{"2020-01-01", "2021-01-01"}, keyed("2021-01-01T00:00:00Z"), true},
		// A request value that is not a date matches no policy value.
		{"request not a date", "DateLessThan", []string{"2020-01-01"}, keyed("yesterday"), false},
		{"request empty", "DateGreaterThan", []string{"2020-01-01"}, keyed(""), false},
		{"request bad day", "DateLessThan", []string{"2020-01-01"}, keyed("2019-02-30"), false},
		{"request wildcard", "DateLessThan", []string{"2020-01-01"}, keyed("2019-*"), false},
		{"NotEquals request not a date", "DateNotEquals", []string{"2020-01-01"}, keyed("soon"), true},
	})
	// "Wildcards are not permitted for date condition operators."
	runBadValueTests(t, []badValueTest{
		{"DateEquals", []string{"2020-01-*"}},
		{"DateLessThan", []string{"tomorrow"}},
		{"DateGreaterThan", []string{""}},
		{"DateGreaterThan", []string{"2020-13-01"}},
		{"DateGreaterThan", []string{"2020-01-01T25:00:00Z"}},
		{"DateGreaterThan", []string{"2020-01-01T00:00:00+0100x"}},
		{"DateNotEquals", []string{"2020-01-01", "01/02/2020"}},
		{"DateLessThanEquals", []string{"1e9"}},
		{"DateLessThanEquals", []string{"1577836800."}},
		{"DateLessThanEquals", []string{"99999999999999999999"}},
		{"ForAllValues:DateEqualsIfExists", []string{"x"}},
	})
}

func TestParseCondDate_Forms(t *testing.T) {
	want := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"2020", "2020-01", "2020-01-01",
		"2020-01-01T00:00Z", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z",
		"2020-01-01T00:00:00.000000000Z", "2020-01-01T02:00:00+02:00",
		"2020-01-01T00:00", "2020-01-01T00:00:00", "2020-01-01T00:00:00.0",
		"20200101T000000Z", "20200101T000000", "20200101T010000+0100",
		"1577836800", "1577836800.000",
	} {
		got, ok := parseCondDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("parseCondDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
