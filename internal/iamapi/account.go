package iamapi

import (
	"context"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// aliasParam is botocore's accountAliasType. Its pattern has a lookahead
// Go's regexp lacks; the store checks it and answers with AWS's text.
var aliasParam = queryapi.String{Name: "AccountAlias", Field: "accountAlias", Required: true, Min: 3, Max: 63}

// summaryEntry is one entry of GetAccountSummary's SummaryMap, rendered as
// the query protocol renders maps: <entry><key>…</key><value>…</value></entry>.
type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

type getAccountSummaryResult struct {
	SummaryMap []summaryEntry `xml:"SummaryMap>entry"`
}

// AWS's default quotas. Coffer enforces those named by iam.Quota*; the
// others are reported as AWS reports them so tools that read the map see
// the keys they expect.
const (
	usersQuota                = 5000
	groupsQuota               = 300
	rolesQuota                = 1000
	policiesQuota             = 1500
	policySizeQuota           = 6144
	userPolicySizeQuota       = 2048
	groupPolicySizeQuota      = 5120
	rolePolicySizeQuota       = 10240
	assumeRolePolicySizeQuota = 2048
	policyVersionsInUseQuota  = 10000
	serverCertificatesQuota   = 20
	instanceProfilesQuota     = 1000
	signingCertsPerUserQuota  = 2
)

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// getAccountSummary counts the caller's account's entities. Coffer has
// no server certificates, instance profiles, identity providers,
// passwords or signing certificates, so those count 0.
func (h *handlers) getAccountSummary(ctx context.Context, c *queryapi.Call) (any, error) {
	s, err := h.store.AccountSummary(ctx, c.Principal.AccountID)
	if err != nil {
		return nil, err
	}
	return getAccountSummaryResult{SummaryMap: []summaryEntry{
		{"Users", s.Users}, {"UsersQuota", usersQuota},
		{"Groups", s.Groups}, {"GroupsQuota", groupsQuota},
		{"Roles", s.Roles}, {"RolesQuota", rolesQuota},
		{"Policies", s.Policies}, {"PoliciesQuota", policiesQuota},
		{"PolicyVersionsInUse", s.PolicyVersions}, {"PolicyVersionsInUseQuota", policyVersionsInUseQuota},
		{"VersionsPerPolicyQuota", iam.QuotaVersionsPerPolicy}, {"PolicySizeQuota", policySizeQuota},
		{"UserPolicySizeQuota", userPolicySizeQuota}, {"GroupPolicySizeQuota", groupPolicySizeQuota},
		{"RolePolicySizeQuota", rolePolicySizeQuota}, {"AssumeRolePolicySizeQuota", assumeRolePolicySizeQuota},
		{"AttachedPoliciesPerUserQuota", iam.QuotaAttachedPolicies},
		{"AttachedPoliciesPerGroupQuota", iam.QuotaAttachedPolicies},
		{"AttachedPoliciesPerRoleQuota", iam.QuotaAttachedPolicies},
		{"GroupsPerUserQuota", iam.QuotaGroupsPerUser}, {"AccessKeysPerUserQuota", iam.QuotaAccessKeysPerUser},
		{"SigningCertificatesPerUserQuota", signingCertsPerUserQuota},
		{"MFADevices", s.MFADevices}, {"MFADevicesInUse", s.MFADevicesInUse},
		{"AccountMFAEnabled", b2i(s.RootMFA)}, {"AccountAccessKeysPresent", b2i(s.RootKeys)},
		{"AccountPasswordPresent", 0}, {"AccountSigningCertificatesPresent", 0},
		{"ServerCertificates", 0}, {"ServerCertificatesQuota", serverCertificatesQuota},
		{"InstanceProfiles", 0}, {"InstanceProfilesQuota", instanceProfilesQuota},
		{"Providers", 0}, {"GlobalEndpointTokenVersion", 1},
	}}, nil
}

func (h *handlers) createAccountAlias(ctx context.Context, c *queryapi.Call) (any, error) {
	a, _, err := c.Params.String(aliasParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.CreateAccountAlias(ctx, c.Principal.AccountID, a)
}

type listAccountAliasesResult struct {
	AccountAliases members[string] `xml:"AccountAliases"`
	paged
}

// listAccountAliases lists the alias (an account has at most one, so
// the list is never truncated).
func (h *handlers) listAccountAliases(ctx context.Context, c *queryapi.Call) (any, error) {
	if _, err := listOptions(c.Params, false); err != nil {
		return nil, err
	}
	as, err := h.store.ListAccountAliases(ctx, c.Principal.AccountID)
	if err != nil {
		return nil, err
	}
	return listAccountAliasesResult{AccountAliases: members[string]{Member: as}}, nil
}

func (h *handlers) deleteAccountAlias(ctx context.Context, c *queryapi.Call) (any, error) {
	a, _, err := c.Params.String(aliasParam)
	if err != nil {
		return nil, err
	}
	return nil, h.store.DeleteAccountAlias(ctx, c.Principal.AccountID, a)
}

// accountResource is the resource of actions on no one entity: the
// account's ARN with rest ("user/" for ListUsers), or "*" for actions
// with no resource type, as AWS names them in a denial.
func (h *handlers) accountResource(rest string) func(context.Context, *queryapi.Call) string {
	return func(_ context.Context, c *queryapi.Call) string {
		if rest == "*" {
			return rest
		}
		return "arn:aws:iam::" + c.Principal.AccountID + ":" + rest
	}
}
