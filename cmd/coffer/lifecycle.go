package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/coffer-s3/coffer/internal/lifecycle"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/operatorapi"
)

// lifecycleUsage introduces `coffer lifecycle -help`; the flags follow it.
const lifecycleUsage = `Usage:

  coffer lifecycle explain --bucket BUCKET --key KEY --endpoint URL [--region REGION] [--json]

Asks a running coffer which of a bucket's lifecycle rules acts on each
version and each incomplete multipart upload of one key, and when: the
rule's ID, the action (expire-current, expire-noncurrent,
remove-expired-delete-marker, abort) and the date it becomes due (days
counted from creation, or from when a version became noncurrent, rounded
up to the next midnight UTC, with the server's --lifecycle-day). A due
removal that Object Lock or MFA Delete will refuse says so.

Like 'coffer account', the command signs with the first account's root
keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.

With --json it prints the server's answer as one object.

Flags:
`

// runLifecycle is `coffer lifecycle explain`.
func runLifecycle(ctx context.Context, env environment, args []string) int {
	var (
		o           accountOptions
		bucket, key string
	)
	fs := newAccountFlags(&o, env.stderr)
	fs.Init("coffer lifecycle", flag.ContinueOnError)
	fs.StringVar(&bucket, "bucket", "", "the `bucket` (required)")
	fs.StringVar(&key, "key", "", "the object `key` (required)")
	pos, code, ok := parseCommand(fs, lifecycleUsage, args)
	if !ok {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageError(env.stderr, fs.Name(), format, a...) }
	switch {
	case len(pos) == 0:
		return usageErr("missing subcommand: explain")
	case pos[0] != "explain":
		return usageErr("unknown subcommand %q: explain", pos[0])
	case len(pos) > 1:
		return usageErr("explain takes no arguments")
	case o.endpoint == "":
		return usageErr("--endpoint is required")
	case bucket == "" || key == "":
		return usageErr("--bucket and --key are required")
	}
	client, err := accountClient(o, env.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, accountTimeout)
	defer cancel()
	x, err := client.ExplainLifecycle(ctx, bucket, key)
	if err == nil {
		err = printExplanation(env.stdout, x, o.json)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer lifecycle explain: %v\n", explain(err))
		return 1
	}
	return 0
}

func printExplanation(w io.Writer, x operatorapi.LifecycleExplanation, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(x)
	}
	if !x.HasRules {
		fmt.Fprintf(w, "Bucket %s has no lifecycle configuration: nothing will act on %s.\n", x.Bucket, x.Key)
	}
	if x.MFADelete {
		fmt.Fprintln(w, "MFA Delete is enabled: lifecycle may add delete markers but never removes a version.")
	}
	if x.DaySeconds != 86400 {
		fmt.Fprintf(w, "A lifecycle day lasts %v on this server.\n", time.Duration(x.DaySeconds*float64(time.Second)))
	}
	if len(x.Versions) == 0 && len(x.Uploads) == 0 {
		_, err := fmt.Fprintf(w, "%s has no versions and no incomplete uploads.\n", x.Key)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tLATEST\tKIND\tLAST MODIFIED\tACTION\tRULE\tDUE\tBLOCKED BY")
	for _, v := range x.Versions {
		kind := "object"
		if v.DeleteMarker {
			kind = "delete marker"
		}
		fmt.Fprintf(tw, "%s\t%t\t%s\t%s\t%s\t%s\t%s\t%s\n", v.VersionID, v.IsLatest, kind, v.LastModified,
			orDash(v.Action), orDash(v.RuleID), orDash(v.Due), orDash(v.Blocked))
	}
	for _, u := range x.Uploads {
		action := "-"
		if u.RuleID != "" {
			action = "abort"
		}
		fmt.Fprintf(tw, "upload %s\t-\tupload\t%s\t%s\t%s\t%s\t-\n", u.UploadID, u.Initiated, action, orDash(u.RuleID), orDash(u.Due))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// lifecycleAPI adapts the lifecycle engine to the operator API.
type lifecycleAPI struct{ e *lifecycle.Engine }

func (a lifecycleAPI) Explain(ctx context.Context, bucket, key string) (operatorapi.LifecycleExplanation, error) {
	x, err := a.e.Explain(ctx, bucket, key)
	if errors.Is(err, object.ErrNoSuchBucket) || errors.Is(err, object.ErrInvalidBucketName) {
		return operatorapi.LifecycleExplanation{}, operatorapi.ErrNoSuchBucket
	}
	if err != nil {
		return operatorapi.LifecycleExplanation{}, err
	}
	out := operatorapi.LifecycleExplanation{Bucket: x.Bucket, Key: x.Key, HasRules: x.HasRules, Versioning: x.Versioning,
		MFADelete: x.MFADelete, DaySeconds: x.Day.Seconds()}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return operatorapi.ScrubTime(t)
	}
	for _, v := range x.Versions {
		out.Versions = append(out.Versions, operatorapi.LifecycleVersionPlan{VersionID: v.VersionID, IsLatest: v.Latest,
			DeleteMarker: v.DeleteMarker, LastModified: when(v.LastModified), Action: v.Action, RuleID: v.RuleID,
			Due: when(v.Due), Blocked: v.Blocked})
	}
	for _, u := range x.Uploads {
		out.Uploads = append(out.Uploads, operatorapi.LifecycleUploadPlan{UploadID: u.UploadID, Initiated: when(u.Initiated),
			RuleID: u.RuleID, Due: when(u.Due)})
	}
	return out, nil
}
