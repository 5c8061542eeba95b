package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// state is one thing a key can hold: nothing, or content of a given size
// and SHA-256. etag, when set, is the ETag the content must be served with;
// it is empty where the driver cannot know it (an unacknowledged write).
type state struct {
	present bool
	size    int64
	sum     [sha256.Size]byte
	etag    string
}

var absent = state{}

func (s state) String() string {
	if !s.present {
		return "absent"
	}
	if s.etag != "" {
		return fmt.Sprintf("%d bytes sha256 %s etag %s", s.size, hex.EncodeToString(s.sum[:8]), s.etag)
	}
	return fmt.Sprintf("%d bytes sha256 %s", s.size, hex.EncodeToString(s.sum[:8]))
}

// matches reports whether got, as read from the store, is what want allows:
// the same presence, size and bytes, and want's ETag if it names one.
func (want state) matches(got state) bool {
	return want.present == got.present && want.size == got.size && want.sum == got.sum &&
		(want.etag == "" || want.etag == got.etag)
}

// withoutETag returns s with no ETag requirement.
func (s state) withoutETag() state {
	s.etag = ""
	return s
}

// model records, for every key the driver ever touched, the states the
// store may legitimately hold for it. A key has exactly one possible state
// once its last operation was acknowledged; an operation whose outcome is
// unknown (in flight at a kill, or failed) adds its result to the set.
type model struct {
	mu   sync.Mutex
	keys map[string][]state
}

func newModel() *model {
	return &model{keys: make(map[string][]state)}
}

// current returns the possible states of key; a key never touched is absent.
func (m *model) current(key string) []state {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.keys[key]; ok {
		return append([]state(nil), p...)
	}
	return []state{absent}
}

// acknowledged records that key now holds s.
func (m *model) acknowledged(key string, s state) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[key] = []state{s}
}

// uncertain records that key may now hold s, or whatever it could hold
// before.
func (m *model) uncertain(key string, s state) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.keys[key]
	if !ok {
		p = []state{absent}
	}
	for _, q := range p {
		if q == s {
			m.keys[key] = p
			return
		}
	}
	m.keys[key] = append(p, s)
}

// forget drops key from the model, once the driver has removed it from the
// store.
func (m *model) forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
}

// known reports whether the driver ever wrote key.
func (m *model) known(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.keys[key]
	return ok
}

// sortedKeys returns every key the driver touched, in order.
func (m *model) sortedKeys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.keys))
	for k := range m.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func describe(states []state) string {
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = s.String()
	}
	return strings.Join(parts, " | ")
}
