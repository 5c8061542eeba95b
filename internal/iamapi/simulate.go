package iamapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// position is IAM's Position element.
type position struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
}

// matchedStatement is IAM's Statement element of a simulation result.
type matchedStatement struct {
	SourcePolicyID   string    `xml:"SourcePolicyId"`
	SourcePolicyType string    `xml:"SourcePolicyType,omitempty"`
	StartPosition    *position `xml:"StartPosition,omitempty"`
	EndPosition      *position `xml:"EndPosition,omitempty"`
}

// boundaryDetail is PermissionsBoundaryDecisionDetail.
type boundaryDetail struct {
	AllowedByPermissionsBoundary bool `xml:"AllowedByPermissionsBoundary"`
}

// evaluationResult is IAM's EvaluationResult element.
type evaluationResult struct {
	EvalActionName                    string             `xml:"EvalActionName"`
	EvalResourceName                  string             `xml:"EvalResourceName"`
	EvalDecision                      string             `xml:"EvalDecision"`
	MatchedStatements                 []matchedStatement `xml:"MatchedStatements>member"`
	MissingContextValues              []string           `xml:"MissingContextValues>member"`
	PermissionsBoundaryDecisionDetail *boundaryDetail    `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
}

// simulateResult is the content of SimulatePrincipalPolicyResult and
// SimulateCustomPolicyResult.
type simulateResult struct {
	EvaluationResults []evaluationResult `xml:"EvaluationResults>member"`
	IsTruncated       bool               `xml:"IsTruncated"`
	Marker            string             `xml:"Marker,omitempty"`
}

// policySource says where a simulated policy came from, for
// MatchedStatements.
type policySource struct {
	id, typ string
}

// simulation is what both simulate actions evaluate.
type simulation struct {
	set       policy.PolicySet
	sources   map[string]policySource
	principal policy.Principal
	actions   []string
	resources []string
	ctx       policy.Keys
	ctxNames  map[string]bool
	// owner is the account that owns the simulated resources (and the
	// ResourcePolicy): ResourceOwner, or the caller's account.
	owner string
	// callerIsUser says principal is an IAM user, whom a ResourcePolicy's
	// Principal element can name.
	callerIsUser bool
	// spans caches where each policy's statements are written.
	spans map[string][]policy.Span
	// text returns the document of a policy in set by its Name, to
	// locate the matched statement; "" when it cannot.
	text func(name string) string
}

func (h *handlers) simulatePrincipalPolicy(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, queryapi.String{Name: "PolicySourceArn", Field: "policySourceArn", Required: true, Min: 20, Max: 2048})
	if err != nil {
		return nil, err
	}
	e, err := sourceEntity(c.Principal.AccountID, arn)
	if err != nil {
		return nil, err
	}
	set, err := h.store.EntityPolicies(ctx, e)
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	sim := simulation{set: set, sources: map[string]policySource{}, text: func(name string) string {
		if d, ok := docs[name]; ok {
			return d
		}
		return h.storedText(ctx, e.Account, name)
	}}
	for _, a := range set.Identity {
		sim.sources[a.Name] = sourceOf(a.Name)
	}
	if set.Boundary != nil {
		sim.sources[set.Boundary.Name] = sourceOf(set.Boundary.Name)
	}
	sim.principal = policy.Principal{Type: policy.User, Account: e.Account, ARN: arn}
	sim.callerIsUser = e.Kind == iam.EntityUser
	if e.Kind == iam.EntityRole {
		sim.principal = policy.Principal{Type: policy.AssumedRole, Account: e.Account, ARN: arn, RoleARN: arn}
	}
	return h.simulate(c, &sim, docs, false)
}

func (h *handlers) simulateCustomPolicy(_ context.Context, c *queryapi.Call) (any, error) {
	docs := map[string]string{}
	sim := simulation{sources: map[string]policySource{},
		principal: policy.Principal{Type: policy.User, Account: c.Principal.AccountID, ARN: c.Principal.ARN},
		text:      func(name string) string { return docs[name] }}
	// The simulated caller of a custom policy is a user only when
	// CallerArn names one.
	return h.simulate(c, &sim, docs, true)
}

// storedText returns the document of a principal's policy as
// EntityPolicies names it: a managed policy's default version by ARN, or
// an inline policy by "user/NAME/POLICY" ("group/…", "role/…").
func (h *handlers) storedText(ctx context.Context, account, name string) string {
	if strings.HasPrefix(name, "arn:") {
		p, err := h.store.GetPolicy(ctx, account, name)
		if err != nil {
			return ""
		}
		v, err := h.store.GetPolicyVersion(ctx, account, name, p.DefaultVersionID)
		if err != nil {
			return ""
		}
		return v.Document
	}
	kinds := map[string]iam.EntityKind{"user": iam.EntityUser, "group": iam.EntityGroup, "role": iam.EntityRole}
	kind, rest, _ := strings.Cut(name, "/")
	entity, pol, _ := strings.Cut(rest, "/")
	doc, err := h.store.GetInlinePolicy(ctx, iam.Entity{Account: account, Kind: kinds[kind], Name: entity}, pol)
	if err != nil {
		return ""
	}
	return doc
}

// simulate reads the parameters both actions share, adds the policies
// passed in the request and evaluates every action on every resource.
func (h *handlers) simulate(c *queryapi.Call, sim *simulation, docs map[string]string, inputRequired bool) (any, error) {
	inputs, texts, err := policyInputs(c, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	if inputRequired && len(inputs) == 0 {
		return nil, queryapi.MissingParameter("PolicyInputList")
	}
	for i, p := range inputs {
		name := "PolicyInputList." + strconv.Itoa(i+1)
		sim.set.Identity = append(sim.set.Identity, policy.Attached{Name: name, Policy: p})
		sim.sources[name] = policySource{id: name}
		docs[name] = texts[i]
	}
	bounds, btexts, err := policyInputs(c, "PermissionsBoundaryPolicyInputList")
	if err != nil {
		return nil, err
	}
	switch {
	case len(bounds) > 1:
		return nil, &queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput",
			Message: "Only one permissions boundary policy may be simulated."}
	case len(bounds) == 1:
		name := "PermissionsBoundaryPolicyInputList.1"
		sim.set.Boundary = &policy.Attached{Name: name, Policy: bounds[0]}
		sim.sources[name] = policySource{id: name}
		docs[name] = btexts[0]
	}
	if sim.actions, err = c.Params.List("ActionNames"); err != nil {
		return nil, err
	}
	if len(sim.actions) == 0 {
		return nil, queryapi.MissingParameter("ActionNames")
	}
	if sim.resources, err = c.Params.List("ResourceArns"); err != nil {
		return nil, err
	}
	if len(sim.resources) == 0 {
		sim.resources = []string{"*"}
	}
	if sim.ctx, sim.ctxNames, err = contextEntries(c); err != nil {
		return nil, err
	}
	if err := sim.resourceOptions(c, docs); err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	var results []evaluationResult
	for _, a := range sim.actions {
		for _, r := range sim.resources {
			results = append(results, sim.evaluate(a, r))
		}
	}
	page, trunc, marker, err := pageInMemory(results, o)
	if err != nil {
		return nil, err
	}
	return simulateResult{EvaluationResults: page, IsTruncated: trunc, Marker: marker}, nil
}

// evaluate simulates one action on one resource.
func (s *simulation) evaluate(action, resource string) evaluationResult {
	req := policy.Request{Principal: s.principal, Action: action, Resource: resource, Context: s.ctx, ResourceAccount: s.owner}
	d := policy.Evaluate(req, s.set)
	out := evaluationResult{EvalActionName: action, EvalResourceName: resource,
		MatchedStatements: []matchedStatement{}, MissingContextValues: s.missing(action)}
	switch d.Outcome {
	case policy.Allowed:
		out.EvalDecision = "allowed"
	case policy.ExplicitDeny:
		out.EvalDecision = "explicitDeny"
	default:
		out.EvalDecision = "implicitDeny"
	}
	for _, m := range policy.Matches(req, s.set) {
		if reportMatch(d.Outcome, m) {
			out.MatchedStatements = append(out.MatchedStatements, s.matched(m.Policy, m.Statement))
		}
	}
	if b := s.set.Boundary; b != nil {
		bd := policy.Evaluate(req, policy.PolicySet{Identity: []policy.Attached{*b}})
		out.PermissionsBoundaryDecisionDetail = &boundaryDetail{AllowedByPermissionsBoundary: bd.Allowed()}
	}
	return out
}

// reportMatch says whether an applicable statement determines the result,
// as IAM lists MatchedStatements: for a denial the Deny statements only
// ("the deny statement is the only entry included in the result"), for
// an allowed request every allowing statement of the identity and
// resource policies, and nothing for an implicit deny.
func reportMatch(o policy.Outcome, m policy.Match) bool {
	switch o {
	case policy.ExplicitDeny:
		return m.Effect == policy.Deny
	case policy.Allowed:
		return m.Effect == policy.Allow && (m.Role == policy.RoleIdentity || m.Role == policy.RoleResource)
	}
	return false
}

// matched describes statement i of the policy named name.
func (s *simulation) matched(name string, i int) matchedStatement {
	src := s.sources[name]
	m := matchedStatement{SourcePolicyID: src.id, SourcePolicyType: src.typ}
	spans, ok := s.spans[name]
	if !ok {
		spans, _ = policy.StatementSpans([]byte(s.text(name)))
		if s.spans == nil {
			s.spans = map[string][]policy.Span{}
		}
		s.spans[name] = spans
	}
	if i >= 0 && i < len(spans) {
		sp := spans[i]
		m.StartPosition = &position{Line: sp.Start.Line, Column: sp.Start.Column}
		m.EndPosition = &position{Line: sp.End.Line, Column: sp.End.Column}
	}
	return m
}

// missing lists the condition keys that statements bearing on action
// test and the request did not supply, in first-seen order.
func (s *simulation) missing(action string) []string {
	out := []string{}
	seen := map[string]bool{}
	check := func(a *policy.Attached) {
		if a == nil || a.Policy == nil {
			return
		}
		for i := range a.Policy.Statements {
			st := &a.Policy.Statements[i]
			if !st.MatchesAction(action) {
				continue
			}
			for _, cond := range st.Condition {
				k := strings.ToLower(cond.Key)
				if !s.ctxNames[k] && !seen[k] {
					seen[k] = true
					out = append(out, cond.Key)
				}
			}
		}
	}
	for i := range s.set.Identity {
		check(&s.set.Identity[i])
	}
	check(s.set.Resource)
	check(s.set.Boundary)
	return out
}

// sourceOf describes a policy of EntityPolicies for MatchedStatements:
// inline policies by name with the entity kind as type, managed policies
// by name as aws-managed or user-managed.
func sourceOf(name string) policySource {
	if strings.HasPrefix(name, "arn:") {
		typ := "user-managed"
		if strings.HasPrefix(name, "arn:aws:iam::aws:") {
			typ = "aws-managed"
		}
		return policySource{id: name[strings.LastIndex(name, "/")+1:], typ: typ}
	}
	kind, rest, _ := strings.Cut(name, "/")
	_, pol, _ := strings.Cut(rest, "/")
	return policySource{id: pol, typ: kind}
}

// sourceEntity reads PolicySourceArn: a user, group or role of the
// caller's account.
func sourceEntity(account, arn string) (iam.Entity, error) {
	bad := &queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput",
		Message: fmt.Sprintf("Invalid ARN: %s", arn)}
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return iam.Entity{}, bad
	}
	acct, res, ok := strings.Cut(rest, ":")
	if !ok {
		return iam.Entity{}, bad
	}
	kindName, _, _ := strings.Cut(res, "/")
	name := res[strings.LastIndex(res, "/")+1:]
	kinds := map[string]iam.EntityKind{"user": iam.EntityUser, "group": iam.EntityGroup, "role": iam.EntityRole}
	kind, ok := kinds[kindName]
	if !ok || name == "" || !strings.Contains(res, "/") {
		return iam.Entity{}, bad
	}
	if acct != account {
		return iam.Entity{}, &queryapi.Error{Status: http.StatusNotFound, Code: "NoSuchEntity",
			Message: fmt.Sprintf("The %s with name %s cannot be found.", kindName, name)}
	}
	return iam.Entity{Account: account, Kind: kind, Name: name}, nil
}

// policyInputs parses a list of policy documents (PolicyInputList,
// PermissionsBoundaryPolicyInputList). A document that is not a valid
// identity policy answers MalformedPolicyDocument with the parser's text.
func policyInputs(c *queryapi.Call, name string) ([]*policy.Policy, []string, error) {
	docs, err := c.Params.List(name)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*policy.Policy, len(docs))
	for i, d := range docs {
		if err := docParam(name, "policyInputList").Check(d); err != nil {
			return nil, nil, err
		}
		p, err := policy.Parse([]byte(d), policy.Managed)
		if err != nil {
			if syn, ok := errors.AsType[*policy.SyntaxError](err); ok {
				return nil, nil, &iam.PolicyError{Err: iam.ErrMalformedPolicyDocument, Message: syn.Message, Cause: err}
			}
			if _, ok := errors.AsType[*policy.SizeError](err); ok {
				return nil, nil, &iam.PolicyError{Err: iam.ErrLimitExceeded, Message: "Cannot exceed quota for PolicySize.", Cause: err}
			}
			return nil, nil, err
		}
		out[i] = p
	}
	return out, docs, nil
}

var contextKeyTypes = []string{"string", "stringList", "numeric", "numericList", "boolean", "booleanList",
	"ip", "ipList", "binary", "binaryList", "date", "dateList"}

// contextEntries reads ContextEntries.member.N.{ContextKeyName,
// ContextKeyValues.member.M, ContextKeyType} into condition keys, and
// the set of (lower-case) names supplied.
func contextEntries(c *queryapi.Call) (policy.Keys, map[string]bool, error) {
	keys := policy.Keys{}
	names := map[string]bool{}
	for i := 1; ; i++ {
		prefix := "ContextEntries.member." + strconv.Itoa(i) + "."
		name, ok := c.Params.Get(prefix + "ContextKeyName")
		if !ok {
			if c.Params.Has(prefix + "ContextKeyType") {
				return nil, nil, queryapi.MissingParameter(prefix + "ContextKeyName")
			}
			return keys, names, nil
		}
		if err := (queryapi.String{Field: "contextEntries." + strconv.Itoa(i) + ".member.contextKeyName", Min: 5, Max: 256}).Check(name); err != nil {
			return nil, nil, err
		}
		typ, hasType := c.Params.Get(prefix + "ContextKeyType")
		if err := (queryapi.String{Field: "contextEntries." + strconv.Itoa(i) + ".member.contextKeyType", Enum: contextKeyTypes}).Check(typ); hasType && err != nil {
			return nil, nil, err
		}
		vals, err := c.Params.List(prefix + "ContextKeyValues")
		if err != nil {
			return nil, nil, err
		}
		keys.Set(name, vals...)
		names[strings.ToLower(name)] = true
	}
}

// simulateResource is the ARN Authorize is asked about for
// SimulatePrincipalPolicy: the simulated user, group or role.
func simulateResource(_ context.Context, c *queryapi.Call) string {
	arn, _ := c.Params.Get("PolicySourceArn")
	return arn
}
