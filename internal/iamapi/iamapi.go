package iamapi

import (
	"log/slog"
	"time"

	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Version is the IAM API version requests must name.
const Version = "2010-05-08"

// Options configures the IAM handler.
type Options struct {
	// Credentials, Region, Clock and Logger build the handler's SigV4
	// verifier for the iam service. IAM is global: clients sign for
	// us-east-1, and Region is accepted too.
	Credentials sigv4.Credentials
	Region      string
	Clock       clock.Clock
	Authorizer  iam.Authorizer
	// AccountCreated returns when an account was created, for the root
	// user's CreateDate. Nil reports the zero time.
	AccountCreated func(accountID string) time.Time
	Logger         *slog.Logger
}

// New returns the IAM handler.
func New(opts Options) (*queryapi.Service, error) {
	h := &handlers{created: opts.AccountCreated}
	if h.created == nil {
		h.created = func(string) time.Time { return time.Time{} }
	}
	return queryapi.New(queryapi.Options{
		Namespace: queryapi.NamespaceIAM,
		Version:   Version,
		Verifier: sigv4.New(sigv4.Options{
			Credentials: opts.Credentials, Region: opts.Region, ExtraRegions: []string{sigv4.DefaultRegion},
			Service: "iam", Clock: opts.Clock, Logger: opts.Logger, DisableSigV2: true,
		}),
		Authorizer: opts.Authorizer,
		Actions: map[string]queryapi.Action{
			"GetUser": {IAMAction: "iam:GetUser", Handle: h.getUser},
		},
		Unimplemented: unimplemented,
		Errors:        errorFor,
		Logger:        opts.Logger,
	})
}

// handlers holds what the action handlers need.
type handlers struct {
	created func(accountID string) time.Time
}
