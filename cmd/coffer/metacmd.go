package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/coffer-s3/coffer/internal/config"
	"github.com/coffer-s3/coffer/internal/meta/metacopy"
	"github.com/coffer-s3/coffer/internal/meta/pebble"
	"github.com/coffer-s3/coffer/internal/meta/postgres"
)

const metaUsage = `Usage: coffer meta copy --from DIR --to URL [--replace]

Copies the embedded metadata store in DIR (<data>/meta, or the --meta-dir
of the server) into the PostgreSQL database at URL, then verifies that both
hold the same keys and values (count and SHA-256). Run it with the server
stopped: the embedded store can be opened by one process only, and writes
during the copy would fail the verification. Afterwards start the server
with --meta URL.

A target that already holds metadata is refused, unless --replace is given:
then its metadata is deleted first. URL defaults to $COFFER_META; give the
password in PGPASSWORD or ~/.pgpass rather than in the URL.

Flags:
`

// runMeta is `coffer meta`: offline operations on the metadata store.
func runMeta(ctx context.Context, env environment, args []string) int {
	var from, to string
	var replace bool
	fl := flag.NewFlagSet("coffer meta", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.StringVar(&from, "from", "", "the embedded metadata store's `directory`")
	fl.StringVar(&to, "to", "", "the PostgreSQL database `URL` (default $COFFER_META)")
	fl.BoolVar(&replace, "replace", false, "delete the metadata the target already holds instead of refusing")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), metaUsage)
		fl.PrintDefaults()
	}
	pos, err := parseInterspersed(fl, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "coffer meta: "+format+"\nRun 'coffer meta -help' for usage.\n", a...)
		return 2
	}
	if to == "" {
		to = env.getenv("COFFER_META")
	}
	switch {
	case len(pos) != 1 || pos[0] != "copy":
		return usageErr("want the subcommand copy")
	case from == "":
		return usageErr("copy needs --from, the embedded metadata store's directory")
	case to == "":
		return usageErr("copy needs --to (or $COFFER_META), the PostgreSQL database URL")
	}
	sum, err := copyMeta(ctx, from, config.MetaURL(to), replace)
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer meta copy: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.stdout, "copied and verified %s into %s\n", sum, config.MetaURL(to).Redacted())
	return 0
}

// copyMeta copies the Pebble store in dir into the database at url.
func copyMeta(ctx context.Context, dir string, url config.MetaURL, replace bool) (metacopy.Summary, error) {
	if err := url.Validate(); err != nil {
		return metacopy.Summary{}, err
	}
	// pebble.Open would create an empty store where there is none, and
	// copying nothing is surely a mistaken path.
	if m, _ := filepath.Glob(filepath.Join(dir, "MANIFEST-*")); len(m) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return metacopy.Summary{}, err
		}
		return metacopy.Summary{}, fmt.Errorf("%s holds no metadata store (no MANIFEST file)", dir)
	}
	src, err := pebble.Open(dir, pebble.Options{})
	if err != nil {
		return metacopy.Summary{}, fmt.Errorf("%w (is a coffer server running on it? stop it first)", err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, string(url), postgres.Options{})
	if err != nil {
		return metacopy.Summary{}, fmt.Errorf("open %s: %w", url.Redacted(), err)
	}
	defer dst.Close()
	sum, err := metacopy.Copy(ctx, src, dst, metacopy.Options{Replace: replace})
	if errors.Is(err, metacopy.ErrTargetNotEmpty) {
		err = fmt.Errorf("%s already holds metadata; --replace deletes it first", url.Redacted())
	}
	return sum, err
}
