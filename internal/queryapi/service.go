package queryapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/reqid"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// Call is one authenticated, authorized request handed to an action.
type Call struct {
	Principal sigv4.Principal
	Params    Params
	RequestID string
}

// Action is one entry of a service's action table.
type Action struct {
	// IAMAction is what Authorize is asked before Handle runs, for
	// example "iam:GetUser".
	IAMAction string
	// Public actions skip Authorize: any authenticated caller may call
	// them (sts:GetCallerIdentity, which AWS allows even under an
	// explicit deny).
	Public bool
	// Resource, when set, names the ARN Authorize is asked about (for
	// example arn:aws:iam::ACCOUNT:user/PATH/NAME), so policies with a
	// Resource element apply and a denial names it. It runs after the
	// parameters are parsed and before Authorize.
	Resource func(ctx context.Context, c *Call) string
	// Handle does the work and returns the value rendered inside the
	// ActionResult element (nil for none). Its error is mapped by an
	// *Error it is or wraps, else by the service's Errors table, else
	// InternalFailure.
	Handle func(ctx context.Context, c *Call) (any, error)
}

// Options configures a Service.
type Options struct {
	// Namespace is the XML namespace of every document (NamespaceIAM…).
	Namespace string
	// Version is the API version requests must name ("2010-05-08").
	Version string
	// Verifier authenticates requests; it must be built for this
	// service's SigV4 scope (sigv4.Options.Service).
	Verifier *sigv4.Verifier
	// Authorizer decides each non-public action.
	Authorizer iam.Authorizer
	// Actions are the implemented actions, by Action name.
	Actions map[string]Action
	// Unimplemented are the other action names AWS defines; they answer
	// 501 NotImplemented instead of InvalidAction.
	Unimplemented []string
	// Unsigned are the actions AWS serves without a signature
	// (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): an unsigned
	// request naming one is dispatched without Authorize, or answered
	// NotImplemented when it is unimplemented. Every other unsigned
	// request answers MissingAuthenticationToken.
	Unsigned []string
	// Errors maps a domain error to its answer; nil or a false result
	// leaves it InternalFailure.
	Errors func(error) (*Error, bool)
	// Logger records internal failures with the request id. Nil discards.
	Logger *slog.Logger
}

// Service serves one query-protocol API. It is safe for concurrent use.
type Service struct {
	opts    Options
	unknown map[string]bool
	log     *slog.Logger
}

// New returns a Service for opts.
func New(opts Options) (*Service, error) {
	if opts.Namespace == "" || opts.Version == "" || opts.Verifier == nil || opts.Authorizer == nil {
		return nil, errors.New("queryapi: Namespace, Version, Verifier and Authorizer are required")
	}
	s := &Service{opts: opts, unknown: make(map[string]bool, len(opts.Unimplemented)), log: opts.Logger}
	for _, a := range opts.Unimplemented {
		if _, ok := opts.Actions[a]; ok {
			return nil, fmt.Errorf("queryapi: action %s is both implemented and unimplemented", a)
		}
		s.unknown[a] = true
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// ServeHTTP authenticates, parses, authorizes and dispatches one call.
// Authentication comes first so that nothing about the API is revealed to
// a caller who cannot sign.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := reqid.From(ctx)
	if id == "" {
		id = reqid.New()
	}
	w.Header().Set("x-amzn-RequestId", id)
	res, err := s.opts.Verifier.Verify(r)
	if err != nil {
		s.fail(ctx, w, id, err)
		return
	}
	r.Body = res.Body
	if res.Principal.Anonymous {
		s.serveUnsigned(w, r, id, res.Principal)
		return
	}
	p, err := Parse(r)
	if err != nil {
		s.fail(ctx, w, id, err)
		return
	}
	name, a, err := s.action(p)
	if err != nil {
		s.fail(ctx, w, id, err)
		return
	}
	s.dispatch(w, r, id, res.Principal, p, name, a)
}

// serveUnsigned answers an unsigned request: only the Unsigned actions
// run; anything else, unparsable requests included, answers
// MissingAuthenticationToken so that nothing about the API is revealed.
func (s *Service) serveUnsigned(w http.ResponseWriter, r *http.Request, id string, anon sigv4.Principal) {
	ctx := r.Context()
	p, err := Parse(r)
	if err != nil {
		s.fail(ctx, w, id, errMissingToken)
		return
	}
	if name, _ := p.Get("Action"); !slices.Contains(s.opts.Unsigned, name) {
		s.fail(ctx, w, id, errMissingToken)
		return
	}
	name, a, err := s.action(p)
	if err != nil {
		s.fail(ctx, w, id, err)
		return
	}
	a.Public = true
	s.dispatch(w, r, id, anon, p, name, a)
}

// dispatch authorizes (unless the action is public) and runs one call.
func (s *Service) dispatch(w http.ResponseWriter, r *http.Request, id string, principal sigv4.Principal, p Params, name string, a Action) {
	ctx := r.Context()
	call := &Call{Principal: principal, Params: p, RequestID: id}
	if !a.Public {
		req := iam.Request{Principal: principal, Action: a.IAMAction}
		if a.Resource != nil {
			req.Resource = a.Resource(ctx, call)
		}
		d := s.opts.Authorizer.Authorize(ctx, req)
		if !d.Allowed {
			s.log.InfoContext(ctx, "access denied", "op", name, "principal", principal.ARN, "resource", req.Resource, "reason", d.Reason)
			s.fail(ctx, w, id, accessDenied(principal, a.IAMAction, req.Resource, d.Policy))
			return
		}
	}
	out, err := a.Handle(ctx, call)
	if err != nil {
		s.fail(ctx, w, id, err)
		return
	}
	body, err := AppendResult(nil, s.opts.Namespace, name, id, out)
	if err != nil {
		s.fail(ctx, w, id, fmt.Errorf("render %s: %w", name, err))
		return
	}
	writeXML(w, http.StatusOK, body)
}

// action finds the call's action: MissingAction without one, InvalidAction
// for a wrong Version or a name AWS does not define, NotImplemented for a
// name it defines that coffer does not serve yet.
func (s *Service) action(p Params) (string, Action, error) {
	name, ok := p.Get("Action")
	if !ok || name == "" {
		return "", Action{}, errMissingAction
	}
	version, _ := p.Get("Version")
	if version != s.opts.Version {
		return "", Action{}, invalidAction(name, version)
	}
	if a, ok := s.opts.Actions[name]; ok {
		return name, a, nil
	}
	if s.unknown[name] {
		return "", Action{}, NotImplemented(name)
	}
	return "", Action{}, invalidAction(name, version)
}

// fail renders err's answer. Errors no table knows are logged and
// answered InternalFailure, with nothing internal sent.
func (s *Service) fail(ctx context.Context, w http.ResponseWriter, id string, err error) {
	e := s.errorFor(err)
	if e == errInternal {
		s.log.ErrorContext(ctx, "internal failure", "err", err)
	}
	writeXML(w, e.Status, AppendError(nil, s.opts.Namespace, e, id))
}

// errorFor chooses the answer for err.
func (s *Service) errorFor(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	if e := authError(err); e != nil {
		return e
	}
	if s.opts.Errors != nil {
		if e, ok := s.opts.Errors(err); ok {
			return e
		}
	}
	return errInternal
}
