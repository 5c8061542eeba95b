package operatorapi

import (
	"context"
	"log/slog"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Wire constants of the operator API. They never change once released: a
// new shape gets a new Version.
const (
	// Service is the SigV4 service name requests are signed for.
	Service = "coffer"
	// Version is the API version requests must name.
	Version = "2026-12-06"
	// Namespace is the XML namespace of every response document.
	Namespace = "https://github.com/coffer-s3/coffer/doc/2026-12-06/"
)

// Accounts is what the operator API needs of the identity store;
// *iam.Store satisfies it.
type Accounts interface {
	CreateAccountWithEmail(ctx context.Context, name, email string) (acct iam.Account, accessKey, secret string, err error)
	ListAccounts(ctx context.Context) ([]iam.Account, error)
}

// Options configures the operator API handler.
type Options struct {
	// Credentials, Region, Clock and Logger build the handler's SigV4
	// verifier for the coffer service. Region and us-east-1 are accepted,
	// as for IAM, so a client that does not know the server's region can
	// sign for the default one.
	Credentials sigv4.Credentials
	Region      string
	Clock       clock.Clock
	// Accounts creates and lists accounts. Required.
	Accounts Accounts
	// Scrub lists damaged objects and runs scrub passes; nil answers
	// those actions with InternalFailure.
	Scrub Scrubber
	// Reencrypt reports and runs the re-encryption job; nil answers
	// those actions with InternalFailure.
	Reencrypt Reencrypter
	// MasterKeys rotates, reports and retires master key versions;
	// nil leaves those actions out (InvalidAction).
	MasterKeys MasterKeys
	// Lifecycle explains lifecycle rules; nil answers ExplainLifecycle
	// with InternalFailure.
	Lifecycle Lifecycle
	Logger    *slog.Logger
}

// New returns the operator API handler.
func New(opts Options) (*queryapi.Service, error) {
	h := &handlers{accounts: opts.Accounts, masterKeys: opts.MasterKeys, scrub: opts.Scrub, lifecycle: opts.Lifecycle,
		reencrypt: opts.Reencrypt}
	actions := map[string]queryapi.Action{
		"CreateAccount": {IAMAction: "coffer:CreateAccount", Handle: h.createAccount},
		"ListAccounts":  {IAMAction: "coffer:ListAccounts", Handle: h.listAccounts},

		"ListDamagedObjects": {IAMAction: "coffer:ListDamagedObjects", Handle: h.listDamaged},
		"RunScrub":           {IAMAction: "coffer:RunScrub", Handle: h.runScrub},

		"ExplainLifecycle":      {IAMAction: "coffer:ExplainLifecycle", Handle: h.explainLifecycle},
		"GetReencryptionStatus": {IAMAction: "coffer:GetReencryptionStatus", Handle: h.reencryptionStatus},
		"RunReencryption":       {IAMAction: "coffer:RunReencryption", Handle: h.runReencryption},
	}
	if opts.MasterKeys != nil {
		actions["RotateMasterKey"] = queryapi.Action{IAMAction: "coffer:RotateMasterKey", Handle: h.rotateMasterKey}
		actions["GetMasterKeyStatus"] = queryapi.Action{IAMAction: "coffer:GetMasterKeyStatus", Handle: h.getMasterKeyStatus}
		actions["RetireMasterKeyVersion"] = queryapi.Action{IAMAction: "coffer:RetireMasterKeyVersion", Handle: h.retireMasterKeyVersion}
	}
	return queryapi.New(queryapi.Options{
		Namespace: Namespace,
		Version:   Version,
		Verifier: sigv4.New(sigv4.Options{
			Credentials: opts.Credentials, Region: opts.Region, ExtraRegions: []string{sigv4.DefaultRegion},
			Service: Service, Clock: opts.Clock, Logger: opts.Logger, DisableSigV2: true,
		}),
		Authorizer: FirstRoot{},
		Actions:    actions,
		Errors:     errorFor,
		Logger:     opts.Logger,
	})
}

// handlers holds what the action handlers need.
type handlers struct {
	accounts   Accounts
	scrub      Scrubber
	reencrypt  Reencrypter
	masterKeys MasterKeys
	lifecycle  Lifecycle
}

// accountName is CreateAccount's AccountName, with the identity store's
// bounds (1 to 50 characters).
var accountName = queryapi.String{Name: "AccountName", Field: "accountName", Required: true, Min: 1, Max: 50}

// accountEmail is CreateAccount's optional Email.
var accountEmail = queryapi.String{Name: "Email", Field: "email", Max: 254}

// Account is the Account element of both actions' results, and what the
// Client returns.
type Account struct {
	AccountID       string `xml:"AccountId"`
	AccountName     string `xml:"AccountName"`
	CanonicalUserID string `xml:"CanonicalUserId"`
	Email           string `xml:"Email,omitempty"`
	// CreateDate is ISO 8601 in UTC with second precision.
	CreateDate string `xml:"CreateDate"`
}

// AccessKey is CreateAccount's AccessKey element: the new root user's key
// pair, shown only in this answer.
type AccessKey struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
}

