package sse

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	hexA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	hexB = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
)

func TestParseKeyring(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		versions []uint32
		wantErr  bool
	}{
		{"bare hex is version 1", hexA, []uint32{1}, false},
		{"bare hex with newline", hexA + "\n", []uint32{1}, false},
		{"versions on lines", "# comment\n1:" + hexA + "\n3:" + hexB + "\n", []uint32{1, 3}, false},
		{"versions in an environment value", "1:" + hexA + ",2:" + hexB, []uint32{1, 2}, false},
		{"spaces and CRLF", " 1:" + hexA + "\r\n 2:" + hexB + " ", []uint32{1, 2}, false},
		{"upper-case hex", "1:" + strings.ToUpper(hexA), []uint32{1}, false},
		{"empty", "", nil, true},
		{"only a comment", "# nothing\n", nil, true},
		{"short key", "1:" + hexA[:62], nil, true},
		{"long key", "1:" + hexA + "00", nil, true},
		{"not hex", "1:" + strings.Repeat("zz", 32), nil, true},
		{"base64 is not accepted", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", nil, true},
		{"version 0", "0:" + hexA, nil, true},
		{"bad version", "x:" + hexA, nil, true},
		{"version too large", "4294967296:" + hexA, nil, true},
		{"duplicate version", "1:" + hexA + "\n1:" + hexB, nil, true},
		{"two bare keys", hexA + "\n" + hexB, nil, true},
	}
	for _, tt := range tests {
		r, err := ParseKeyring(tt.text)
		if tt.wantErr {
			if !errors.Is(err, ErrKeyFile) {
				t.Errorf("%s: ParseKeyring error %v, want ErrKeyFile", tt.name, err)
			}
			if err != nil && (strings.Contains(err.Error(), hexA[:16]) || strings.Contains(err.Error(), "zzzz")) {
				t.Errorf("%s: error quotes key material: %v", tt.name, err)
			}
			continue
		}
		if err != nil || !slices.Equal(r.Versions(), tt.versions) {
			t.Errorf("%s: ParseKeyring = %v, %v, want versions %v", tt.name, r, err, tt.versions)
		}
	}
}

// TestKeyringFileRoundTrip generates a key file, rotates, saves, and loads
// the result: the same wraps unwrap.
func TestKeyringFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	r, err := GenerateKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("generated file mode %#o, want 0600", fi.Mode().Perm())
	}
	ctx := Context("b", "k")
	d := newKey(t)
	w1, _ := r.Wrap(d, ctx)
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	w2, _ := r.Wrap(d, ctx)
	if err := SaveKeyringFile(path, r); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadKeyringFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded.Versions(), []uint32{1, 2}) || loaded.Current() != 2 {
		t.Errorf("loaded versions %v, current %d", loaded.Versions(), loaded.Current())
	}
	for _, w := range []WrappedKey{w1, w2} {
		if got, err := loaded.Unwrap(w, ctx); err != nil || !sameKey(got, d) {
			t.Errorf("Unwrap after reload: %v", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key file", len(entries))
	}
}

func TestGenerateKeyringFileKeepsExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(hexA), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateKeyringFile(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("GenerateKeyringFile over an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != hexA {
		t.Error("existing key file changed")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("a temporary file was left behind: %d entries", len(entries))
	}
}

func TestLoadKeyringFilePermissions(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		mode    os.FileMode
		wantErr bool
	}{
		{0o600, false},
		{0o400, false},
		{0o640, true},
		{0o604, true},
		{0o660, true},
		{0o644, true},
		{0o666, true},
		{0o602, true},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "key-"+tt.mode.String())
		if err := os.WriteFile(path, []byte(hexA+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tt.mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKeyringFile(path)
		if tt.wantErr != (err != nil) || (tt.wantErr && !errors.Is(err, ErrKeyFile)) {
			t.Errorf("LoadKeyringFile(mode %#o) error %v, want error %v", tt.mode, err, tt.wantErr)
		}
	}
}

func TestLoadKeyringFileRefuses(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, maxKeyFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte(hexA[:40]), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, big, short} {
		if _, err := LoadKeyringFile(path); !errors.Is(err, ErrKeyFile) {
			t.Errorf("LoadKeyringFile(%s): %v, want ErrKeyFile", filepath.Base(path), err)
		}
	}
	if _, err := LoadKeyringFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadKeyringFile(missing): %v, want fs.ErrNotExist", err)
	}
}
