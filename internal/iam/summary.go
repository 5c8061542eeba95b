package iam

import (
	"context"

	"github.com/coffer-s3/coffer/internal/meta"
)

// AccountSummary counts an account's IAM entities, for GetAccountSummary.
type AccountSummary struct {
	Users, Groups, Roles int
	// Policies counts customer managed policies; PolicyVersions counts
	// their versions (IAM's PolicyVersionsInUse).
	Policies, PolicyVersions int
	// MFADevices counts virtual MFA devices, MFADevicesInUse those
	// assigned to a user or to the root user.
	MFADevices, MFADevicesInUse int
	// RootMFA is whether the root user has an MFA device, RootKeys
	// whether it has an access key.
	RootMFA, RootKeys bool
}

// Quotas coffer enforces, reported by GetAccountSummary.
const (
	QuotaAccessKeysPerUser = maxKeysPerUser
	QuotaGroupsPerUser     = maxGroupsPerUser
	QuotaAttachedPolicies  = maxAttachedPolicies
	QuotaVersionsPerPolicy = maxPolicyVersions
)

// AccountSummary counts an account's entities in one consistent view.
func (s *Store) AccountSummary(ctx context.Context, account string) (AccountSummary, error) {
	var sum AccountSummary
	err := s.meta.View(ctx, func(r meta.Reader) error {
		acct, err := readAccount(r, account)
		if err != nil {
			return err
		}
		sum.RootKeys = len(acct.rootKeyIDs()) > 0
		for _, c := range []struct {
			sub byte
			n   *int
		}{{subUser, &sum.Users}, {subGroup, &sum.Groups}, {subRole, &sum.Roles}} {
			if err := scanKeys(r, scope(c.sub, account), func(string) error { *c.n++; return nil }); err != nil {
				return err
			}
		}
		if err := scanRecords(r, scope(subPolicy, account), func(_ []byte, rec *policyRecord) error {
			sum.Policies++
			sum.PolicyVersions += len(rec.Versions)
			return nil
		}); err != nil {
			return err
		}
		if err := scanRecords(r, scope(subMFA, account), func(_ []byte, rec *mfaRecord) error {
			sum.MFADevices++
			if rec.assigned() {
				sum.MFADevicesInUse++
			}
			return nil
		}); err != nil {
			return err
		}
		sum.RootMFA, err = userHasMFA(r, account, "")
		return err
	})
	return sum, err
}
