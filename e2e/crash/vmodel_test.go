package main

import (
	"strings"
	"testing"
)

func TestCheckVersions(t *testing.T) {
	a := state{present: true, size: 1, sum: [32]byte{1}, etag: `"a"`}
	b := state{present: true, size: 2, sum: [32]byte{2}, etag: `"b"`}
	c := state{present: true, size: 3, sum: [32]byte{3}}
	obj := func(id string, st state) observed { return observed{id: id, st: st} }
	mark := func(id string) observed { return observed{id: id, marker: true} }
	latest := func(o observed) observed { o.latest = true; return o }

	tests := []struct {
		name string
		ops  func(m *vmodel)
		// listed is what ListObjectVersions shows, newest first.
		listed []observed
		// want lists a fragment of each violation expected; none means
		// the listing must pass.
		want []string
	}{
		{"nothing written, nothing listed", func(m *vmodel) {}, nil, nil},
		{
			"acknowledged versions in order",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b) },
			[]observed{latest(obj("2", b)), obj("1", a)}, nil,
		},
		{
			"acknowledged delete marker is latest",
			func(m *vmodel) { m.put("k", "1", a); m.marker("k", "2") },
			[]observed{latest(mark("2")), obj("1", a)}, nil,
		},
		{
			"deleted version is gone",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b); m.deleteVersion("k", "1", true) },
			[]observed{latest(obj("2", b))}, nil,
		},
		{
			"deleting the latest makes the one before it latest",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b); m.deleteVersion("k", "2", true) },
			[]observed{latest(obj("1", a))}, nil,
		},
		{
			"unacknowledged version delete happened",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b); m.deleteVersion("k", "1", false) },
			[]observed{latest(obj("2", b))}, nil,
		},
		{
			"unacknowledged version delete did not happen",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b); m.deleteVersion("k", "1", false) },
			[]observed{latest(obj("2", b)), obj("1", a)}, nil,
		},
		{
			"unacknowledged put happened",
			func(m *vmodel) { m.put("k", "1", a); m.putUncertain("k", c) },
			[]observed{latest(obj("9", c)), obj("1", a)}, nil,
		},
		{
			"unacknowledged put did not happen",
			func(m *vmodel) { m.put("k", "1", a); m.putUncertain("k", c) },
			[]observed{latest(obj("1", a))}, nil,
		},
		{
			"unacknowledged delete left a marker",
			func(m *vmodel) { m.put("k", "1", a); m.markerUncertain("k") },
			[]observed{latest(mark("9")), obj("1", a)}, nil,
		},
		{
			"lost acknowledged version",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b) },
			[]observed{latest(obj("2", b))},
			[]string{"acknowledged version 1 is lost"},
		},
		{
			"lost acknowledged delete marker",
			func(m *vmodel) { m.put("k", "1", a); m.marker("k", "2") },
			[]observed{latest(obj("1", a))},
			[]string{"acknowledged delete marker 2 is lost"},
		},
		{
			"resurrected deleted version",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b); m.deleteVersion("k", "1", true) },
			[]observed{latest(obj("2", b)), obj("1", a)},
			[]string{"version 1 is listed after its deletion was acknowledged"},
		},
		{
			"wrong bytes",
			func(m *vmodel) { m.put("k", "1", a) },
			[]observed{latest(obj("1", b))},
			[]string{"version 1 holds 2 bytes"},
		},
		{
			"wrong etag",
			func(m *vmodel) { m.put("k", "1", a) },
			[]observed{latest(obj("1", state{present: true, size: 1, sum: [32]byte{1}, etag: `"x"`}))},
			[]string{"version 1 holds"},
		},
		{
			"acknowledged versions out of order",
			func(m *vmodel) { m.put("k", "1", a); m.put("k", "2", b) },
			[]observed{latest(obj("1", a)), obj("2", b)},
			[]string{"version 2 is listed below a version acknowledged before it"},
		},
		{
			"marker not latest though nothing newer was acknowledged",
			func(m *vmodel) { m.put("k", "1", a); m.marker("k", "2") },
			[]observed{latest(obj("1", a)), mark("2")},
			[]string{"version 2 is listed below"},
		},
		{
			"IsLatest on an older version",
			func(m *vmodel) { m.put("k", "1", a); m.marker("k", "2") },
			[]observed{mark("2"), latest(obj("1", a))},
			[]string{"version 2 at position 0 is listed with IsLatest=false", "version 1 at position 1 is listed with IsLatest=true"},
		},
		{
			"object where a marker was acknowledged",
			func(m *vmodel) { m.put("k", "1", a); m.marker("k", "2") },
			[]observed{latest(obj("2", a)), obj("1", a)},
			[]string{"version 2 is listed with delete marker=false"},
		},
		{
			"version nobody wrote",
			func(m *vmodel) { m.put("k", "1", a) },
			[]observed{latest(obj("9", c)), obj("1", a)},
			[]string{"version 9 holds 3 bytes", "which no PUT wrote"},
		},
		{
			"unacknowledged put with other bytes",
			func(m *vmodel) { m.put("k", "1", a); m.putUncertain("k", c) },
			[]observed{latest(obj("9", b)), obj("1", a)},
			[]string{"which no PUT wrote"},
		},
		{
			"delete marker nobody asked for",
			func(m *vmodel) { m.put("k", "1", a) },
			[]observed{latest(mark("9")), obj("1", a)},
			[]string{"delete marker 9 was never acknowledged"},
		},
		{
			"unacknowledged version older than an acknowledged one",
			func(m *vmodel) { m.put("k", "1", a); m.putUncertain("k", c) },
			[]observed{latest(obj("1", a)), obj("9", c)},
			[]string{"unacknowledged version 9 is listed older"},
		},
		{
			"version listed twice",
			func(m *vmodel) { m.put("k", "1", a) },
			[]observed{latest(obj("1", a)), obj("1", a)},
			[]string{"listed twice"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newVModel()
			tt.ops(m)
			got := checkVersions("test", "k", m.snapshot()["k"], tt.listed)
			if len(tt.want) == 0 && len(got) > 0 {
				t.Fatalf("unexpected violations:\n%s", strings.Join(got, "\n"))
			}
			if len(tt.want) > 0 && len(got) == 0 {
				t.Fatalf("no violation, want %q", tt.want)
			}
			all := strings.Join(got, "\n")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("violations do not mention %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestStateMatches(t *testing.T) {
	a := state{present: true, size: 1, sum: [32]byte{1}}
	withETag := func(s state, e string) state { s.etag = e; return s }
	tests := []struct {
		name      string
		want, got state
		ok        bool
	}{
		{"same", a, a, true},
		{"want names no etag", a, withETag(a, `"x"`), true},
		{"same etag", withETag(a, `"x"`), withETag(a, `"x"`), true},
		{"other etag", withETag(a, `"x"`), withETag(a, `"y"`), false},
		{"other bytes", a, state{present: true, size: 1, sum: [32]byte{2}}, false},
		{"other size", a, state{present: true, size: 2, sum: [32]byte{1}}, false},
		{"absent", a, absent, false},
		{"absent both", absent, absent, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.want.matches(tt.got); got != tt.ok {
				t.Errorf("%v.matches(%v) = %v, want %v", tt.want, tt.got, got, tt.ok)
			}
		})
	}
}

func TestCopySource(t *testing.T) {
	tests := []struct{ key, want string }{
		{"w00/a/k001", "crash/w00/a/k001"},
		{"w00/d e/k001", "crash/w00/d%20e/k001"},
		{"w00/b/c/k%1", "crash/w00/b/c/k%251"},
	}
	for _, tt := range tests {
		if got := copySource("crash", tt.key); got != tt.want {
			t.Errorf("copySource(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}
