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
	// Store is the identity store the actions read and change.
	Store *iam.Store
	// AccountCreated returns when an account was created, for the root
	// user's CreateDate. Nil reports the zero time.
	AccountCreated func(accountID string) time.Time
	Logger         *slog.Logger
}

// New returns the IAM handler.
func New(opts Options) (*queryapi.Service, error) {
	h := &handlers{created: opts.AccountCreated, store: opts.Store}
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
			// Roles, policies, attachments and the simulator.
			"CreateRole":                    {IAMAction: "iam:CreateRole", Resource: h.roleResource, Handle: h.createRole},
			"GetRole":                       {IAMAction: "iam:GetRole", Resource: h.roleResource, Handle: h.getRole},
			"UpdateRole":                    {IAMAction: "iam:UpdateRole", Resource: h.roleResource, Handle: h.updateRole},
			"UpdateRoleDescription":         {IAMAction: "iam:UpdateRoleDescription", Resource: h.roleResource, Handle: h.updateRoleDescription},
			"DeleteRole":                    {IAMAction: "iam:DeleteRole", Resource: h.roleResource, Handle: h.deleteRole},
			"UpdateAssumeRolePolicy":        {IAMAction: "iam:UpdateAssumeRolePolicy", Resource: h.roleResource, Handle: h.updateAssumeRolePolicy},
			"TagRole":                       {IAMAction: "iam:TagRole", Resource: h.roleResource, Handle: h.tagRole},
			"UntagRole":                     {IAMAction: "iam:UntagRole", Resource: h.roleResource, Handle: h.untagRole},
			"ListRoleTags":                  {IAMAction: "iam:ListRoleTags", Resource: h.roleResource, Handle: h.listRoleTags},
			"PutRolePermissionsBoundary":    {IAMAction: "iam:PutRolePermissionsBoundary", Resource: h.roleResource, Handle: h.putRolePermissionsBoundary},
			"DeleteRolePermissionsBoundary": {IAMAction: "iam:DeleteRolePermissionsBoundary", Resource: h.roleResource, Handle: h.deleteRolePermissionsBoundary},
			"ListRoles":                     {IAMAction: "iam:ListRoles", Handle: h.listRoles},
			"PutUserPolicy":                 {IAMAction: "iam:PutUserPolicy", Resource: h.entityResource(iam.EntityUser), Handle: h.putInlinePolicy(iam.EntityUser)},
			"GetUserPolicy":                 {IAMAction: "iam:GetUserPolicy", Resource: h.entityResource(iam.EntityUser), Handle: h.getInlinePolicy(iam.EntityUser)},
			"ListUserPolicies":              {IAMAction: "iam:ListUserPolicies", Resource: h.entityResource(iam.EntityUser), Handle: h.listInlinePolicies(iam.EntityUser)},
			"DeleteUserPolicy":              {IAMAction: "iam:DeleteUserPolicy", Resource: h.entityResource(iam.EntityUser), Handle: h.deleteInlinePolicy(iam.EntityUser)},
			"AttachUserPolicy":              {IAMAction: "iam:AttachUserPolicy", Resource: h.entityResource(iam.EntityUser), Handle: h.attachPolicy(iam.EntityUser, false)},
			"DetachUserPolicy":              {IAMAction: "iam:DetachUserPolicy", Resource: h.entityResource(iam.EntityUser), Handle: h.attachPolicy(iam.EntityUser, true)},
			"ListAttachedUserPolicies":      {IAMAction: "iam:ListAttachedUserPolicies", Resource: h.entityResource(iam.EntityUser), Handle: h.listAttached(iam.EntityUser)},
			"PutGroupPolicy":                {IAMAction: "iam:PutGroupPolicy", Resource: h.entityResource(iam.EntityGroup), Handle: h.putInlinePolicy(iam.EntityGroup)},
			"GetGroupPolicy":                {IAMAction: "iam:GetGroupPolicy", Resource: h.entityResource(iam.EntityGroup), Handle: h.getInlinePolicy(iam.EntityGroup)},
			"ListGroupPolicies":             {IAMAction: "iam:ListGroupPolicies", Resource: h.entityResource(iam.EntityGroup), Handle: h.listInlinePolicies(iam.EntityGroup)},
			"DeleteGroupPolicy":             {IAMAction: "iam:DeleteGroupPolicy", Resource: h.entityResource(iam.EntityGroup), Handle: h.deleteInlinePolicy(iam.EntityGroup)},
			"AttachGroupPolicy":             {IAMAction: "iam:AttachGroupPolicy", Resource: h.entityResource(iam.EntityGroup), Handle: h.attachPolicy(iam.EntityGroup, false)},
			"DetachGroupPolicy":             {IAMAction: "iam:DetachGroupPolicy", Resource: h.entityResource(iam.EntityGroup), Handle: h.attachPolicy(iam.EntityGroup, true)},
			"ListAttachedGroupPolicies":     {IAMAction: "iam:ListAttachedGroupPolicies", Resource: h.entityResource(iam.EntityGroup), Handle: h.listAttached(iam.EntityGroup)},
			"PutRolePolicy":                 {IAMAction: "iam:PutRolePolicy", Resource: h.entityResource(iam.EntityRole), Handle: h.putInlinePolicy(iam.EntityRole)},
			"GetRolePolicy":                 {IAMAction: "iam:GetRolePolicy", Resource: h.entityResource(iam.EntityRole), Handle: h.getInlinePolicy(iam.EntityRole)},
			"ListRolePolicies":              {IAMAction: "iam:ListRolePolicies", Resource: h.entityResource(iam.EntityRole), Handle: h.listInlinePolicies(iam.EntityRole)},
			"DeleteRolePolicy":              {IAMAction: "iam:DeleteRolePolicy", Resource: h.entityResource(iam.EntityRole), Handle: h.deleteInlinePolicy(iam.EntityRole)},
			"AttachRolePolicy":              {IAMAction: "iam:AttachRolePolicy", Resource: h.entityResource(iam.EntityRole), Handle: h.attachPolicy(iam.EntityRole, false)},
			"DetachRolePolicy":              {IAMAction: "iam:DetachRolePolicy", Resource: h.entityResource(iam.EntityRole), Handle: h.attachPolicy(iam.EntityRole, true)},
			"ListAttachedRolePolicies":      {IAMAction: "iam:ListAttachedRolePolicies", Resource: h.entityResource(iam.EntityRole), Handle: h.listAttached(iam.EntityRole)},
			"CreatePolicy":                  {IAMAction: "iam:CreatePolicy", Resource: policyResource, Handle: h.createPolicy},
			"GetPolicy":                     {IAMAction: "iam:GetPolicy", Resource: policyResource, Handle: h.getPolicy},
			"DeletePolicy":                  {IAMAction: "iam:DeletePolicy", Resource: policyResource, Handle: h.deletePolicy},
			"CreatePolicyVersion":           {IAMAction: "iam:CreatePolicyVersion", Resource: policyResource, Handle: h.createPolicyVersion},
			"GetPolicyVersion":              {IAMAction: "iam:GetPolicyVersion", Resource: policyResource, Handle: h.getPolicyVersion},
			"ListPolicyVersions":            {IAMAction: "iam:ListPolicyVersions", Resource: policyResource, Handle: h.listPolicyVersions},
			"DeletePolicyVersion":           {IAMAction: "iam:DeletePolicyVersion", Resource: policyResource, Handle: h.deletePolicyVersion},
			"SetDefaultPolicyVersion":       {IAMAction: "iam:SetDefaultPolicyVersion", Resource: policyResource, Handle: h.setDefaultPolicyVersion},
			"ListEntitiesForPolicy":         {IAMAction: "iam:ListEntitiesForPolicy", Resource: policyResource, Handle: h.listEntitiesForPolicy},
			"ListPolicies":                  {IAMAction: "iam:ListPolicies", Handle: h.listPolicies},
			"SimulatePrincipalPolicy":       {IAMAction: "iam:SimulatePrincipalPolicy", Resource: simulateResource, Handle: h.simulatePrincipalPolicy},
			"SimulateCustomPolicy":          {IAMAction: "iam:SimulateCustomPolicy", Handle: h.simulateCustomPolicy},
		},
		Unimplemented: unimplemented,
		Errors:        errorFor,
		Logger:        opts.Logger,
	})
}

// handlers holds what the action handlers need.
type handlers struct {
	created func(accountID string) time.Time
	store   *iam.Store
}
