package iam

import (
	"strings"
	"unicode/utf8"
)

// Name and path rules from the IAM API reference: user and role names are
// 1-64 characters, group and policy names 1-128, all of [\w+=,.@-];
// paths are "/" or "/…/" of at most 512 printable ASCII characters.
const (
	maxUserName   = 64
	maxGroupName  = 128
	maxRoleName   = 64
	maxPolicyName = 128
	maxPath       = 512
)

func validName(what, name string, max int) error {
	if name == "" || len(name) > max {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", name, what, max)
	}
	for _, c := range name {
		if !nameChar(c) {
			return errorf(ErrValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name, what)
		}
	}
	return nil
}

func nameChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_+=,.@-", c)
}

// normPath defaults an empty path to "/" and checks it.
func normPath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	if len(p) > maxPath || !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.Contains(p, "//") || !utf8.ValidString(p) {
		return "", errorf(ErrValidation, "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	for _, c := range p {
		if c < 0x21 || c > 0x7e {
			return "", errorf(ErrValidation, "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
		}
	}
	return p, nil
}

func lower(s string) string { return strings.ToLower(s) }

// Tag is a key-value tag on a user, role or policy.
type Tag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// maxTags is IAM's limit of tags per entity.
const maxTags = 50

// mergeTags adds or replaces tags and checks the limits.
func mergeTags(have, add []Tag) ([]Tag, error) {
	out := append([]Tag(nil), have...)
	for _, t := range add {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 || strings.HasPrefix(lower(t.Key), "aws:") {
			return nil, errorf(ErrInvalidInput, "Tag key '%s' is not valid.", t.Key)
		}
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, errorf(ErrLimitExceeded, "The number of tags has reached the maximum limit.")
	}
	return out, nil
}

func removeTags(have []Tag, keys []string) []Tag {
	var out []Tag
	for _, t := range have {
		drop := false
		for _, k := range keys {
			drop = drop || k == t.Key
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}
