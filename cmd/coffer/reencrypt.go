package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/coffer-s3/coffer/internal/operatorapi"
	"github.com/coffer-s3/coffer/internal/reencrypt"
)

// reencryptUsage introduces `coffer reencrypt -help`; the flags follow it.
const reencryptUsage = `Usage:

  coffer reencrypt status --endpoint URL [--region REGION] [--json]
  coffer reencrypt run --endpoint URL [--region REGION] [--json]

Talks to a running coffer's re-encryption job, which stores object
versions kept in plaintext (written before encryption at rest, or while
--encrypt-at-rest was false) encrypted under SSE-S3, at --reencrypt-rate,
without changing anything else a client sees.

status prints the pass in progress and the last complete one. run starts
a full pass now (at --reencrypt-rate, 8MiB/s when the background job is
off) and waits until it is complete; interrupting the command stops the
pass. Both need encryption at rest on for a pass to run.

Like 'coffer account', the commands sign with the first account's root
keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.

With --json, both print the status as one JSON object with the fields of
GetReencryptionStatus (Enabled, Rate, InPass, PassStarted, Current,
Owed, RetryAt, LastStarted, LastCompleted, Last, Passes).

Flags:
`

// runReencrypt is `coffer reencrypt status|run`.
func runReencrypt(ctx context.Context, env environment, args []string) int {
	var o accountOptions
	fs := newAccountFlags(&o, env.stderr)
	fs.Init("coffer reencrypt", flag.ContinueOnError)
	pos, code, ok := parseCommand(fs, reencryptUsage, args)
	if !ok {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageError(env.stderr, fs.Name(), format, a...) }
	switch {
	case len(pos) == 0:
		return usageErr("missing subcommand: status or run")
	case pos[0] != "status" && pos[0] != "run":
		return usageErr("unknown subcommand %q: status or run", pos[0])
	case len(pos) > 1:
		return usageErr("%s takes no arguments", pos[0])
	case o.endpoint == "":
		return usageErr("--endpoint is required")
	}
	client, err := accountClient(o, env.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	var st operatorapi.ReencryptionStatus
	if pos[0] == "status" {
		// A server that never answers must not hang a script; a pass
		// (run) may take hours and is bounded by the operator instead.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, accountTimeout)
		defer cancel()
		st, err = client.GetReencryptionStatus(ctx)
	} else {
		st, err = client.RunReencryption(ctx)
	}
	if err == nil {
		err = printReencryption(env.stdout, st, pos[0] == "run", o.json)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer reencrypt %s: %v\n", pos[0], explain(err))
		return 1
	}
	return 0
}

// printReencryption prints st as text, or as JSON (whose keys are those
// of the operator API, relied on by scripts).
func printReencryption(w io.Writer, st operatorapi.ReencryptionStatus, ran, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(st)
	}
	counts := func(c operatorapi.ReencryptionCounts) string {
		return fmt.Sprintf("%d versions walked, %d re-encrypted (%d bytes), %d skipped (changed meanwhile), %d failed checks, %d errors",
			c.Scanned, c.Reencrypted, c.Bytes, c.Skipped, c.Failed, c.Errors)
	}
	if ran {
		_, err := fmt.Fprintf(w, "Re-encryption pass complete: %s (%s to %s).\n", counts(st.Last), st.LastStarted, st.LastCompleted)
		return err
	}
	if !st.Enabled {
		fmt.Fprintln(w, "Encryption at rest is off: new objects are stored in plaintext and no pass runs.")
	} else if st.Rate == 0 {
		fmt.Fprintln(w, "The background job is off (--reencrypt-rate 0); 'coffer reencrypt run' runs a pass.")
	} else {
		fmt.Fprintf(w, "Background rate: %d bytes per second.\n", st.Rate)
	}
	switch {
	case st.InPass:
		fmt.Fprintf(w, "Pass in progress since %s: %s.\n", st.PassStarted, counts(st.Current))
	case st.Owed:
		fmt.Fprintln(w, "A pass is due: objects may have been stored in plaintext since the last one.")
	case st.RetryAt != "":
		fmt.Fprintf(w, "The last pass left versions behind; the next one starts at %s.\n", st.RetryAt)
	}
	if st.LastCompleted == "" {
		_, err := fmt.Fprintln(w, "No pass has completed yet.")
		return err
	}
	_, err := fmt.Fprintf(w, "Last complete pass (%s to %s): %s. Passes so far: %d.\n",
		st.LastStarted, st.LastCompleted, counts(st.Last), st.Passes)
	return err
}

// reencryptAPI adapts the re-encryption job to the operator API.
type reencryptAPI struct {
	j       *reencrypt.Job
	enabled bool
	rate    int64
}

func (a reencryptAPI) Status(ctx context.Context) (operatorapi.ReencryptionStatus, error) {
	st, err := a.j.Status(ctx)
	if err != nil {
		return operatorapi.ReencryptionStatus{}, err
	}
	return a.status(st), nil
}

func (a reencryptAPI) RunPass(ctx context.Context) (operatorapi.ReencryptionStatus, error) {
	st, err := a.j.RunPass(ctx)
	if err != nil {
		return operatorapi.ReencryptionStatus{}, err
	}
	return a.status(st), nil
}

func (a reencryptAPI) status(st reencrypt.State) operatorapi.ReencryptionStatus {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return operatorapi.ScrubTime(t)
	}
	counts := func(c reencrypt.Counts) operatorapi.ReencryptionCounts {
		return operatorapi.ReencryptionCounts{Scanned: c.Scanned, Reencrypted: c.Reencrypted, Bytes: c.Bytes,
			Skipped: c.Skipped, Failed: c.Failed, Errors: c.Errors}
	}
	return operatorapi.ReencryptionStatus{Enabled: a.enabled, Rate: a.rate, InPass: st.InPass,
		PassStarted: ts(st.PassStarted), Current: counts(st.Current), Owed: st.Owed, RetryAt: ts(st.RetryAt),
		LastStarted: ts(st.LastStarted), LastCompleted: ts(st.LastCompleted), Last: counts(st.Last), Passes: st.Passes}
}
