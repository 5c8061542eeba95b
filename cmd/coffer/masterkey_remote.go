package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/coffer-s3/coffer/internal/operatorapi"
)

// remoteMasterKeyCommands are the master-key subcommands that call a
// running coffer.
var remoteMasterKeyCommands = map[string]bool{"rotate": true, "status": true, "retire": true}

// runMasterKeyRemote is `coffer master-key rotate|status|retire`.
func runMasterKeyRemote(ctx context.Context, env environment, o accountOptions, pos []string, usageErr func(string, ...any) int) int {
	sub, rest := pos[0], pos[1:]
	var version uint64
	switch {
	case sub == "retire" && len(rest) != 1:
		return usageErr("retire takes one VERSION")
	case sub == "retire":
		v, err := strconv.ParseUint(rest[0], 10, 32)
		if err != nil || v == 0 {
			return usageErr("VERSION %q is not a key version (a number from 1)", rest[0])
		}
		version = v
	case len(rest) != 0:
		return usageErr("%s takes no arguments", sub)
	}
	if o.endpoint == "" {
		return usageErr("%s needs --endpoint", sub)
	}
	client, err := accountClient(o, env.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, accountTimeout)
	defer cancel()
	switch sub {
	case "rotate":
		err = masterKeyRotate(ctx, client, env.stdout)
	case "status":
		err = masterKeyStatus(ctx, client, env.stdout)
	case "retire":
		err = masterKeyRetire(ctx, client, uint32(version), env.stdout)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer master-key %s: %v\n", sub, explainMasterKey(err))
		return 1
	}
	return 0
}

func masterKeyRotate(ctx context.Context, c *operatorapi.Client, w io.Writer) error {
	v, err := c.RotateMasterKey(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "Master key version %d is current. New objects and secrets are wrapped under it;\n"+
		"existing ones are being re-wrapped in the background (coffer master-key status).\n"+
		"Back up the key file now: the old copy cannot read what is wrapped under version %d.\n", v, v)
	return err
}

func masterKeyStatus(ctx context.Context, c *operatorapi.Client, w io.Writer) error {
	s, err := c.GetMasterKeyStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tKEYS AND SECRETS\tSTATE")
	var retirable, inUse []string
	for _, v := range s.Versions {
		state := "old"
		switch {
		case v.Version == 0:
			state = "unreadable records"
		case !v.Held:
			state = "not in the key file"
		case v.Version == s.CurrentVersion:
			state = "current"
		case v.Count == 0:
			retirable = append(retirable, strconv.FormatUint(uint64(v.Version), 10))
		default:
			inUse = append(inUse, strconv.FormatUint(uint64(v.Version), 10))
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\n", v.Version, v.Count, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	job := "running, at " + s.JobSource
	if s.JobDone {
		job = "done"
	}
	fmt.Fprintf(w, "\nRe-wrap job for version %d: %s (%d re-wrapped, %d failed).\n", s.JobVersion, job, s.Rewrapped, s.Failed)
	if len(inUse) > 0 {
		fmt.Fprintf(w, "Still in use: version %s.\n", strings.Join(inUse, ", "))
	}
	if len(retirable) > 0 {
		fmt.Fprintf(w, "Nothing uses version %s any more: retire with 'coffer master-key retire VERSION'.\n", strings.Join(retirable, ", "))
	}
	return nil
}

func masterKeyRetire(ctx context.Context, c *operatorapi.Client, v uint32, w io.Writer) error {
	if err := c.RetireMasterKeyVersion(ctx, v); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "Master key version %d is retired and gone from the key file.\nBack up the key file now.\n", v)
	return err
}

// explainMasterKey adds what to do to the errors an operator can fix.
func explainMasterKey(err error) error {
	var e *operatorapi.APIError
	if errors.As(err, &e) {
		switch e.Code {
		case "InvalidAction":
			return fmt.Errorf("%w\nThis coffer does not manage its master key over the API: upgrade it", err)
		case "AccessDenied":
			return fmt.Errorf("%w\nOnly the root user of the first account may manage the master key: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to its keys", err)
		}
	}
	return explain(err)
}
