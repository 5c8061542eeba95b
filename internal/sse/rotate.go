package sse

import (
	"encoding/binary"
	"fmt"
)

// SealedVersion returns the master key version a secret sealed by Seal
// was sealed under.
func SealedVersion(sealed []byte) (uint32, error) {
	if len(sealed) == 0 || sealed[0] != sealFormatV1 {
		return 0, fmt.Errorf("%w: sealed secret format", ErrUnsupported)
	}
	if len(sealed) < sealMinSize {
		return 0, fmt.Errorf("%w: sealed secret of %d bytes", ErrNotAuthentic, len(sealed))
	}
	return binary.BigEndian.Uint32(sealed[1:5]), nil
}

// Reseal moves a sealed secret to the current master key version, with
// the same context and plaintext. A secret already sealed under the
// current version is returned as is.
func (r *Keyring) Reseal(sealed, context []byte) ([]byte, error) {
	pt, err := r.Open(sealed, context)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	if v, _ := SealedVersion(sealed); v == r.Current() {
		return sealed, nil
	}
	return r.Seal(pt, context)
}

// RotateKeyringFile adds a fresh random master key to r as version
// Current()+1 and makes it current, after writing the master key file at
// path with every version r holds plus the new one (atomically, synced
// like SaveKeyringFile). If the file cannot be written, r is unchanged:
// a key that is not on disk never wraps anything. The caller serializes
// RotateKeyringFile and RetireKeyringFile calls for one file, so that no
// two write it from different views of the keyring.
func RotateKeyringFile(path string, r *Keyring) (uint32, error) {
	m, err := NewMasterKey()
	if err != nil {
		return 0, err
	}
	defer m.Zero()
	next, err := r.copyExcept(0)
	if err != nil {
		return 0, err
	}
	defer next.zero()
	v := next.Current() + 1
	if v == 0 {
		return 0, fmt.Errorf("%w: no version after %d", ErrKeyFile, v-1)
	}
	if err := next.Add(v, m); err != nil {
		return 0, err
	}
	if err := SaveKeyringFile(path, next); err != nil {
		return 0, err
	}
	if err := r.Add(v, m); err != nil {
		return 0, err
	}
	return v, nil
}

// RetireKeyringFile removes master key version from r and from the
// master key file at path: the file is rewritten first (atomically), then
// r forgets the version. Wraps made with it no longer unwrap, so the
// caller must know that nothing uses it. The current version cannot be
// retired. See RotateKeyringFile about serializing calls.
func RetireKeyringFile(path string, r *Keyring, version uint32) error {
	if version == r.Current() {
		return fmt.Errorf("sse: cannot remove the current master key version %d", version)
	}
	next, err := r.copyExcept(version)
	if err != nil {
		return err
	}
	defer next.zero()
	if err := SaveKeyringFile(path, next); err != nil {
		return err
	}
	return r.Remove(version)
}

// Has reports whether r holds master key version.
func (r *Keyring) Has(version uint32) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.masters[version]
	return ok
}

// copyExcept returns a new Keyring with every version r holds but
// except (0: none).
func (r *Keyring) copyExcept(except uint32) (*Keyring, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c := NewKeyring()
	for v, m := range r.masters {
		if v == except {
			continue
		}
		if err := c.Add(v, m); err != nil {
			c.zero()
			return nil, err
		}
	}
	return c, nil
}

// zero wipes every master key r holds; r is unusable afterwards.
func (r *Keyring) zero() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.masters {
		m.Zero()
	}
}
