package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/coffer-s3/coffer/internal/operatorapi"
	"github.com/coffer-s3/coffer/internal/scrub"
)

// scrubUsage introduces `coffer scrub -help`; the flags follow it.
const scrubUsage = `Usage:

  coffer scrub list --endpoint URL [--region REGION] [--json]
  coffer scrub run --endpoint URL [--region REGION] [--json]

Talks to a running coffer's scrubber, which reads every stored object
version in the background and checks it: encrypted data must authenticate,
plaintext must match its stored MD5 and checksum, every blob must exist
with the right size.

list prints the object versions found damaged (reads of them fail with
500 InternalError). run starts a full pass now, at the server's
--scrub-rate (4MiB/s when the background scrubber is off), and waits
until it is complete; interrupting the command stops the pass.

Like 'coffer account', the commands sign with the first account's root
keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.

With --json, list prints an array of {"Bucket", "Key", "VersionId",
"Blob", "Problem", "Found"} objects and run one object
{"Started", "Completed", "Scanned", "Damaged"}.

Flags:
`

// runScrub is `coffer scrub list|run`.
func runScrub(ctx context.Context, env environment, args []string) int {
	var o accountOptions
	fs := newAccountFlags(&o, env.stderr)
	fs.Init("coffer scrub", flag.ContinueOnError)
	pos, code, ok := parseCommand(fs, scrubUsage, args)
	if !ok {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageError(env.stderr, fs.Name(), format, a...) }
	switch {
	case len(pos) == 0:
		return usageErr("missing subcommand: list or run")
	case pos[0] != "list" && pos[0] != "run":
		return usageErr("unknown subcommand %q: list or run", pos[0])
	case len(pos) > 1:
		return usageErr("%s takes no arguments", pos[0])
	case o.endpoint == "":
		return usageErr("--endpoint is required")
	}
	client, err := accountClient(o, env.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	if pos[0] == "list" {
		// A server that accepts the connection and never answers must
		// not hang a script; a pass (run) may take hours and is bounded
		// by the operator instead.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, accountTimeout)
		defer cancel()
		err = scrubList(ctx, client, o.json, env.stdout)
	} else {
		err = scrubRun(ctx, client, o.json, env.stdout)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer scrub %s: %v\n", pos[0], explain(err))
		return 1
	}
	return 0
}

func scrubList(ctx context.Context, c *operatorapi.Client, asJSON bool, w io.Writer) error {
	ds, err := c.ListDamagedObjects(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]damagedJSON, 0, len(ds))
		for _, d := range ds {
			out = append(out, damagedJSON(d))
		}
		return json.NewEncoder(w).Encode(out)
	}
	if len(ds) == 0 {
		_, err := fmt.Fprintln(w, "No damaged object versions.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BUCKET\tKEY\tVERSION\tFOUND\tPROBLEM")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Bucket, d.Key, d.VersionID, d.Found, d.Problem)
	}
	return tw.Flush()
}

func scrubRun(ctx context.Context, c *operatorapi.Client, asJSON bool, w io.Writer) error {
	p, err := c.RunScrub(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(passJSON(p))
	}
	_, err = fmt.Fprintf(w, "Scrub pass complete: %d object versions checked, %d damaged (%s to %s).\n",
		p.Scanned, p.Damaged, p.Started, p.Completed)
	return err
}

// damagedJSON is one element of list's --json output and passJSON run's.
// Their keys are relied on by scripts: never rename them.
type (
	damagedJSON struct {
		Bucket    string `json:"Bucket"`
		Key       string `json:"Key"`
		VersionID string `json:"VersionId"`
		Blob      string `json:"Blob"`
		Problem   string `json:"Problem"`
		Found     string `json:"Found"`
	}
	passJSON struct {
		Started   string `json:"Started"`
		Completed string `json:"Completed"`
		Scanned   int64  `json:"Scanned"`
		Damaged   int64  `json:"Damaged"`
	}
)

// scrubAPI adapts the scrubber to the operator API.
type scrubAPI struct{ s *scrub.Scrubber }

func (a scrubAPI) ListDamaged(ctx context.Context) ([]operatorapi.DamagedObject, error) {
	ds, err := a.s.ListDamaged(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]operatorapi.DamagedObject, 0, len(ds))
	for _, d := range ds {
		out = append(out, operatorapi.DamagedObject{Bucket: d.Bucket, Key: d.Key, VersionID: d.VersionID,
			Blob: d.Blob, Problem: d.Problem, Found: operatorapi.ScrubTime(d.Found)})
	}
	return out, nil
}

func (a scrubAPI) RunPass(ctx context.Context) (operatorapi.ScrubPass, error) {
	p, err := a.s.RunPass(ctx)
	if err != nil {
		return operatorapi.ScrubPass{}, err
	}
	return operatorapi.ScrubPass{Started: operatorapi.ScrubTime(p.Started), Completed: operatorapi.ScrubTime(p.Completed),
		Scanned: p.Scanned, Damaged: p.Corrupt}, nil
}
