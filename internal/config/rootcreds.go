package config

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// RootCredentialsFile is the name, inside the data directory, of the file
// that keeps the root key pair.
const RootCredentialsFile = "root-credentials.json"

// rootFormatV1 is the first root credentials file format: a JSON object with
// format_version, access_key and secret_key. Its encoding must never change;
// a new format gets a new constant and a migration from this one.
const rootFormatV1 = 1

// RootCredentials is the account's root key pair.
type RootCredentials struct {
	AccessKey string
	SecretKey string
}

// LogValue keeps the secret out of logs: a RootCredentials logs as its access
// key alone.
func (r RootCredentials) LogValue() slog.Value { return slog.StringValue(r.AccessKey) }

// String shows the access key only, for the same reason as LogValue.
func (r RootCredentials) String() string { return r.AccessKey }

// RootSource says where LoadRootCredentials found the root key pair.
type RootSource int

// Sources of the root credentials.
const (
	// RootStored: read from the data directory, nothing configured (or the
	// configured pair equals the stored one).
	RootStored RootSource = iota
	// RootGenerated: first start without configured credentials; a new
	// pair was generated and stored. The caller shows it to the operator
	// once; it is never shown again.
	RootGenerated
	// RootConfigured: the configured pair was stored because the data
	// directory had none.
	RootConfigured
	// RootReplaced: the configured pair differs from the stored one and
	// replaced it. This is how an operator rotates the root key.
	RootReplaced
)

// Errors about the root credentials file.
var (
	ErrRootCredentialsCorrupt = errors.New("config: root credentials file is corrupt")
	ErrRootCredentialsFormat  = errors.New("config: root credentials file has an unknown format version")
)

// rootFile is the on-disk encoding of rootFormatV1.
type rootFile struct {
	FormatVersion int    `json:"format_version"`
	AccessKey     string `json:"access_key"`
	SecretKey     string `json:"secret_key"`
}

// LoadRootCredentials returns the root key pair of the data directory dir,
// creating dir if needed.
//
// Configured credentials (both fields set) are authoritative: the operator
// who sets them expects to be able to use them, so when they differ from the
// stored pair they replace it (RootReplaced) rather than being ignored. With
// nothing configured, the stored pair is used, or a new one is generated from
// random (crypto/rand when random is nil) and stored. The file is written
// atomically and durably with mode 0600.
func LoadRootCredentials(dir string, configured RootCredentials, random io.Reader) (RootCredentials, RootSource, error) {
	if random == nil {
		random = rand.Reader
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return RootCredentials{}, 0, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, RootCredentialsFile)
	stored, err := readRootFile(path)
	haveStored := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return RootCredentials{}, 0, err
	}
	switch {
	case configured.AccessKey != "" || configured.SecretKey != "":
		if err := validateKeyPair(configured.AccessKey, configured.SecretKey); err != nil {
			return RootCredentials{}, 0, err
		}
		if haveStored && stored == configured {
			return stored, RootStored, nil
		}
		if err := writeRootFile(path, configured); err != nil {
			return RootCredentials{}, 0, err
		}
		if haveStored {
			return configured, RootReplaced, nil
		}
		return configured, RootConfigured, nil
	case haveStored:
		return stored, RootStored, nil
	}
	gen, err := GenerateRootCredentials(random)
	if err != nil {
		return RootCredentials{}, 0, err
	}
	if err := writeRootFile(path, gen); err != nil {
		return RootCredentials{}, 0, err
	}
	return gen, RootGenerated, nil
}

func readRootFile(path string) (RootCredentials, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return RootCredentials{}, fmt.Errorf("read root credentials: %w", err)
	}
	var f rootFile
	if err := json.Unmarshal(b, &f); err != nil {
		return RootCredentials{}, fmt.Errorf("%w: %s: %v", ErrRootCredentialsCorrupt, path, err)
	}
	if f.FormatVersion != rootFormatV1 {
		return RootCredentials{}, fmt.Errorf("%w: %s: version %d", ErrRootCredentialsFormat, path, f.FormatVersion)
	}
	if err := validateKeyPair(f.AccessKey, f.SecretKey); err != nil {
		return RootCredentials{}, fmt.Errorf("%w: %s: %v", ErrRootCredentialsCorrupt, path, err)
	}
	return RootCredentials{AccessKey: f.AccessKey, SecretKey: f.SecretKey}, nil
}

// writeRootFile replaces path with rc: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory, so that
// after a crash the file holds either the old or the new pair, never a mix.
func writeRootFile(path string, rc RootCredentials) (err error) {
	b, err := json.MarshalIndent(rootFile{FormatVersion: rootFormatV1, AccessKey: rc.AccessKey, SecretKey: rc.SecretKey}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode root credentials: %w", err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+RootCredentialsFile+".*")
	if err != nil {
		return fmt.Errorf("write root credentials: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("write root credentials: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fmt.Errorf("write root credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync root credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write root credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("install root credentials: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync data directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync data directory: %w", err)
	}
	return nil
}
