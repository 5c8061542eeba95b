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
  coffer master-key rotate --endpoint URL [--region REGION]
  coffer master-key status --endpoint URL [--region REGION]
  coffer master-key retire VERSION --endpoint URL [--region REGION]

generate writes a new master key file (mode 0600) for an operator who keeps
the key off the data directory: start the server with
--master-key-file PATH, or put the file's content in $COFFER_MASTER_KEY.
It never overwrites a file. Only a new data directory may start with a new
key: coffer refuses a key that does not open the secrets it sealed before.

show-versions lists the key versions a master key file holds and the
current one (the one new secrets are sealed under). It prints no key
material.

rotate, status and retire act on a running coffer whose master key is in
a file (the data directory's master.key or --master-key-file; a key from
$COFFER_MASTER_KEY cannot be changed by the server). They sign with the
first account's root keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
like 'coffer account'.

rotate adds a new key version to the file and makes it current: new
objects and secrets are wrapped under it, old versions keep decrypting,
and a background job re-wraps every existing data key and secret under
the new version without rewriting object bytes. Back up the file again
after a rotation.

status shows how many keys and secrets each version still wraps and the
job's progress. retire removes a version from the file once nothing uses
it (it refuses otherwise, with the count). Back up the file afterwards.

Losing the master key loses every sealed secret and encrypted object:
keep a copy somewhere other than the data directory's disk.

Flags:
`

// runMasterKey is `coffer master-key generate|show-versions|rotate|status|retire`.
func runMasterKey(ctx context.Context, env environment, args []string) int {
	var (
		out, file string
		remote    accountOptions
	)
	fl := flag.NewFlagSet("coffer master-key", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.StringVar(&out, "out", "", "generate: the `path` of the new key file")
	fl.StringVar(&file, "file", "", "show-versions: the key file to read")
	fl.StringVar(&remote.endpoint, "endpoint", "", "rotate, status, retire: coffer's `URL`, for example http://127.0.0.1:9000")
	fl.StringVar(&remote.region, "region", "", "rotate, status, retire: SigV4 signing `region` (default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)")
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
	if len(pos) > 0 && remoteMasterKeyCommands[pos[0]] {
		if out != "" || file != "" {
			return usageErr("%s takes --endpoint (and no --out or --file)", pos[0])
		}
		return runMasterKeyRemote(ctx, env, remote, pos, usageErr)
	}
	switch {
	case len(pos) != 1:
		return usageErr("want one subcommand: generate, show-versions, rotate, status or retire")
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
	return usageErr("unknown subcommand %q: generate, show-versions, rotate, status or retire", pos[0])
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
