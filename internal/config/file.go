package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// A config file is TOML whose keys are the flag names of `coffer server`
// (address = "0.0.0.0:9000", shutdown-timeout = "30s", domain =
// ["s3.example.com"]). The keys are taken from FlagSet itself, so a new flag
// is a new key without further work. Secrets have no key: like their flags,
// they come from the environment only.

// applyFile sets the fields of c that the TOML file at path names. An
// unknown key, a table or a value of the wrong kind is an error naming the
// key.
func applyFile(c *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: config file: %v", ErrUsage, err)
	}
	return applyTOML(c, path, string(data))
}

func applyTOML(c *Config, path, data string) error {
	var doc map[string]any
	if _, err := toml.Decode(data, &doc); err != nil {
		return fmt.Errorf("%w: config file %s: %v", ErrUsage, path, err)
	}
	fs := FlagSet("server", c, io.Discard)
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f := fs.Lookup(k)
		if f == nil {
			return fmt.Errorf("%w: config file %s: unknown key %q (the keys are the flag names of 'coffer server -help')", ErrUsage, path, k)
		}
		v, err := fileValue(f, doc[k])
		if err == nil {
			err = fs.Set(k, v)
		}
		if err != nil {
			return fmt.Errorf("%w: config file %s: key %q: %v", ErrUsage, path, k, err)
		}
	}
	return nil
}

// fileValue turns a decoded TOML value into the text its flag parses.
func fileValue(f *flag.Flag, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case []any:
		if _, ok := f.Value.(*listFlag); !ok {
			return "", errors.New("want a single value, not an array")
		}
		items := make([]string, 0, len(x))
		for _, it := range x {
			s, ok := it.(string)
			if !ok {
				return "", errors.New("want an array of strings")
			}
			items = append(items, s)
		}
		return strings.Join(items, ","), nil
	case map[string]any:
		return "", errors.New("want a value, not a table")
	default:
		return "", fmt.Errorf("want a string, an integer or a boolean, not %T", v)
	}
}

// PrintConfig writes c as a config file: every key with its effective
// value and its flag's help as a comment, so the output is also a
// template. Secrets, which only the environment sets, are shown masked
// in comments.
func PrintConfig(w io.Writer, c Config) error {
	var b strings.Builder
	b.WriteString("# Effective configuration of coffer server: defaults, overridden by the\n" +
		"# config file, then by COFFER_* variables, then by flags. It can be used\n" +
		"# as a config file (coffer server --config FILE).\n")
	fs := FlagSet("server", &c, io.Discard)
	fs.VisitAll(func(f *flag.Flag) {
		_, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "\n# %s\n%s = %s\n", usage, f.Name, tomlValue(f))
	})
	b.WriteString("\n# Secrets come from the environment only and are never shown.\n")
	fmt.Fprintf(&b, "# COFFER_ROOT_SECRET_KEY: %s\n", maskedState(c.RootSecretKey))
	fmt.Fprintf(&b, "# COFFER_MASTER_KEY: %s\n", maskedState(string(c.MasterKey)))
	if len(c.Tiers) > 0 {
		fmt.Fprintf(&b, "# COFFER_TIER_SECRET_KEY: %s\n", maskedState(string(c.TierSecretKey)))
		for _, class := range sortedKeys(c.TierKeys) {
			fmt.Fprintf(&b, "# COFFER_TIER_%s_SECRET_KEY: %s\n", class, maskedState(string(c.TierKeys[class].SecretKey)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func maskedState(s string) string {
	if s == "" {
		return "not set"
	}
	return "set, [redacted]"
}

// tomlValue renders a flag's current value: booleans and integers bare,
// lists as arrays, everything else as a string its flag parses back.
func tomlValue(f *flag.Flag) string {
	if l, ok := f.Value.(*listFlag); ok {
		q := make([]string, 0, len(*l.dst))
		for _, s := range *l.dst {
			q = append(q, tomlString(s))
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool, int, int64:
			return f.Value.String()
		}
	}
	return tomlString(f.Value.String())
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
