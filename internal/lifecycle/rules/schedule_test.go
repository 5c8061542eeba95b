package rules

import (
	"slices"
	"testing"
	"time"
)

func TestFilterMatches(t *testing.T) {
	gt, lt := int64(10), int64(100)
	f := Filter{Prefix: "a/", SizeGreaterThan: &gt, SizeLessThan: &lt, Tags: []Tag{{"k", "v"}}}
	tests := []struct {
		key  string
		size int64
		tags []Tag
		want bool
	}{
		{"a/x", 50, []Tag{{"k", "v"}, {"o", "p"}}, true},
		{"b/x", 50, []Tag{{"k", "v"}}, false},
		{"a/x", 10, []Tag{{"k", "v"}}, false}, // bounds are exclusive
		{"a/x", 100, []Tag{{"k", "v"}}, false},
		{"a/x", 50, []Tag{{"k", "w"}}, false},
		{"a/x", 50, nil, false},
	}
	for _, tt := range tests {
		if got := f.Matches(tt.key, tt.size, tt.tags); got != tt.want {
			t.Errorf("Matches(%q, %d, %v) = %v, want %v", tt.key, tt.size, tt.tags, got, tt.want)
		}
	}
}

func TestScanPrefixes(t *testing.T) {
	rule := func(prefix string, on bool) Rule {
		return Rule{ID: prefix, Enabled: on, Filter: Filter{Prefix: prefix}, Expiration: &Expiration{Days: 1}}
	}
	c := Config{Rules: []Rule{rule("logs/2026/", true), rule("logs/", true), rule("tmp/", true), rule("off/", false),
		{ID: "ab", Enabled: true, Filter: Filter{Prefix: "up/"}, AbortDays: 1}}}
	if got, want := c.ScanPrefixes(false), []string{"logs/", "tmp/"}; !slices.Equal(got, want) {
		t.Errorf("ScanPrefixes(versions) = %q, want %q", got, want)
	}
	if got, want := c.ScanPrefixes(true), []string{"up/"}; !slices.Equal(got, want) {
		t.Errorf("ScanPrefixes(uploads) = %q, want %q", got, want)
	}
	c.Rules = append(c.Rules, rule("", true))
	if got := c.ScanPrefixes(false); !slices.Equal(got, []string{""}) {
		t.Errorf("with a rule on every key: %q, want one empty prefix", got)
	}
}

// TestExpiry_earliestRule: the header names the rule that acts first.
func TestExpiry_earliestRule(t *testing.T) {
	created := time.Date(2014, 1, 15, 10, 30, 0, 0, time.UTC)
	c := Config{Rules: []Rule{
		{ID: "ten", Enabled: true, Expiration: &Expiration{Days: 10}},
		{ID: "three", Enabled: true, Filter: Filter{Prefix: "p"}, Expiration: &Expiration{Days: 3}},
		{ID: "off", Expiration: &Expiration{Days: 1}},
	}}
	due, id, ok := c.Expiry("pic", 1, nil, created, Day)
	if !ok || id != "three" || !due.Equal(time.Date(2014, 1, 19, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Expiry(pic) = %v %q %v, want 2014-01-19 three", due, id, ok)
	}
	if _, id, _ := c.Expiry("other", 1, nil, created, Day); id != "ten" {
		t.Errorf("Expiry(other) rule = %q, want ten", id)
	}
}
