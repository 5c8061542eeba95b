package iamapi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Managed policy parameters, with botocore's constraints (policyNameType,
// policyPathType, arnType, policyVersionIdType, policyDescriptionType).
var (
	policyNameParam = queryapi.String{Name: "PolicyName", Field: "policyName", Required: true, Min: 1, Max: 128, Pattern: namePattern}
	policyPathParam = queryapi.String{Name: "Path", Field: "path", Min: 1, Max: 512,
		Pattern: regexp.MustCompile(`((/[A-Za-z0-9\.,\+@=_-]+)*)/`)}
	policyArnParam = queryapi.String{Name: "PolicyArn", Field: "policyArn", Required: true, Min: 20, Max: 2048}
	versionIDParam = queryapi.String{Name: "VersionId", Field: "versionId", Required: true,
		Pattern: regexp.MustCompile(`v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)}
	policyDescParam = queryapi.String{Name: "Description", Field: "description", Max: 1000}
	markerParam     = queryapi.String{Name: "Marker", Field: "marker", Min: 1, Max: 320,
		Pattern: regexp.MustCompile(`[\x{0020}-\x{00FF}]+`)}
	pathPrefixParam = queryapi.String{Name: "PathPrefix", Field: "pathPrefix", Min: 1, Max: 512,
		Pattern: regexp.MustCompile(`\x{002F}[\x{0021}-\x{007F}]*`)}
	documentPattern = regexp.MustCompile(`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)
)

// docParam is a required policy document parameter (policyDocumentType).
func docParam(name, field string) queryapi.String {
	return queryapi.String{Name: name, Field: field, Required: true, Min: 1, Max: 131072, Pattern: documentPattern}
}

// str returns a validated string parameter ("" when absent and optional).
func str(c *queryapi.Call, s queryapi.String) (string, error) {
	v, _, err := c.Params.String(s)
	return v, err
}

// boolParam reads a boolean parameter ("true" or "false"; absent is
// false).
func boolParam(c *queryapi.Call, name string) (bool, error) {
	v, ok := c.Params.Get(name)
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		return false, queryapi.InvalidParameterValue("Value (" + v + ") for parameter " + name + " is invalid. Expected: 'true' or 'false'.")
	}
	return b, nil
}

// encodeDocument renders a policy document as IAM returns it: URL-encoded
// (RFC 3986, spaces as %20), which the CLI and SDK users decode.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// timeOf renders a timestamp as IAM does.
func timeOf(t time.Time) string { return t.UTC().Format(queryapi.TimeFormat) }

// pageInMemory pages a short list held in memory; its marker is the
// index of the next item.
func pageInMemory[T any](items []T, o iam.ListOptions) (page []T, truncated bool, marker string, err error) {
	start := 0
	if o.Marker != "" {
		start, err = strconv.Atoi(o.Marker)
		if err != nil || start < 0 || start > len(items) {
			return nil, false, "", &queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput",
				Message: "Invalid Marker " + o.Marker + "."}
		}
	}
	limit := o.MaxItems
	if limit == 0 {
		limit = 100
	}
	end := min(start+limit, len(items))
	if end < len(items) {
		return items[start:end], true, strconv.Itoa(end), nil
	}
	return items[start:end], false, "", nil
}

// managedPolicy is IAM's Policy element. Description and Tags are only
// in CreatePolicy's and GetPolicy's answers, as AWS documents.
type managedPolicy struct {
	PolicyName       string   `xml:"PolicyName"`
	PolicyID         string   `xml:"PolicyId"`
	Arn              string   `xml:"Arn"`
	Path             string   `xml:"Path"`
	DefaultVersionID string   `xml:"DefaultVersionId"`
	AttachmentCount  int      `xml:"AttachmentCount"`
	IsAttachable     bool     `xml:"IsAttachable"`
	Description      string   `xml:"Description,omitempty"`
	CreateDate       string   `xml:"CreateDate"`
	UpdateDate       string   `xml:"UpdateDate"`
	Tags             *tagList `xml:"Tags,omitempty"`
}

func policyOf(p iam.ManagedPolicy, full bool) managedPolicy {
	out := managedPolicy{PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersionID,
		AttachmentCount: p.AttachmentCount, IsAttachable: true, CreateDate: timeOf(p.Created), UpdateDate: timeOf(p.Updated)}
	if full {
		out.Description = p.Description
		out.Tags = tagsOf(p.Tags)
	}
	return out
}

// policyResult is CreatePolicyResult's and GetPolicyResult's content.
type policyResult struct {
	Policy managedPolicy `xml:"Policy"`
}

func (h *handlers) createPolicy(ctx context.Context, c *queryapi.Call) (any, error) {
	in := iam.CreatePolicyInput{Account: c.Principal.AccountID}
	var err error
	if in.Name, err = str(c, policyNameParam); err != nil {
		return nil, err
	}
	if in.Path, err = str(c, policyPathParam); err != nil {
		return nil, err
	}
	if in.Document, err = str(c, docParam("PolicyDocument", "policyDocument")); err != nil {
		return nil, err
	}
	if in.Description, err = str(c, policyDescParam); err != nil {
		return nil, err
	}
	if in.Tags, err = tagParams(c); err != nil {
		return nil, err
	}
	p, err := h.store.CreatePolicy(ctx, in)
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: policyOf(p, true)}, nil
}

