package stsapi

import (
	"context"
	"errors"
	"log/slog"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Version is the STS API version requests must name.
const Version = "2011-06-15"

// Identity is what STS needs of the identity store (*iam.Store): it
// decides trust policies, checks MFA codes and issues sessions.
type Identity interface {
	AuthorizeRole(ctx context.Context, caller sigv4.Principal, action, roleARN string, conditions map[string][]string) (iam.Role, iam.Decision, error)
	CreateSession(ctx context.Context, in iam.SessionInput) (iam.Session, error)
	VerifyMFA(ctx context.Context, caller sigv4.Principal, serial, code string) error
	AccessKeyInfo(ctx context.Context, id string) (string, error)
}

// Options configures the STS handler.
type Options struct {
	// Credentials, Region, Clock and Logger build the handler's SigV4
	// verifier for the sts service. STS is regional with a global
	// endpoint: Region and us-east-1 are accepted.
	Credentials sigv4.Credentials
	Region      string
	Clock       clock.Clock
	Authorizer  iam.Authorizer
	// Identity issues sessions (required).
	Identity Identity
	Logger   *slog.Logger
}

// New returns the STS handler.
func New(opts Options) (*queryapi.Service, error) {
	if opts.Identity == nil {
		return nil, errors.New("stsapi: Options.Identity is required")
	}
	h := &handlers{id: opts.Identity}
	return queryapi.New(queryapi.Options{
		Namespace: queryapi.NamespaceSTS,
		Version:   Version,
		Verifier: sigv4.New(sigv4.Options{
			Credentials: opts.Credentials, Region: opts.Region, ExtraRegions: []string{sigv4.DefaultRegion},
			Service: "sts", Clock: opts.Clock, Logger: opts.Logger, DisableSigV2: true,
		}),
		Authorizer: opts.Authorizer,
		Actions: map[string]queryapi.Action{
			// AWS: "No permissions are required to perform this
			// operation", even under an explicit deny.
			"GetCallerIdentity": {IAMAction: "sts:GetCallerIdentity", Public: true, Handle: getCallerIdentity},
			// The trust policy and the caller's policies are evaluated
			// for the role itself (Identity.AuthorizeRole), not here.
			"AssumeRole": {IAMAction: "sts:AssumeRole", Public: true, Handle: h.assumeRole},
			// AWS: "No permissions are required for users to perform
			// this operation ... You cannot use policies to control
			// authentication operations."
			"GetSessionToken":  {IAMAction: "sts:GetSessionToken", Public: true, Handle: h.getSessionToken},
			"GetAccessKeyInfo": {IAMAction: "sts:GetAccessKeyInfo", Handle: h.getAccessKeyInfo},
		},
		Unimplemented: unimplemented,
		// STS's unsigned actions: the caller proves itself with a
		// token or an assertion instead of a signature.
		Unsigned: []string{"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"},
		Errors:   errorFor,
		Logger:   opts.Logger,
	})
}

// handlers holds what the action handlers need.
type handlers struct {
	id Identity
}

// callerIdentity is GetCallerIdentityResult's content.
type callerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// getCallerIdentity answers who signed the request.
func getCallerIdentity(_ context.Context, c *queryapi.Call) (any, error) {
	p := c.Principal
	return callerIdentity{Arn: p.ARN, UserID: p.UserID, Account: p.AccountID}, nil
}
