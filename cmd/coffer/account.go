package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coffer-s3/coffer/internal/operatorapi"
)

// accountUsage introduces `coffer account -help`; the flags follow it.
const accountUsage = `Usage:

  coffer account create NAME --endpoint URL [--email ADDRESS] [--region REGION] [--json]
  coffer account list --endpoint URL [--region REGION] [--json]

Creates and lists the accounts of a running coffer. Each account has its own
users, roles, policies and buckets, and a root user. create prints the new
account's id and root key pair; the secret key is shown only this once.
--email gives the account an email address, by which S3 ACL grants
(emailAddress="...") may name it.

The commands sign with the first account's root keys, read from
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the keys coffer printed on its
first start, or COFFER_ROOT_ACCESS_KEY/COFFER_ROOT_SECRET_KEY). No other
identity may manage accounts. The region defaults to AWS_REGION, then
AWS_DEFAULT_REGION, then us-east-1.

With --json, create prints one object
{"AccountId": ..., "AccessKeyId": ..., "SecretAccessKey": ...} and list an
array of {"AccountId", "Name", "CanonicalUserId", "Created"} objects.

Flags:
`

// accountTimeout bounds one account command's request.
const accountTimeout = time.Minute

// accountOptions are the parsed flags of `coffer account`.
type accountOptions struct {
	endpoint, region, email string
	json                    bool
}

// runAccount is `coffer account create|list`.
func runAccount(ctx context.Context, env environment, args []string) int {
	var o accountOptions
	fs := newAccountFlags(&o, env.stderr)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	sub, rest := "", []string(nil)
	if len(pos) > 0 {
		sub, rest = pos[0], pos[1:]
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "coffer account: "+format+"\nRun 'coffer account -help' for usage.\n", a...)
		return 2
	}
	switch {
	case sub != "create" && sub != "list":
		if sub == "" {
			return usageErr("missing subcommand: create or list")
		}
		return usageErr("unknown subcommand %q: create or list", sub)
	case sub == "create" && len(rest) != 1:
		return usageErr("create takes one account NAME")
	case sub == "list" && len(rest) != 0:
		return usageErr("list takes no arguments")
	case o.endpoint == "":
		return usageErr("--endpoint is required")
	}
	client, err := accountClient(o, env.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	// A server that accepts the connection and never answers must not
	// hang a script.
	ctx, cancel := context.WithTimeout(ctx, accountTimeout)
	defer cancel()
	if sub == "create" {
		err = accountCreate(ctx, client, rest[0], o.email, o.json, env.stdout)
	} else {
		err = accountList(ctx, client, o.json, env.stdout)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer account %s: %v\n", sub, explain(err))
		return 1
	}
	return 0
}

// newAccountFlags defines the flags of `coffer account` into o.
func newAccountFlags(o *accountOptions, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("coffer account", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.endpoint, "endpoint", "", "coffer's `URL`, for example http://127.0.0.1:9000 (required)")
	fs.StringVar(&o.region, "region", "", "SigV4 signing `region` (default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)")
	fs.StringVar(&o.email, "email", "", "create: the account's email `address`, for S3 ACL grants by email")
	fs.BoolVar(&o.json, "json", false, "print JSON for scripts instead of text")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), accountUsage)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags before, between and after positional
// arguments ("create NAME --endpoint URL"), which flag.Parse alone stops
// at, and returns the positional ones. "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// accountClient builds the operator API client from the options and the
// environment's credentials.
func accountClient(o accountOptions, getenv func(string) string) (*operatorapi.Client, error) {
	ak, sk := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if ak == "" || sk == "" {
		return nil, errors.New("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the first account's root keys")
	}
	if getenv("AWS_SESSION_TOKEN") != "" {
		return nil, errors.New("AWS_SESSION_TOKEN is set, but only the first account's root keys (no temporary credentials) may manage accounts; unset it")
	}
	if !strings.HasPrefix(o.endpoint, "http://") && !strings.HasPrefix(o.endpoint, "https://") {
		return nil, fmt.Errorf("--endpoint %q is not an http:// or https:// URL", o.endpoint)
	}
	region := o.region
	for _, v := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region = getenv(v)
		}
	}
	return &operatorapi.Client{Endpoint: o.endpoint, Region: region, AccessKey: ak, SecretKey: sk}, nil
}

// createdJSON is create's --json output. Its keys are relied on by
// scripts: never rename them.
type createdJSON struct {
	AccountID       string `json:"AccountId"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
}

// accountJSON is one element of list's --json output. Its keys are relied
// on by scripts: never rename them.
type accountJSON struct {
	AccountID       string `json:"AccountId"`
	Name            string `json:"Name"`
	CanonicalUserID string `json:"CanonicalUserId"`
	Created         string `json:"Created"`
}

func accountCreate(ctx context.Context, c *operatorapi.Client, name, email string, asJSON bool, w io.Writer) error {
	res, err := c.CreateAccountWithEmail(ctx, name, email)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(createdJSON{res.Account.AccountID, res.AccessKey.AccessKeyID, res.AccessKey.SecretAccessKey})
	}
	_, err = fmt.Fprintf(w, "Created account %s (%s).\nIts root credentials are shown only this once:\n\n  Access key: %s\n  Secret key: %s\n\n",
		res.Account.AccountID, res.Account.AccountName, res.AccessKey.AccessKeyID, res.AccessKey.SecretAccessKey)
	return err
}

func accountList(ctx context.Context, c *operatorapi.Client, asJSON bool, w io.Writer) error {
	accts, err := c.ListAccounts(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]accountJSON, 0, len(accts))
		for _, a := range accts {
			out = append(out, accountJSON{a.AccountID, a.AccountName, a.CanonicalUserID, a.CreateDate})
		}
		return json.NewEncoder(w).Encode(out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT ID\tNAME\tCREATED")
	for _, a := range accts {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.AccountID, a.AccountName, a.CreateDate)
	}
	return tw.Flush()
}

// explain adds what to do to the errors an operator can fix.
func explain(err error) error {
	var e *operatorapi.APIError
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Code == "SignatureDoesNotMatch" && strings.Contains(e.Message, "valid region"):
		return fmt.Errorf("%w\nSign for the server's region with --region, or for us-east-1, which coffer always accepts", err)
	}
	switch e.Code {
	case "AccessDenied":
		return fmt.Errorf("%w\nOnly the root user of the first account may manage accounts: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to its keys", err)
	case "InvalidClientTokenId", "SignatureDoesNotMatch":
		return fmt.Errorf("%w\nCheck AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: they must be the first account's root keys", err)
	case "":
		return fmt.Errorf("%w\nThe endpoint did not answer as a coffer does: check --endpoint", err)
	}
	return err
}
