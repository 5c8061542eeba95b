package sse

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxKeyFileSize bounds what LoadKeyringFile reads: far more than any
// keyring needs.
const maxKeyFileSize = 1 << 20

// ParseKeyring reads master key versions from text, the content of a
// master key file or of an environment variable. Entries are separated by
// newlines, commas or spaces; each is VERSION:HEX, where VERSION is a
// decimal number from 1 and HEX the key's 32 bytes as 64 hex digits. A
// line starting with # is a comment. A text that holds a single bare HEX
// is version 1, so that the output of `openssl rand -hex 32` is a valid
// master key. Hex was chosen over base64 because it has one spelling and
// survives shells, YAML and copy and paste.
func ParseKeyring(text string) (*Keyring, error) {
	r := NewKeyring()
	var entries []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		entries = append(entries, strings.FieldsFunc(line, func(c rune) bool {
			return c == ',' || c == ' ' || c == '\t' || c == '\r'
		})...)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%w: no key", ErrKeyFile)
	}
	for i, e := range entries {
		vs, hx, ok := strings.Cut(e, ":")
		if !ok && len(entries) == 1 {
			vs, hx = "1", e
		} else if !ok {
			return nil, fmt.Errorf("%w: entry %d has no VERSION:", ErrKeyFile, i+1)
		}
		v, err := strconv.ParseUint(vs, 10, 32)
		if err != nil || v == 0 {
			return nil, fmt.Errorf("%w: entry %d: version %q is not a number from 1", ErrKeyFile, i+1, vs)
		}
		if err := addHex(r, uint32(v), hx); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
	}
	return r, nil
}

// addHex decodes hx and adds it as version v. The error never quotes hx.
func addHex(r *Keyring, v uint32, hx string) error {
	if len(hx) != 2*KeySize {
		return fmt.Errorf("%w: version %d: %d hex digits, want %d", ErrKeyFile, v, len(hx), 2*KeySize)
	}
	b, err := hex.DecodeString(hx)
	defer clear(b)
	if err != nil {
		return fmt.Errorf("%w: version %d: not hex", ErrKeyFile, v)
	}
	m, err := MasterKeyFromBytes(b)
	if err != nil {
		return err
	}
	defer m.Zero()
	return r.Add(v, m)
}

// LoadKeyringFile reads a master key file (see ParseKeyring). It refuses a
// file that is not a regular file or that its group or others may read or
// write (any permission bit in 0o077): a key others can read protects
// nothing, so this is an error rather than a warning.
func LoadKeyringFile(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sse: master key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("sse: master key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrKeyFile, path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %#o, open to group or others; chmod 600 it", ErrKeyFile, path, perm)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	defer clear(b)
	if err != nil {
		return nil, fmt.Errorf("sse: master key file: %w", err)
	}
	if len(b) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrKeyFile, path, maxKeyFileSize)
	}
	r, err := ParseKeyring(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// GenerateKeyringFile creates a master key file at path holding one fresh
// random key, version 1, and returns its Keyring. It never replaces an
// existing file (that would lose every object): an existing path is an
// error satisfying errors.Is(err, fs.ErrExist). The file has mode 0600 and
// is durable when it returns: the file and its directory are synced.
func GenerateKeyringFile(path string) (*Keyring, error) {
	m, err := NewMasterKey()
	if err != nil {
		return nil, err
	}
	defer m.Zero()
	r := NewKeyring()
	if err := r.Add(1, m); err != nil {
		return nil, err
	}
	if err := writeKeyringFile(path, r, false); err != nil {
		return nil, err
	}
	return r, nil
}

// SaveKeyringFile atomically replaces the master key file at path with
// every version r holds, for example after Rotate. Like
// GenerateKeyringFile it writes mode 0600 and syncs file and directory.
func SaveKeyringFile(path string, r *Keyring) error {
	return writeKeyringFile(path, r, true)
}

// writeKeyringFile writes r to a temporary file beside path, syncs it, and
// then links it to path (replace false: fails if path exists) or renames it
// over path; a crash leaves either the old file or the new one, whole.
func writeKeyringFile(path string, r *Keyring, replace bool) (err error) {
	text := r.marshal()
	defer clear(text)
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".masterkey-*") // mode 0600
	if err != nil {
		return fmt.Errorf("sse: master key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a link or rename, only the temporary name goes
	_, err = tmp.Write(text)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && replace {
		err = os.Rename(tmp.Name(), path)
	} else if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("sse: master key file: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// marshal returns r in ParseKeyring's format. The caller clears it.
func (r *Keyring) marshal() []byte {
	r.mu.RLock()
	defer r.mu.RUnlock()
	const head = "# coffer master key: VERSION:HEX per line. Keep a copy elsewhere; without it no object can be read.\n"
	// Sized up front so that append never leaves a copy of a key behind
	// in a discarded array.
	b := make([]byte, 0, len(head)+len(r.masters)*(10+1+2*KeySize+1))
	b = append(b, head...)
	for _, v := range r.versionsLocked() {
		b = strconv.AppendUint(b, uint64(v), 10)
		b = append(b, ':')
		b = hex.AppendEncode(b, r.masters[v].k[:])
		b = append(b, '\n')
	}
	return b
}
