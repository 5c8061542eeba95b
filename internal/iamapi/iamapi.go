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
	// Store keeps the identities the actions manage. Nil is allowed only
	// to check the action tables.
	Store  *iam.Store
	Logger *slog.Logger
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
			"GetUser": {IAMAction: "iam:GetUser", Handle: h.getUser, Resource: h.userResource},
			// Users, access keys, groups, MFA devices and the account.
			"CreateUser":                    {IAMAction: "iam:CreateUser", Handle: h.createUser, Resource: newUserResource},
			"ListUsers":                     {IAMAction: "iam:ListUsers", Handle: h.listUsers, Resource: h.accountResource("user/")},
			"UpdateUser":                    {IAMAction: "iam:UpdateUser", Handle: h.updateUser, Resource: h.userResource},
			"DeleteUser":                    {IAMAction: "iam:DeleteUser", Handle: h.deleteUser, Resource: h.userResource},
			"TagUser":                       {IAMAction: "iam:TagUser", Handle: h.tagUser, Resource: h.userResource},
			"UntagUser":                     {IAMAction: "iam:UntagUser", Handle: h.untagUser, Resource: h.userResource},
			"ListUserTags":                  {IAMAction: "iam:ListUserTags", Handle: h.listUserTags, Resource: h.userResource},
			"PutUserPermissionsBoundary":    {IAMAction: "iam:PutUserPermissionsBoundary", Handle: h.putUserPermissionsBoundary, Resource: h.userResource},
			"DeleteUserPermissionsBoundary": {IAMAction: "iam:DeleteUserPermissionsBoundary", Handle: h.deleteUserPermissionsBoundary, Resource: h.userResource},
			"CreateAccessKey":               {IAMAction: "iam:CreateAccessKey", Handle: h.createAccessKey, Resource: h.userResource},
			"ListAccessKeys":                {IAMAction: "iam:ListAccessKeys", Handle: h.listAccessKeys, Resource: h.userResource},
			"UpdateAccessKey":               {IAMAction: "iam:UpdateAccessKey", Handle: h.updateAccessKey, Resource: h.userResource},
			"DeleteAccessKey":               {IAMAction: "iam:DeleteAccessKey", Handle: h.deleteAccessKey, Resource: h.userResource},
			"GetAccessKeyLastUsed":          {IAMAction: "iam:GetAccessKeyLastUsed", Handle: h.getAccessKeyLastUsed, Resource: h.keyResource},
			"CreateGroup":                   {IAMAction: "iam:CreateGroup", Handle: h.createGroup, Resource: h.groupResource},
			"GetGroup":                      {IAMAction: "iam:GetGroup", Handle: h.getGroup, Resource: h.groupResource},
			"ListGroups":                    {IAMAction: "iam:ListGroups", Handle: h.listGroups, Resource: h.accountResource("group/")},
			"DeleteGroup":                   {IAMAction: "iam:DeleteGroup", Handle: h.deleteGroup, Resource: h.groupResource},
			"AddUserToGroup":                {IAMAction: "iam:AddUserToGroup", Handle: h.addUserToGroup, Resource: h.groupResource},
			"RemoveUserFromGroup":           {IAMAction: "iam:RemoveUserFromGroup", Handle: h.removeUserFromGroup, Resource: h.groupResource},
			"ListGroupsForUser":             {IAMAction: "iam:ListGroupsForUser", Handle: h.listGroupsForUser, Resource: h.userResource},
			"CreateVirtualMFADevice":        {IAMAction: "iam:CreateVirtualMFADevice", Handle: h.createVirtualMFADevice, Resource: mfaResource},
			"EnableMFADevice":               {IAMAction: "iam:EnableMFADevice", Handle: h.enableMFADevice, Resource: h.userResource},
			"ResyncMFADevice":               {IAMAction: "iam:ResyncMFADevice", Handle: h.resyncMFADevice, Resource: h.userResource},
			"DeactivateMFADevice":           {IAMAction: "iam:DeactivateMFADevice", Handle: h.deactivateMFADevice, Resource: h.userResource},
			"DeleteVirtualMFADevice":        {IAMAction: "iam:DeleteVirtualMFADevice", Handle: h.deleteVirtualMFADevice, Resource: serialResource},
			"ListMFADevices":                {IAMAction: "iam:ListMFADevices", Handle: h.listMFADevices, Resource: h.userResource},
			"ListVirtualMFADevices":         {IAMAction: "iam:ListVirtualMFADevices", Handle: h.listVirtualMFADevices, Resource: h.accountResource("mfa/")},
			"GetAccountSummary":             {IAMAction: "iam:GetAccountSummary", Handle: h.getAccountSummary, Resource: h.accountResource("*")},
			"CreateAccountAlias":            {IAMAction: "iam:CreateAccountAlias", Handle: h.createAccountAlias, Resource: h.accountResource("*")},
			"ListAccountAliases":            {IAMAction: "iam:ListAccountAliases", Handle: h.listAccountAliases, Resource: h.accountResource("*")},
			"DeleteAccountAlias":            {IAMAction: "iam:DeleteAccountAlias", Handle: h.deleteAccountAlias, Resource: h.accountResource("*")},
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
