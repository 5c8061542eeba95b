package policy

import "testing"

// Principals of the tests: account 111122223333 owns the resources,
// 444455556666 is another account.
var (
	alice = Principal{Type: User, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"}
	root  = Principal{Type: Root, Account: "111122223333", ARN: "arn:aws:iam::111122223333:root"}
	sess  = Principal{Type: AssumedRole, Account: "111122223333",
		ARN:     "arn:aws:sts::111122223333:assumed-role/reader/s1",
		RoleARN: "arn:aws:iam::111122223333:role/team/reader"}
	bob       = Principal{Type: User, Account: "444455556666", ARN: "arn:aws:iam::444455556666:user/bob"}
	otherRoot = Principal{Type: Root, Account: "444455556666", ARN: "arn:aws:iam::444455556666:root"}
	anonymous = Principal{Type: Anonymous}
	logging   = Principal{Type: Service, ServiceName: "logging.s3.amazonaws.com"}
	web       = Principal{Type: WebIdentity, Provider: "accounts.google.com"}
)

func TestPrincipalMatch(t *testing.T) {
	tests := []struct {
		name string
		ps   Principals
		p    Principal
		want grant
	}{
		{"star anonymous", Principals{All: true}, anonymous, grantIndirect},
		{"star user", Principals{All: true}, alice, grantIndirect},
		{"star service", Principals{All: true}, logging, grantIndirect},
		{"AWS star anonymous", Principals{AWS: []string{"*"}}, anonymous, grantIndirect},
		{"AWS star not a service", Principals{AWS: []string{"*"}}, logging, grantNone},
		// "AWS account principals": the account id and its root ARN
		// both stand for the account.
		{"account id", Principals{AWS: []string{"111122223333"}}, alice, grantAccount},
		{"account root arn", Principals{AWS: []string{"arn:aws:iam::111122223333:root"}}, sess, grantAccount},
		{"account names root itself", Principals{AWS: []string{"111122223333"}}, root, grantDirect},
		{"other account", Principals{AWS: []string{"444455556666"}}, alice, grantNone},
		{"account never anonymous", Principals{AWS: []string{"111122223333"}}, anonymous, grantNone},
		{"user arn", Principals{AWS: []string{"arn:aws:iam::111122223333:user/alice"}}, alice, grantDirect},
		{"other user", Principals{AWS: []string{"arn:aws:iam::111122223333:user/bob"}}, alice, grantNone},
		// "IAM role principals": a role ARN covers the role's sessions.
		{"role arn", Principals{AWS: []string{"arn:aws:iam::111122223333:role/team/reader"}}, sess, grantIndirect},
		{"role arn not user", Principals{AWS: []string{"arn:aws:iam::111122223333:role/team/reader"}}, alice, grantNone},
		{"session arn", Principals{AWS: []string{"arn:aws:sts::111122223333:assumed-role/reader/s1"}}, sess, grantDirect},
		{"other session", Principals{AWS: []string{"arn:aws:sts::111122223333:assumed-role/reader/s2"}}, sess, grantNone},
		{"service", Principals{Service: []string{"logging.s3.amazonaws.com"}}, logging, grantDirect},
		{"service not user", Principals{Service: []string{"logging.s3.amazonaws.com"}}, alice, grantNone},
		{"federated", Principals{Federated: []string{"accounts.google.com"}}, web, grantDirect},
		// A canonical id names the account: its root directly, its
		// users only through their own identity policies.
		{"canonical root", Principals{CanonicalUser: []string{"abc"}}, Principal{Type: Root, Account: "1", CanonicalID: "abc"}, grantDirect},
		{"canonical user", Principals{CanonicalUser: []string{"abc"}}, Principal{Type: User, Account: "1", CanonicalID: "abc"}, grantAccount},
		{"canonical session", Principals{CanonicalUser: []string{"abc"}}, Principal{Type: AssumedRole, Account: "1", CanonicalID: "abc", RoleARN: "arn:aws:iam::1:role/r"}, grantAccount},
		{"other canonical", Principals{CanonicalUser: []string{"abc"}}, Principal{Type: Root, Account: "1", CanonicalID: "def"}, grantNone},
		{"best of several", Principals{AWS: []string{"111122223333", "arn:aws:iam::111122223333:user/alice"}}, alice, grantDirect},
	}
	for _, tt := range tests {
		if got := tt.ps.match(tt.p); got != tt.want {
			t.Errorf("%s: match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNotPrincipalExcludes(t *testing.T) {
	// "AWS JSON policy elements: NotPrincipal": to leave out a role
	// session, list the session, the role and the account.
	full := Principals{AWS: []string{
		"arn:aws:sts::111122223333:assumed-role/reader/s1",
		"arn:aws:iam::111122223333:role/team/reader",
		"arn:aws:iam::111122223333:root",
	}}
	tests := []struct {
		name string
		ps   Principals
		p    Principal
		want bool
	}{
		{"session fully listed", full, sess, true},
		{"session without account", Principals{AWS: full.AWS[:2]}, sess, false},
		{"session without role", Principals{AWS: []string{full.AWS[0], full.AWS[2]}}, sess, false},
		{"user with account", Principals{AWS: []string{"arn:aws:iam::111122223333:user/alice", "111122223333"}}, alice, true},
		{"user alone", Principals{AWS: []string{"arn:aws:iam::111122223333:user/alice"}}, alice, false},
		{"root by account", Principals{AWS: []string{"111122223333"}}, root, true},
		{"other account user", full, bob, false},
		{"anonymous", full, anonymous, false},
		{"star", Principals{All: true}, anonymous, true},
		{"service", Principals{Service: []string{"logging.s3.amazonaws.com"}}, logging, true},
	}
	for _, tt := range tests {
		if got := tt.ps.excludes(tt.p); got != tt.want {
			t.Errorf("%s: excludes = %v, want %v", tt.name, got, tt.want)
		}
	}
}
