package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/coffer-s3/coffer/internal/sse"
)

// masterKeyUsage introduces `coffer master-key -help`; the flags follow it.
const masterKeyUsage = `Usage:

  coffer master-key generate --out PATH
  coffer master-key show-versions --file PATH

generate writes a new master key file (mode 0600) for an operator who keeps
the key off the data directory: start the server with
--master-key-file PATH, or put the file's content in $COFFER_MASTER_KEY.
It never overwrites a file. Only a new data directory may start with a new
key: coffer refuses a key that does not open the secrets it sealed before.

show-versions lists the key versions a master key file holds and the
current one (the one new secrets are sealed under). It prints no key
material.

Losing the master key loses every sealed secret and encrypted object:
keep a copy somewhere other than the data directory's disk.

Flags:
`

// runMasterKey is `coffer master-key generate|show-versions`.
func runMasterKey(_ context.Context, env environment, args []string) int {
	var out, file string
	fl := flag.NewFlagSet("coffer master-key", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.StringVar(&out, "out", "", "generate: the `path` of the new key file")
	fl.StringVar(&file, "file", "", "show-versions: the key file to read")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), masterKeyUsage)
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
		fmt.Fprintf(env.stderr, "coffer master-key: "+format+"\nRun 'coffer master-key -help' for usage.\n", a...)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(env.stderr, "coffer master-key: %v\n", err)
		return 1
	}
	switch {
	case len(pos) != 1:
		return usageErr("want one subcommand: generate or show-versions")
	case pos[0] == "generate" && out != "" && file == "":
		kr, err := sse.GenerateKeyringFile(out)
		if errors.Is(err, fs.ErrExist) {
			return fail(fmt.Errorf("%s exists; it is never overwritten (it may be the only copy of a key)", out))
		}
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(env.stdout, "Wrote a new master key (version %d) to %s, mode 0600.\nBack it up before you store anything with it.\n", kr.Current(), out)
		return 0
	case pos[0] == "generate":
		return usageErr("generate takes --out PATH (and no --file)")
	case pos[0] == "show-versions" && file != "" && out == "":
		kr, err := sse.LoadKeyringFile(file)
		if err != nil {
			return fail(err)
		}
		printVersions(env.stdout, kr)
		return 0
	case pos[0] == "show-versions":
		return usageErr("show-versions takes --file PATH (and no --out)")
	}
	return usageErr("unknown subcommand %q: generate or show-versions", pos[0])
}

// printVersions lists a keyring's versions, never its keys.
func printVersions(w io.Writer, kr *sse.Keyring) {
	vs := kr.Versions()
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	fmt.Fprintf(w, "versions: %s\ncurrent: %d\n", strings.Join(s, " "), kr.Current())
}