func (h *handlers) getPolicy(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	p, err := h.store.GetPolicy(ctx, c.Principal.AccountID, arn)
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: policyOf(p, true)}, nil
}

// listPoliciesResult is ListPoliciesResult's content.
type listPoliciesResult struct {
	Policies    []managedPolicy `xml:"Policies>member"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

var (
	scopeParam = queryapi.String{Name: "Scope", Field: "scope", Enum: []string{"All", "AWS", "Local"}}
	usageParam = queryapi.String{Name: "PolicyUsageFilter", Field: "policyUsageFilter",
		Enum: []string{"PermissionsPolicy", "PermissionsBoundary"}}
)

func (h *handlers) listPolicies(ctx context.Context, c *queryapi.Call) (any, error) {
	in := iam.ListPoliciesInput{Account: c.Principal.AccountID}
	var err error
	if in.ListOptions, err = listOptions(c.Params, false); err != nil {
		return nil, err
	}
	pp := pathPrefixParam
	pp.Pattern = policyPathParam.Pattern
	if in.PathPrefix, err = str(c, pp); err != nil {
		return nil, err
	}
	scope, err := str(c, scopeParam)
	if err != nil {
		return nil, err
	}
	in.Scope = iam.PolicyScope(scope)
	if in.OnlyAttached, err = boolParam(c, "OnlyAttached"); err != nil {
		return nil, err
	}
	if _, err := str(c, usageParam); err != nil {
		return nil, err
	}
	ps, page, err := h.store.ListPolicies(ctx, in)
	if err != nil {
		return nil, err
	}
	out := listPoliciesResult{Policies: make([]managedPolicy, len(ps)), IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i, p := range ps {
		out.Policies[i] = policyOf(p, false)
	}
	return out, nil
}

func (h *handlers) deletePolicy(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeletePolicy(ctx, c.Principal.AccountID, arn)
}

// policyVersion is IAM's PolicyVersion element; Document is only in
// GetPolicyVersion's answer.
type policyVersion struct {
	Document         string `xml:"Document,omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

func versionOf(v iam.PolicyVersion, withDoc bool) policyVersion {
	out := policyVersion{VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: timeOf(v.Created)}
	if withDoc {
		out.Document = encodeDocument(v.Document)
	}
	return out
}

// policyVersionResult is CreatePolicyVersionResult's and
// GetPolicyVersionResult's content.
type policyVersionResult struct {
	PolicyVersion policyVersion `xml:"PolicyVersion"`
}

func (h *handlers) createPolicyVersion(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	doc, err := str(c, docParam("PolicyDocument", "policyDocument"))
	if err != nil {
		return nil, err
	}
	def, err := boolParam(c, "SetAsDefault")
	if err != nil {
		return nil, err
	}
	v, err := h.store.CreatePolicyVersion(ctx, c.Principal.AccountID, arn, doc, def)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: versionOf(v, false)}, nil
}

func (h *handlers) getPolicyVersion(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	id, err := str(c, versionIDParam)
	if err != nil {
		return nil, err
	}
	v, err := h.store.GetPolicyVersion(ctx, c.Principal.AccountID, arn, id)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: versionOf(v, true)}, nil
}

// listPolicyVersionsResult is ListPolicyVersionsResult's content.
type listPolicyVersionsResult struct {
	Versions    []policyVersion `xml:"Versions>member"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

func (h *handlers) listPolicyVersions(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	o, err := listOptions(c.Params, false)
	if err != nil {
		return nil, err
	}
	vs, page, err := h.store.ListPolicyVersions(ctx, c.Principal.AccountID, arn, o)
	if err != nil {
		return nil, err
	}
	out := listPolicyVersionsResult{Versions: make([]policyVersion, len(vs)), IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i, v := range vs {
		out.Versions[i] = versionOf(v, false)
	}
	return out, nil
}

func (h *handlers) deletePolicyVersion(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	id, err := str(c, versionIDParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeletePolicyVersion(ctx, c.Principal.AccountID, arn, id)
}

func (h *handlers) setDefaultPolicyVersion(ctx context.Context, c *queryapi.Call) (any, error) {
	arn, err := str(c, policyArnParam)
	if err != nil {
		return nil, err
	}
	id, err := str(c, versionIDParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.SetDefaultPolicyVersion(ctx, c.Principal.AccountID, arn, id)
}

// policyResource is the ARN Authorize is asked about for a managed policy
// action: PolicyArn, or for CreatePolicy the ARN the policy will have.
func policyResource(_ context.Context, c *queryapi.Call) string {
	if arn, ok := c.Params.Get("PolicyArn"); ok {
		return arn
	}
	name, _ := c.Params.Get("PolicyName")
	path, _ := c.Params.Get("Path")
	if path == "" {
		path = "/"
	}
	return iam.PolicyARN(c.Principal.AccountID, path, name)
}
