package object

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validBucketName applies S3's naming rules for general purpose buckets.
func validBucketName(name string) error {
	if len(name) < 3 || len(name) > 63 {
		return fmt.Errorf("%w: %q must have 3 to 63 characters", ErrInvalidBucketName, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("%w: %q has a character other than a-z 0-9 . -", ErrInvalidBucketName, name)
		}
	}
	if !isLowerAlnum(name[0]) || !isLowerAlnum(name[len(name)-1]) {
		return fmt.Errorf("%w: %q must start and end with a letter or digit", ErrInvalidBucketName, name)
	}
	if strings.Contains(name, "..") {
		return fmt.Errorf("%w: %q has adjacent periods", ErrInvalidBucketName, name)
	}
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		return fmt.Errorf("%w: %q is formatted as an IP address", ErrInvalidBucketName, name)
	}
	// Prefixes and suffixes S3 reserves for its own features.
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return fmt.Errorf("%w: %q starts with reserved %q", ErrInvalidBucketName, name, p)
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return fmt.Errorf("%w: %q ends with reserved %q", ErrInvalidBucketName, name, sfx)
		}
	}
	return nil
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// validKey checks an object key: 1..1024 bytes of valid UTF-8.
func validKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeyLength:
		return fmt.Errorf("%w: %d bytes", ErrKeyTooLong, len(key))
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: key is not valid UTF-8", ErrInvalidKey)
	}
	return nil
}

// validUserMeta enforces S3's 2 KB limit on user metadata names and values.
func validUserMeta(m map[string]string) error {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	if n > MaxUserMetaSize {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrMetadataTooLarge, n, MaxUserMetaSize)
	}
	return nil
}

// Tag limits for objects.
const (
	maxTags           = 10
	maxTagKeyLength   = 128 // Unicode characters
	maxTagValueLength = 256 // Unicode characters
)

// validTags checks an object tag set against S3's rules.
func validTags(tags []Tag) error {
	if len(tags) > maxTags {
		return fmt.Errorf("%w: %d tags, limit %d", ErrInvalidTag, len(tags), maxTags)
	}
	return validTagSet(tags)
}

// validTagSet checks each tag of a set, object's or bucket's, against
// S3's rules for keys and values, which both kinds share.
func validTagSet(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > maxTagKeyLength {
			return fmt.Errorf("%w: key length %d", ErrInvalidTag, n)
		}
		if n := utf8.RuneCountInString(t.Value); n > maxTagValueLength {
			return fmt.Errorf("%w: value length %d", ErrInvalidTag, n)
		}
		if !validTagText(t.Key) || !validTagText(t.Value) {
			return fmt.Errorf("%w: %q=%q has a character S3 does not allow", ErrInvalidTag, t.Key, t.Value)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return fmt.Errorf("%w: key %q uses the reserved aws: prefix", ErrInvalidTag, t.Key)
		}
		if seen[t.Key] {
			return fmt.Errorf("%w: duplicate key %q", ErrInvalidTag, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// validTagText reports whether s holds only letters, digits, spaces and
// + - = . _ : / @, the characters S3 allows in tags.
func validTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
			continue
		}
		if !strings.ContainsRune("+-=._:/@", r) {
			return false
		}
	}
	return true
}
