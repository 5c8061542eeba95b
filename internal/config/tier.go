package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// Tier is one parsed --tier setting: where the bytes of a storage class
// live. Exactly one of Dir and Bucket is set.
type Tier struct {
	// Class is the storage class, as S3 spells it (STANDARD_IA, GLACIER…).
	Class string
	// Dir is the absolute directory of a blob store on the local file
	// system (another disk).
	Dir string
	// Endpoint, Bucket and Prefix locate an S3 tier: objects named
	// Prefix+id in Bucket of the S3 server at Endpoint.
	Endpoint, Bucket, Prefix string
	// AccessKey and SecretKey sign an S3 tier's requests ("" for
	// unsigned).
	AccessKey string
	SecretKey Secret
}

// tierClasses are the storage classes a tier may hold: every class of a
// general purpose bucket but STANDARD, whose bytes are the main store's.
var tierClasses = []string{"REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
	"GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}

// ParseTier parses "CLASS=DEST", DEST being an absolute directory or
// s3://BUCKET[/PREFIX]?endpoint=http://host:port. It returns no
// credentials: those come from the environment (TierSpecs).
func ParseTier(s string) (Tier, error) {
	class, dest, ok := strings.Cut(s, "=")
	if !ok || class == "" || dest == "" {
		return Tier{}, fmt.Errorf("tier %q: want CLASS=DEST", s)
	}
	if !slices.Contains(tierClasses, class) {
		return Tier{}, fmt.Errorf("tier %q: class %q: want one of %s (STANDARD bytes stay in the data directory)",
			s, class, strings.Join(tierClasses, ", "))
	}
	t := Tier{Class: class}
	if !strings.HasPrefix(dest, "s3://") {
		if !filepath.IsAbs(dest) {
			return Tier{}, fmt.Errorf("tier %q: want an absolute directory or s3://BUCKET[/PREFIX]?endpoint=URL", s)
		}
		t.Dir = filepath.Clean(dest)
		return t, nil
	}
	u, err := url.Parse(dest)
	if err != nil {
		return Tier{}, fmt.Errorf("tier %q: %v", s, err)
	}
	t.Bucket, t.Prefix = u.Host, strings.Trim(u.Path, "/")
	t.Endpoint = u.Query().Get("endpoint")
	if t.Bucket == "" || u.User != nil {
		return Tier{}, fmt.Errorf("tier %q: want s3://BUCKET[/PREFIX]?endpoint=URL (credentials from the environment only)", s)
	}
	e, err := url.Parse(t.Endpoint)
	if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" || e.User != nil {
		return Tier{}, fmt.Errorf("tier %q: endpoint: want http://host:port or https://host:port", s)
	}
	return t, nil
}

// TierSpecs parses Tiers and gives each S3 tier its credentials: the
// class's own from TierKeys, else TierAccessKey and TierSecretKey. Two
// tiers for one class are an error.
func (c Config) TierSpecs() ([]Tier, error) {
	var out []Tier
	for _, s := range c.Tiers {
		t, err := ParseTier(s)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o Tier) bool { return o.Class == t.Class }) {
			return nil, fmt.Errorf("tier %q: class %s has two tiers", s, t.Class)
		}
		if t.Bucket != "" {
			t.AccessKey, t.SecretKey = c.TierAccessKey, c.TierSecretKey
			if k, ok := c.TierKeys[t.Class]; ok {
				t.AccessKey, t.SecretKey = k.AccessKey, k.SecretKey
			}
			if (t.AccessKey == "") != (t.SecretKey == "") {
				return nil, errors.New("tier " + t.Class + ": access key and secret key must be set together")
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// tierKeys reads the per-class credentials of the configured tiers from
// the environment.
func tierKeys(tiers []string, getenv func(string) string) map[string]TierKey {
	var keys map[string]TierKey
	for _, s := range tiers {
		class, _, _ := strings.Cut(s, "=")
		if !slices.Contains(tierClasses, class) {
			continue
		}
		k := TierKey{AccessKey: getenv("COFFER_TIER_" + class + "_ACCESS_KEY"),
			SecretKey: Secret(getenv("COFFER_TIER_" + class + "_SECRET_KEY"))}
		if k != (TierKey{}) {
			if keys == nil {
				keys = map[string]TierKey{}
			}
			keys[class] = k
		}
	}
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
