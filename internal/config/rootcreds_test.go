package config

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateRootCredentials(t *testing.T) {
	rc, err := GenerateRootCredentials(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.AccessKey) != GeneratedAccessKeyLen || strings.Trim(rc.AccessKey, accessKeyAlphabet) != "" {
		t.Errorf("access key %q: want %d characters of [A-Z0-9]", rc.AccessKey, GeneratedAccessKeyLen)
	}
	if len(rc.SecretKey) != GeneratedSecretKeyLen || strings.Trim(rc.SecretKey, secretKeyAlphabet) != "" {
		t.Errorf("secret key has %d characters, want %d from the base64 alphabet", len(rc.SecretKey), GeneratedSecretKeyLen)
	}
	if err := validateKeyPair(rc.AccessKey, rc.SecretKey); err != nil {
		t.Errorf("generated pair does not validate: %v", err)
	}
}

func TestGenerateRootCredentials_shortRandom(t *testing.T) {
	if _, err := GenerateRootCredentials(bytes.NewReader(make([]byte, 10))); err == nil {
		t.Error("GenerateRootCredentials(short reader) succeeded, want error")
	}
}

func TestRootCredentials_neverPrintsSecret(t *testing.T) {
	rc := RootCredentials{AccessKey: "AK", SecretKey: "very-secret"}
	for _, s := range []string{rc.String(), rc.LogValue().String()} {
		if strings.Contains(s, "very-secret") {
			t.Errorf("formatted credentials %q contain the secret", s)
		}
	}
}

func TestLoadRootCredentials(t *testing.T) {
	stored := RootCredentials{AccessKey: "STOREDKEY", SecretKey: "storedsecret"}
	other := RootCredentials{AccessKey: "OTHERKEY", SecretKey: "othersecret"}
	tests := []struct {
		name       string
		stored     *RootCredentials
		configured RootCredentials
		want       RootCredentials // zero: generated
		wantSource RootSource
	}{
		{name: "first start generates", wantSource: RootGenerated},
		{name: "first start with configured", configured: other, want: other, wantSource: RootConfigured},
		{name: "later start loads", stored: &stored, want: stored, wantSource: RootStored},
		{name: "later start same configured", stored: &stored, configured: stored, want: stored, wantSource: RootStored},
		{name: "later start different configured replaces", stored: &stored, configured: other, want: other, wantSource: RootReplaced},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if tt.stored != nil {
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := writeRootFile(filepath.Join(dir, RootCredentialsFile), *tt.stored); err != nil {
					t.Fatal(err)
				}
			}
			got, src, err := LoadRootCredentials(dir, tt.configured, nil)
			if err != nil {
				t.Fatalf("LoadRootCredentials: %v", err)
			}
			if src != tt.wantSource {
				t.Errorf("source = %v, want %v", src, tt.wantSource)
			}
			if tt.want != (RootCredentials{}) && got != tt.want {
				t.Errorf("credentials = %v, want %v", got, tt.want)
			}
			fi, err := os.Stat(filepath.Join(dir, RootCredentialsFile))
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode().Perm(); mode != 0o600 {
				t.Errorf("file mode = %v, want 0600", mode)
			}
			// A later start with nothing configured sees the same pair.
			again, src, err := LoadRootCredentials(dir, RootCredentials{}, nil)
			if err != nil || again != got || src != RootStored {
				t.Errorf("reload = %v, %v, %v; want %v, RootStored, nil", again, src, err, got)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("data dir holds %d entries, want only %s (no temporary files left)", len(entries), RootCredentialsFile)
			}
		})
	}
}

func TestLoadRootCredentials_badFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    error
	}{
		{name: "not json", content: "{", want: ErrRootCredentialsCorrupt},
		{name: "future version", content: `{"format_version":2,"access_key":"AKAKAK","secret_key":"secretsecret"}`, want: ErrRootCredentialsFormat},
		{name: "missing version", content: `{"access_key":"AKAKAK","secret_key":"secretsecret"}`, want: ErrRootCredentialsFormat},
		{name: "empty secret", content: `{"format_version":1,"access_key":"AKAKAK","secret_key":""}`, want: ErrRootCredentialsCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, RootCredentialsFile), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := LoadRootCredentials(dir, RootCredentials{}, nil)
			if !errors.Is(err, tt.want) {
				t.Errorf("LoadRootCredentials error = %v, want %v", err, tt.want)
			}
		})
	}
}
