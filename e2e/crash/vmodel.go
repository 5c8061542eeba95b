package main

import (
	"fmt"
	"sort"
	"sync"
)

// ventry is one acknowledged version of a key in the versioned bucket: an
// object version with its content, or a delete marker.
type ventry struct {
	id     string
	marker bool
	st     state
	// gone: a DeleteObject of this version id was acknowledged.
	gone bool
	// maybeGone: a DeleteObject of this version id was sent but not
	// acknowledged, so the version may or may not exist.
	maybeGone bool
}

// vkey is what the driver did to one key of the versioned bucket. Its
// writer is one worker, so the order of entries is the order the store
// committed them, and an unacknowledged operation is the key's last one.
type vkey struct {
	entries []ventry // acknowledged versions, in acknowledgement order
	// maybePuts are the contents of unacknowledged PUTs: each may exist,
	// as a version newer than every entry, with a version id never seen.
	maybePuts []state
	// maybeMarkers counts unacknowledged plain DELETEs, each of which may
	// have left a delete marker newer than every entry.
	maybeMarkers int
}

// vmodel records the versioned bucket's keys. The driver empties the bucket
// after each verification, so it only ever holds one round's keys.
type vmodel struct {
	mu   sync.Mutex
	keys map[string]*vkey
}

func newVModel() *vmodel { return &vmodel{keys: make(map[string]*vkey)} }

func (m *vmodel) key(k string) *vkey {
	v, ok := m.keys[k]
	if !ok {
		v = &vkey{}
		m.keys[k] = v
	}
	return v
}

// put records an acknowledged PUT that created version id with content st.
func (m *vmodel) put(k, id string, st state) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.key(k)
	v.entries = append(v.entries, ventry{id: id, st: st})
}

// putUncertain records a PUT of st whose outcome is unknown.
func (m *vmodel) putUncertain(k string, st state) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.key(k)
	v.maybePuts = append(v.maybePuts, st.withoutETag())
}

// marker records an acknowledged plain DELETE that created delete marker id.
func (m *vmodel) marker(k, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.key(k)
	v.entries = append(v.entries, ventry{id: id, marker: true})
}

// markerUncertain records a plain DELETE whose outcome is unknown.
func (m *vmodel) markerUncertain(k string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key(k).maybeMarkers++
}

// deleteVersion records a DELETE of version id: acknowledged, the version
// is gone; otherwise it may be.
func (m *vmodel) deleteVersion(k, id string, acknowledged bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.key(k)
	for i := range v.entries {
		if v.entries[i].id == id {
			if acknowledged {
				v.entries[i].gone = true
			} else {
				v.entries[i].maybeGone = true
			}
		}
	}
}

// snapshot returns a copy of every key's record, by key.
func (m *vmodel) snapshot() map[string]vkey {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]vkey, len(m.keys))
	for k, v := range m.keys {
		out[k] = vkey{
			entries:      append([]ventry(nil), v.entries...),
			maybePuts:    append([]state(nil), v.maybePuts...),
			maybeMarkers: v.maybeMarkers,
		}
	}
	return out
}

// reset forgets every key, once the driver has emptied the bucket.
func (m *vmodel) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys = make(map[string]*vkey)
}

// observed is one version of a key as ListObjectVersions showed it, with
// the content a GET of its version id returned (object versions only).
type observed struct {
	id     string
	marker bool
	latest bool
	st     state
}

// checkVersions compares the versions listed for key, newest first, with
// what the driver did to it, and returns every violation:
//   - each acknowledged version that was not deleted is listed, with its
//     exact bytes (object) or as a delete marker;
//   - no version whose deletion was acknowledged is listed;
//   - a version the driver never saw acknowledged is accounted for by an
//     unacknowledged PUT of the same bytes or an unacknowledged DELETE, and
//     is newer than every acknowledged one;
//   - acknowledged versions are listed newest first in the reverse of their
//     acknowledgement order, and only the first version listed is latest.
//
// Whether a deleted version also answers NoSuchVersion to a GET is checked
// by the caller, which has the client.
func checkVersions(label, key string, k vkey, listed []observed) []string {
	var v []string
	bad := func(format string, args ...any) {
		v = append(v, fmt.Sprintf("%s: versioned %q: ", label, key)+fmt.Sprintf(format, args...))
	}
	byID := make(map[string]int, len(k.entries))
	for i, e := range k.entries {
		byID[e.id] = i
	}
	pool := append([]state(nil), k.maybePuts...)
	markers := 0
	seen := make(map[string]bool)
	last := len(k.entries) // acknowledgement index of the last known version listed
	sawKnown := false
	for pos, o := range listed {
		if seen[o.id] {
			bad("version %s is listed twice", o.id)
			continue
		}
		seen[o.id] = true
		if o.latest != (pos == 0) {
			bad("version %s at position %d is listed with IsLatest=%v", o.id, pos, o.latest)
		}
		i, known := byID[o.id]
		if !known {
			if sawKnown {
				bad("unacknowledged version %s is listed older than an acknowledged one", o.id)
			}
			if o.marker {
				if markers++; markers > k.maybeMarkers {
					bad("delete marker %s was never acknowledged nor sent unanswered", o.id)
				}
				continue
			}
			if j := indexMatching(pool, o.st); j >= 0 {
				pool = append(pool[:j], pool[j+1:]...)
			} else {
				bad("version %s holds %s, which no PUT wrote", o.id, o.st)
			}
			continue
		}
		sawKnown = true
		e := k.entries[i]
		switch {
		case e.gone:
			bad("version %s is listed after its deletion was acknowledged", o.id)
		case e.marker != o.marker:
			bad("version %s is listed with delete marker=%v, want %v", o.id, o.marker, e.marker)
		case !e.marker && !e.st.matches(o.st):
			bad("version %s holds %s, want %s", o.id, o.st, e.st)
		}
		if i >= last {
			bad("version %s is listed below a version acknowledged before it", o.id)
		}
		last = i
	}
	for _, e := range k.entries {
		if !e.gone && !e.maybeGone && !seen[e.id] {
			kind := "version"
			if e.marker {
				kind = "delete marker"
			}
			bad("acknowledged %s %s is lost", kind, e.id)
		}
	}
	return v
}

func indexMatching(states []state, got state) int {
	for i, s := range states {
		if s.matches(got) {
			return i
		}
	}
	return -1
}

// sortedVKeys returns the keys of a snapshot in order.
func sortedVKeys(s map[string]vkey) []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