// String hides the secret, so a key pair printed by mistake (%v in a log
// line or an error) does not show it.
func (k AccessKey) String() string { return "{" + k.AccessKeyID + " <secret hidden>}" }

// CreateAccountResult is CreateAccountResult's content.
type CreateAccountResult struct {
	Account   Account   `xml:"Account"`
	AccessKey AccessKey `xml:"AccessKey"`
}

// ListAccountsResult is ListAccountsResult's content: every account, in
// id order. Accounts are few, so there is no paging.
type ListAccountsResult struct {
	Accounts []Account `xml:"Accounts>member"`
}

func account(a iam.Account) Account {
	return Account{AccountID: a.ID, AccountName: a.Name, CanonicalUserID: a.CanonicalID, Email: a.Email,
		CreateDate: a.Created.UTC().Format(queryapi.TimeFormat)}
}

// createAccount answers CreateAccount: a new account with a fresh root
// key pair, whose secret is in this answer and nowhere else in clear.
func (h *handlers) createAccount(ctx context.Context, c *queryapi.Call) (any, error) {
	name, _, err := c.Params.String(accountName)
	if err != nil {
		return nil, err
	}
	email, _, err := c.Params.String(accountEmail)
	if err != nil {
		return nil, err
	}
	acct, ak, secret, err := h.accounts.CreateAccountWithEmail(ctx, name, email)
	if err != nil {
		return nil, err
	}
	return CreateAccountResult{Account: account(acct), AccessKey: AccessKey{AccessKeyID: ak, SecretAccessKey: secret}}, nil
}

// listAccounts answers ListAccounts.
func (h *handlers) listAccounts(ctx context.Context, _ *queryapi.Call) (any, error) {
	accts, err := h.accounts.ListAccounts(ctx)
	if err != nil {
		return nil, err
	}
	out := ListAccountsResult{Accounts: make([]Account, 0, len(accts))}
	for _, a := range accts {
		out.Accounts = append(out.Accounts, account(a))
	}
	return out, nil
}

// FirstRoot is the operator API's authorizer: it allows the root user of
// the first account (iam.RootAccountID) signing with its long-term keys,
// and denies everyone else, other accounts' roots, IAM users and
// temporary credentials included. No IAM policy can grant these actions:
// creating accounts is the operator's power, held by the keys coffer
// was started with, so no policy is evaluated.
type FirstRoot struct{}

// DenyReason is what the server logs when FirstRoot denies a call.
const DenyReason = "only the root user of the first account (" + iam.RootAccountID + "), with its long-term keys, may call the operator API"

// Authorize implements iam.Authorizer.
func (FirstRoot) Authorize(_ context.Context, req iam.Request) iam.Decision {
	p := req.Principal
	if p.Root && !p.Anonymous && p.AccountID == iam.RootAccountID && p.TokenIssued.IsZero() && p.RoleARN == "" {
		return iam.Decision{Allowed: true}
	}
	return iam.Decision{Reason: DenyReason}
}
