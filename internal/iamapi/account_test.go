package iamapi

import (
	"strings"
	"testing"
	"time"
)

func TestAccountSummary(t *testing.T) {
	e := newWireEnv(t)
	e.must(t, e.root, "CreateUser", "UserName=Amy")
	e.must(t, e.root, "CreateUser", "UserName=Bob")
	e.must(t, e.root, "CreateGroup", "GroupName=Dev")
	e.newMFA(t, "VirtualMFADeviceName=spare")
	seed := e.newMFA(t, "VirtualMFADeviceName=root")
	now := e.clock.Now()
	e.must(t, e.root, "EnableMFADevice", "SerialNumber=arn:aws:iam::"+e.root.AccountID+":mfa/root&AuthenticationCode1="+
		totpAt(t, seed, now.Add(-30*time.Second))+"&AuthenticationCode2="+totpAt(t, seed, now))
	out := e.must(t, e.root, "GetAccountSummary", "")
	for _, want := range []string{
		"<entry><key>Users</key><value>2</value></entry>",
		"<entry><key>Groups</key><value>1</value></entry>",
		"<entry><key>Roles</key><value>0</value></entry>",
		"<entry><key>Policies</key><value>0</value></entry>",
		"<entry><key>MFADevices</key><value>2</value></entry>",
		"<entry><key>MFADevicesInUse</key><value>1</value></entry>",
		"<entry><key>AccountMFAEnabled</key><value>1</value></entry>",
		"<entry><key>AccountAccessKeysPresent</key><value>1</value></entry>",
		"<entry><key>AccessKeysPerUserQuota</key><value>2</value></entry>",
		"<entry><key>UsersQuota</key><value>5000</value></entry>",
		"<entry><key>AttachedPoliciesPerUserQuota</key><value>10</value></entry>",
		"<entry><key>PolicyVersionsInUse</key><value>0</value></entry>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("GetAccountSummary lacks %s:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(out, "<GetAccountSummaryResult><SummaryMap><entry>") {
		t.Errorf("GetAccountSummary = %s, want a SummaryMap of entries", out)
	}
}

func TestAccountAliasActions(t *testing.T) {
	e := newWireEnv(t)
	runSteps(t, e, []step{
		{action: "ListAccountAliases", want: `<ListAccountAliasesResult><AccountAliases></AccountAliases><IsTruncated>false</IsTruncated></ListAccountAliasesResult>`},
		{action: "CreateAccountAlias", params: "AccountAlias=my-corp"},
		{action: "ListAccountAliases", want: `<ListAccountAliasesResult><AccountAliases><member>my-corp</member></AccountAliases><IsTruncated>false</IsTruncated></ListAccountAliasesResult>`},
		{action: "CreateAccountAlias", params: "AccountAlias=My-Corp", code: "ValidationError"},
		{action: "CreateAccountAlias", params: "AccountAlias=ab", code: "ValidationError"},
		{action: "CreateAccountAlias", code: "MissingParameter"},
		{action: "DeleteAccountAlias", params: "AccountAlias=other", code: "NoSuchEntity", msg: "The account alias other cannot be found."},
		{action: "DeleteAccountAlias", params: "AccountAlias=my-corp"},
		{action: "ListAccountAliases", want: `<ListAccountAliasesResult><AccountAliases></AccountAliases><IsTruncated>false</IsTruncated></ListAccountAliasesResult>`},
	})
}
