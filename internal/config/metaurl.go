package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// MetaURL is the URL of the database that holds the metadata of several
// nodes: postgres://user@host:port/database?… or postgresql://…. Its
// password, if it has one, never prints: String, Format and LogValue
// show "[redacted]" in its place. Prefer PGPASSWORD or a password file
// (PGPASSFILE, ~/.pgpass) to a password in the URL, which a command line
// shows to every user of the machine.
type MetaURL string

// String implements fmt.Stringer with the password redacted.
func (u MetaURL) String() string { return u.Redacted() }

// Format implements fmt.Formatter, so that no verb shows the password.
func (u MetaURL) Format(f fmt.State, _ rune) { fmt.Fprint(f, u.Redacted()) }

// LogValue implements slog.LogValuer.
func (u MetaURL) LogValue() slog.Value { return slog.StringValue(u.Redacted()) }

// Postgres reports whether u selects PostgreSQL (rather than the
// embedded store, when it is empty).
func (u MetaURL) Postgres() bool { return u != "" }

// Redacted returns u with its password replaced by "[redacted]". A value
// that does not parse as a URL is redacted whole: it may be anything.
func (u MetaURL) Redacted() string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(string(u))
	if err != nil {
		return "[redacted]"
	}
	if _, has := p.User.Password(); has {
		p.User = url.UserPassword(p.User.Username(), "[redacted]")
		return strings.Replace(p.String(), "%5Bredacted%5D", "[redacted]", 1)
	}
	if q := p.Query(); q.Has("password") {
		q.Set("password", "[redacted]")
		p.RawQuery = q.Encode()
		return strings.Replace(p.String(), "%5Bredacted%5D", "[redacted]", 1)
	}
	return p.String()
}

// Validate checks that u is empty or a postgres:// or postgresql:// URL.
// Its errors never quote the password.
func (u MetaURL) Validate() error {
	if u == "" {
		return nil
	}
	p, err := url.Parse(string(u))
	if err != nil {
		return fmt.Errorf("metadata URL does not parse (%s): want postgres://user@host:port/database", u.Redacted())
	}
	if p.Scheme != "postgres" && p.Scheme != "postgresql" {
		return fmt.Errorf("metadata URL %s: want a postgres:// or postgresql:// URL, or empty for the embedded store", u.Redacted())
	}
	return nil
}

// metaURLFlag is the flag.Value of --meta: it prints redacted, so that
// -help and --print-config never show a password.
type metaURLFlag struct{ dst *MetaURL }

func (f metaURLFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return f.dst.Redacted()
}

func (f metaURLFlag) Set(v string) error { *f.dst = MetaURL(v); return nil }
