package policy

import (
	"testing"
)

func mustParse(t testing.TB, k Kind, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc), k)
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return p
}

const (
	bucketARN = "arn:aws:s3:::amzn-s3-demo-bucket"
	objectARN = "arn:aws:s3:::amzn-s3-demo-bucket/photo.jpg"
)

// Policies the evaluation tests combine.
const (
	allowGet    = `{"Version":"2012-10-17","Statement":{"Sid":"Get","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}}`
	allowS3     = `{"Version":"2012-10-17","Statement":{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	allowPut    = `{"Version":"2012-10-17","Statement":{"Sid":"Put","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}`
	denyGet     = `{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Deny","Action":"s3:PutObject","Resource":"*"},{"Sid":"NoGet","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`
	allowNotIAM = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`
)

// notPrincipalDeny is "AWS JSON policy elements: NotPrincipal"'s example:
// deny everyone but one role session, listing the session, its role and
// its account.
const notPrincipalDeny = `{"Version":"2012-10-17","Statement":{"Sid":"B","Effect":"Deny","NotPrincipal":{"AWS":[
  "arn:aws:sts::111122223333:assumed-role/reader/s1","arn:aws:iam::111122223333:role/team/reader","111122223333"]},
  "Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"]}}`

func bucketPolicy(principal string, effect string) string {
	return `{"Version":"2012-10-17","Statement":{"Sid":"B","Effect":"` + effect + `","Principal":` + principal +
		`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}}`
}

func TestEvaluate(t *testing.T) {
	type policies struct {
		identity []string
		resource string
		boundary string
		session  []string
	}
	tests := []struct {
		name      string
		principal Principal
		owner     string // resource account; "" is the principal's
		action    string
		set       policies
		want      Outcome
		wantType  PolicyType
		wantSid   string
	}{
		// "Policy evaluation logic": by default all requests are
		// implicitly denied, with the exception of the root user.
		{name: "no policies", principal: alice, want: ImplicitDeny, wantType: IdentityBased},
		{name: "root own account", principal: root, want: Allowed, wantType: AccountRoot},
		{name: "root denied by bucket policy", principal: root,
			set:  policies{resource: bucketPolicy(`"*"`, "Deny")},
			want: ExplicitDeny, wantType: ResourceBased, wantSid: "B"},
		{name: "identity allow", principal: alice, set: policies{identity: []string{allowGet}},
			want: Allowed, wantType: IdentityBased, wantSid: "Get"},
		{name: "actions ignore case", principal: alice, action: "S3:GETOBJECT", set: policies{identity: []string{allowGet}},
			want: Allowed, wantType: IdentityBased, wantSid: "Get"},
		{name: "identity allows other action", principal: alice, set: policies{identity: []string{allowPut}},
			want: ImplicitDeny, wantType: IdentityBased},
		// "An explicit deny overrides an explicit allow."
		{name: "deny beats allow", principal: alice, set: policies{identity: []string{allowS3, denyGet}},
			want: ExplicitDeny, wantType: IdentityBased, wantSid: "NoGet"},
		{name: "resource deny beats identity allow", principal: alice,
			set:  policies{identity: []string{allowS3}, resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "Deny")},
			want: ExplicitDeny, wantType: ResourceBased, wantSid: "B"},
		{name: "NotAction", principal: alice, set: policies{identity: []string{allowNotIAM}}, want: Allowed, wantType: IdentityBased},
		{name: "NotAction excludes", principal: alice, action: "iam:CreateUser", set: policies{identity: []string{allowNotIAM}},
			want: ImplicitDeny, wantType: IdentityBased},

		// "Evaluating identity-based policies with resource-based
		// policies": within one account the permissions are the union.
		{name: "resource policy names user", principal: alice,
			set:  policies{resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		{name: "resource policy names everyone", principal: alice,
			set:  policies{resource: bucketPolicy(`"*"`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		// An account principal delegates to the account's identity
		// policies (KMS's default key policy "Enable IAM User
		// Permissions" works this way).
		{name: "resource policy names account only", principal: alice,
			set:  policies{resource: bucketPolicy(`{"AWS":"111122223333"}`, "Allow")},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "account principal and identity allow", principal: alice,
			set:  policies{identity: []string{allowGet}, resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:root"}`, "Allow")},
			want: Allowed, wantType: IdentityBased, wantSid: "Get"},

		// "Permissions boundaries for IAM entities": effective
		// permissions are the intersection of identity policies and
		// the boundary ...
		{name: "boundary does not allow", principal: alice,
			set:  policies{identity: []string{allowS3}, boundary: allowPut},
			want: ImplicitDeny, wantType: PermissionsBoundary},
		{name: "boundary allows", principal: alice,
			set:  policies{identity: []string{allowGet}, boundary: allowS3},
			want: Allowed, wantType: IdentityBased, wantSid: "Get"},
		{name: "boundary denies", principal: alice,
			set:  policies{identity: []string{allowS3}, boundary: denyGet},
			want: ExplicitDeny, wantType: PermissionsBoundary, wantSid: "NoGet"},
		{name: "boundary alone grants nothing", principal: alice,
			set:  policies{boundary: allowS3},
			want: ImplicitDeny, wantType: IdentityBased},
		// ... but "within an account, an implicit deny in a
		// permissions boundary does not limit the permissions granted
		// to an IAM user by a resource-based policy".
		{name: "resource policy naming user passes boundary", principal: alice,
			set:  policies{boundary: allowPut, resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		// A resource policy naming the role is limited by the role's
		// boundary; one naming the role session is not.
		{name: "resource policy naming role limited by boundary", principal: sess,
			set:  policies{boundary: allowPut, resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:role/team/reader"}`, "Allow")},
			want: ImplicitDeny, wantType: PermissionsBoundary},
		{name: "resource policy naming role within boundary", principal: sess,
			set:  policies{boundary: allowS3, resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:role/team/reader"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		{name: "resource policy naming session passes boundary", principal: sess,
			set:  policies{boundary: allowPut, resource: bucketPolicy(`{"AWS":"arn:aws:sts::111122223333:assumed-role/reader/s1"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},

		// "Session policies": the session's permissions are the
		// intersection of the identity policies and the session
		// policies; a resource policy naming the role is limited by
		// the session policy, one naming the session is not.
		{name: "session policy allows", principal: sess,
			set:  policies{identity: []string{allowS3}, session: []string{allowGet}},
			want: Allowed, wantType: IdentityBased, wantSid: "S3"},
		{name: "session policy does not allow", principal: sess,
			set:  policies{identity: []string{allowS3}, session: []string{allowPut}},
			want: ImplicitDeny, wantType: SessionPolicy},
		{name: "any session policy may allow", principal: sess,
			set:  policies{identity: []string{allowS3}, session: []string{allowPut, allowGet}},
			want: Allowed, wantType: IdentityBased, wantSid: "S3"},
		{name: "session policy denies", principal: sess,
			set:  policies{identity: []string{allowS3}, session: []string{denyGet}},
			want: ExplicitDeny, wantType: SessionPolicy, wantSid: "NoGet"},
		{name: "session policy alone grants nothing", principal: sess,
			set:  policies{session: []string{allowS3}},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "resource policy naming role limited by session policy", principal: sess,
			set:  policies{session: []string{allowPut}, resource: bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:role/team/reader"}`, "Allow")},
			want: ImplicitDeny, wantType: SessionPolicy},
		{name: "resource policy naming session passes session policy", principal: sess,
			set:  policies{session: []string{allowPut}, resource: bucketPolicy(`{"AWS":"arn:aws:sts::111122223333:assumed-role/reader/s1"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},

		// "Cross-account policy evaluation logic": both the identity
		// policies in the trusted account and the resource policy in
		// the trusting account must allow.
		{name: "cross account without resource policy", principal: bob, owner: "111122223333",
			set:  policies{identity: []string{allowGet}},
			want: ImplicitDeny, wantType: ResourceBased},
		{name: "cross account without identity policy", principal: bob, owner: "111122223333",
			set:  policies{resource: bucketPolicy(`{"AWS":"arn:aws:iam::444455556666:user/bob"}`, "Allow")},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "cross account both allow", principal: bob, owner: "111122223333",
			set:  policies{identity: []string{allowGet}, resource: bucketPolicy(`{"AWS":"444455556666"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		{name: "cross account boundary", principal: bob, owner: "111122223333",
			set:  policies{identity: []string{allowGet}, boundary: allowPut, resource: bucketPolicy(`{"AWS":"444455556666"}`, "Allow")},
			want: ImplicitDeny, wantType: PermissionsBoundary},
		{name: "cross account resource names other account", principal: bob, owner: "111122223333",
			set:  policies{identity: []string{allowGet}, resource: bucketPolicy(`{"AWS":"111122223333"}`, "Allow")},
			want: ImplicitDeny, wantType: ResourceBased},
		{name: "cross account root", principal: otherRoot, owner: "111122223333",
			set:  policies{resource: bucketPolicy(`{"AWS":"444455556666"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		{name: "cross account root without grant", principal: otherRoot, owner: "111122223333",
			want: ImplicitDeny, wantType: ResourceBased},

		// Anonymous requests are allowed only by a resource policy
		// naming everyone.
		{name: "anonymous public", principal: anonymous, owner: "111122223333",
			set:  policies{resource: bucketPolicy(`"*"`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		{name: "anonymous AWS star", principal: anonymous, owner: "111122223333",
			set:  policies{resource: bucketPolicy(`{"AWS":"*"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},
		{name: "anonymous not the account", principal: anonymous, owner: "111122223333",
			set:  policies{resource: bucketPolicy(`{"AWS":"111122223333"}`, "Allow")},
			want: ImplicitDeny, wantType: ResourceBased},
		{name: "anonymous no policy", principal: anonymous, owner: "111122223333", want: ImplicitDeny, wantType: ResourceBased},
		{name: "service principal", principal: logging, owner: "111122223333",
			set:  policies{resource: bucketPolicy(`{"Service":"logging.s3.amazonaws.com"}`, "Allow")},
			want: Allowed, wantType: ResourceBased, wantSid: "B"},

		// "AWS JSON policy elements: NotPrincipal".
		{name: "not principal deny spares listed", principal: sess,
			set:  policies{identity: []string{allowS3}, resource: notPrincipalDeny},
			want: Allowed, wantType: IdentityBased, wantSid: "S3"},
		{name: "not principal deny hits others", principal: alice,
			set:  policies{identity: []string{allowS3}, resource: notPrincipalDeny},
			want: ExplicitDeny, wantType: ResourceBased, wantSid: "B"},
		// "The NotPrincipal element with a Deny effect will always deny
		// any IAM principal that has a permissions boundary policy
		// attached."
		{name: "not principal deny with boundary", principal: sess,
			set:  policies{identity: []string{allowS3}, boundary: allowS3, resource: notPrincipalDeny},
			want: ExplicitDeny, wantType: ResourceBased, wantSid: "B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var set PolicySet
			for i, d := range tt.set.identity {
				set.Identity = append(set.Identity, Attached{Name: "identity" + string(rune('0'+i)), Policy: mustParse(t, Managed, d)})
			}
			if tt.set.resource != "" {
				set.Resource = &Attached{Name: "bucket", Policy: mustParse(t, Bucket, tt.set.resource)}
			}
			if tt.set.boundary != "" {
				set.Boundary = &Attached{Name: "boundary", Policy: mustParse(t, Managed, tt.set.boundary)}
			}
			for _, d := range tt.set.session {
				set.Session = append(set.Session, Attached{Name: "session", Policy: mustParse(t, Session, d)})
			}
			action := tt.action
			if action == "" {
				action = "s3:GetObject"
			}
			req := Request{Principal: tt.principal, Action: action, Resource: objectARN, ResourceAccount: tt.owner}
			got := Evaluate(req, set)
			if got.Outcome != tt.want || got.Type != tt.wantType || got.Sid != tt.wantSid {
				t.Errorf("Evaluate = %v (type %v, sid %q), want %v (type %v, sid %q)",
					got, got.Type, got.Sid, tt.want, tt.wantType, tt.wantSid)
			}
			if got.Allowed() != (tt.want == Allowed) {
				t.Errorf("Allowed() = %v", got.Allowed())
			}
		})
	}
}

func TestEvaluateTrustPolicy(t *testing.T) {
	const roleARN = "arn:aws:iam::111122223333:role/team/reader"
	trust := func(principal string) *Attached {
		return &Attached{Name: "trust", Policy: mustParse(t, Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":`+
			principal+`,"Action":"sts:AssumeRole"}}`)}
	}
	mayAssume := []Attached{{Name: "assume", Policy: mustParse(t, Managed,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+roleARN+`"}}`)}}
	tests := []struct {
		name string
		p    Principal
		set  PolicySet
		want Outcome
	}{
		// "Cross-account policy evaluation logic": the role's trust
		// policy is its resource policy; the caller also needs
		// permission to call sts:AssumeRole on it.
		{"other account trusted and permitted", bob, PolicySet{Identity: mayAssume, Resource: trust(`{"AWS":"444455556666"}`)}, Allowed},
		{"other account trusted, not permitted", bob, PolicySet{Resource: trust(`{"AWS":"444455556666"}`)}, ImplicitDeny},
		{"other account not trusted", bob, PolicySet{Identity: mayAssume, Resource: trust(`{"AWS":"999999999999"}`)}, ImplicitDeny},
		// Same account: trusting the user itself suffices; trusting
		// the account delegates to the user's policies.
		{"same account user trusted", alice, PolicySet{Resource: trust(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`)}, Allowed},
		{"same account via account", alice, PolicySet{Resource: trust(`{"AWS":"111122223333"}`)}, ImplicitDeny},
		{"same account via account and permission", alice, PolicySet{Identity: mayAssume, Resource: trust(`{"AWS":"111122223333"}`)}, Allowed},
		// Identity policies alone never assume a role: the trust policy
		// must name the caller or its account, even within the account.
		{"same account not trusted", alice, PolicySet{Identity: mayAssume, Resource: trust(`{"AWS":"444455556666"}`)}, ImplicitDeny},
		{"root not trusted", root, PolicySet{Resource: trust(`{"AWS":"444455556666"}`)}, ImplicitDeny},
		{"service", Principal{Type: Service, ServiceName: "ec2.amazonaws.com"}, PolicySet{Resource: trust(`{"Service":"ec2.amazonaws.com"}`)}, Allowed},
		{"web identity", web, PolicySet{Resource: trust(`{"Federated":"accounts.google.com"}`)}, Allowed},
		{"web identity other provider", web, PolicySet{Resource: trust(`{"Federated":"cognito-identity.amazonaws.com"}`)}, ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Principal: tt.p, Action: "sts:AssumeRole", Resource: roleARN, ResourceAccount: "111122223333"}
			if got := Evaluate(req, tt.set); got.Outcome != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEvaluateKeyPolicy follows the KMS developer guide, "Default key
// policy": "Unless the key policy explicitly allows it, you cannot use IAM
// policies to allow access to a KMS key"; the statement naming the account
// lets the account's IAM policies grant access.
func TestEvaluateKeyPolicy(t *testing.T) {
	const keyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	useKey := []Attached{{Name: "use-key", Policy: mustParse(t, Managed,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}`)}}
	enableIAM := &Attached{Name: "key", Policy: mustParse(t, Key, `{"Version":"2012-10-17","Statement":{"Sid":"Enable IAM User Permissions",
		"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}}`)}
	onlyBob := &Attached{Name: "key", Policy: mustParse(t, Key, `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:*","Resource":"*"}}`)}
	tests := []struct {
		name string
		p    Principal
		set  PolicySet
		want Outcome
	}{
		{"account enabled and IAM allows", alice, PolicySet{Identity: useKey, Resource: enableIAM}, Allowed},
		{"account enabled, IAM silent", alice, PolicySet{Resource: enableIAM}, ImplicitDeny},
		{"root with account enabled", root, PolicySet{Resource: enableIAM}, Allowed},
		{"IAM allows, key policy silent", alice, PolicySet{Identity: useKey, Resource: onlyBob}, ImplicitDeny},
		{"root, key policy silent", root, PolicySet{Resource: onlyBob}, ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Principal: tt.p, Action: "kms:Decrypt", Resource: keyARN, ResourceAccount: "111122223333"}
			if got := Evaluate(req, tt.set); got.Outcome != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateVariablesAndConditions(t *testing.T) {
	ctx := Keys{}
	ctx.Set("aws:username", "alice")
	ctx.Set("aws:SecureTransport", "false")
	home := func(version string) *Policy {
		v := ""
		if version != "" {
			v = `"Version":"` + version + `",`
		}
		return mustParse(t, UserInline, `{`+v+`"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}}`)
	}
	tests := []struct {
		name     string
		policies []*Policy
		resource string
		ctx      Context
		want     Outcome
	}{
		// "IAM policy elements: Variables and tags": each user gets
		// their own home folder.
		{"own folder", []*Policy{home(Version2012)}, "arn:aws:s3:::b/home/alice/f", ctx, Allowed},
		{"other folder", []*Policy{home(Version2012)}, "arn:aws:s3:::b/home/bob/f", ctx, ImplicitDeny},
		// Variables are only substituted in Version 2012-10-17.
		{"2008 literal", []*Policy{home(Version2008)}, "arn:aws:s3:::b/home/alice/f", ctx, ImplicitDeny},
		{"no version literal", []*Policy{home("")}, "arn:aws:s3:::b/home/${aws:username}/f", ctx, Allowed},
		{"no username", []*Policy{home(Version2012)}, "arn:aws:s3:::b/home//f", nil, ImplicitDeny},
		{"condition variable", []*Policy{mustParse(t, Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
			"Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}}`)}, "arn:aws:s3:::b",
			Keys{"aws:username": {"alice"}, "s3:prefix": {"home/alice/x"}}, Allowed},
		{"condition variable other", []*Policy{mustParse(t, Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
			"Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}}`)}, "arn:aws:s3:::b",
			Keys{"aws:username": {"alice"}, "s3:prefix": {"home/bob/x"}}, ImplicitDeny},
		// A condition value whose variable has no value equals nothing.
		{"condition variable missing", []*Policy{mustParse(t, Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",
			"Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}}}`)}, "arn:aws:s3:::b",
			Keys{"aws:principaltag/team": {"blue"}}, ImplicitDeny},
		// "Example: Deny requests that are not over TLS".
		{"deny insecure transport", []*Policy{mustParse(t, Managed, allowS3), mustParse(t, Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",
			"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`)}, "arn:aws:s3:::b", ctx, ExplicitDeny},
		{"secure transport", []*Policy{mustParse(t, Managed, allowS3), mustParse(t, Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",
			"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`)}, "arn:aws:s3:::b", Keys{"aws:securetransport": {"true"}}, Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var set PolicySet
			for _, p := range tt.policies {
				set.Identity = append(set.Identity, Attached{Name: "p", Policy: p})
			}
			req := Request{Principal: alice, Action: "s3:ListBucket", Resource: tt.resource, Context: tt.ctx}
			if got := Evaluate(req, set); got.Outcome != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecisionReason(t *testing.T) {
	tests := []struct {
		d    Decision
		want string
	}{
		{Decision{Outcome: ImplicitDeny, Type: IdentityBased, Action: "s3:GetObject"}, "because no identity-based policy allows the s3:GetObject action"},
		{Decision{Outcome: ImplicitDeny, Type: ResourceBased, Action: "s3:GetObject"}, "because no resource-based policy allows the s3:GetObject action"},
		{Decision{Outcome: ImplicitDeny, Type: PermissionsBoundary, Action: "s3:PutObject"}, "because no permissions boundary allows the s3:PutObject action"},
		{Decision{Outcome: ImplicitDeny, Type: SessionPolicy, Action: "s3:PutObject"}, "because no session policy allows the s3:PutObject action"},
		{Decision{Outcome: ExplicitDeny, Type: IdentityBased}, "with an explicit deny in an identity-based policy"},
		{Decision{Outcome: ExplicitDeny, Type: ResourceBased}, "with an explicit deny in a resource-based policy"},
		{Decision{Outcome: ExplicitDeny, Type: PermissionsBoundary}, "with an explicit deny in a permissions boundary"},
		{Decision{Outcome: ExplicitDeny, Type: SessionPolicy}, "with an explicit deny in a session policy"},
		{Decision{Outcome: Allowed, Type: IdentityBased}, ""},
	}
	for _, tt := range tests {
		if got := tt.d.Reason(); got != tt.want {
			t.Errorf("Reason() = %q, want %q", got, tt.want)
		}
	}
	d := Decision{Outcome: ExplicitDeny, Type: ResourceBased, Policy: "bucket", Sid: "NoGet", Statement: 1}
	if got, want := d.String(), `ExplicitDeny with an explicit deny in a resource-based policy (policy bucket, statement 1 "NoGet")`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
