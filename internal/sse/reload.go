package sse

import (
	"crypto/subtle"
	"fmt"
	"maps"
	"slices"
)

// ReloadKeyringFile makes r hold exactly the versions of the master key
// file at path: versions another node added (a rotation) are added, and
// versions it retired are removed. Several nodes sharing one key file call
// it when the file changed, so that each unwraps what the others wrap.
//
// It changes nothing and fails if the file is behind r (r holds a version
// above the file's highest) or holds a different key under a version r
// holds: either means two writers diverged, and guessing would lose keys.
// changed reports whether r changed.
func ReloadKeyringFile(path string, r *Keyring) (changed bool, err error) {
	f, err := LoadKeyringFile(path)
	if err != nil {
		return false, err
	}
	defer f.zero()
	f.mu.RLock()
	defer f.mu.RUnlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current > f.current {
		return false, fmt.Errorf("%w: %s holds versions up to %d, behind this node's %d", ErrKeyFile, path, f.current, r.current)
	}
	for v, m := range f.masters {
		if have, ok := r.masters[v]; ok && subtle.ConstantTimeCompare(have.k[:], m.k[:]) != 1 {
			return false, fmt.Errorf("%w: %s holds another key under version %d", ErrKeyFile, path, v)
		}
	}
	for _, v := range slices.Sorted(maps.Keys(f.masters)) {
		if _, ok := r.masters[v]; ok {
			continue
		}
		kek, err := deriveKEK(f.masters[v])
		if err != nil {
			return changed, err
		}
		c := *f.masters[v]
		r.masters[v], r.keks[v] = &c, kek
		r.current = max(r.current, v)
		changed = true
	}
	for v, m := range r.masters {
		if _, ok := f.masters[v]; !ok {
			m.Zero()
			delete(r.masters, v)
			delete(r.keks, v)
			changed = true
		}
	}
	return changed, nil
}
