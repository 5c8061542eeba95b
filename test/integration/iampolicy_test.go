package integration_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/coffer-s3/coffer/internal/iam"
)

// newIAMUser creates a user in the first account through the store (the
// user actions have their own tests) with an access key, and returns an
// S3 client and an IAM client signing as it.
func newIAMUser(t *testing.T, e *env, name string) (*s3.Client, *awsiam.Client) {
	t.Helper()
	if _, err := e.srv.Identity.CreateUser(ctx(t), iam.CreateUserInput{Account: iam.RootAccountID, Name: name}); err != nil {
		t.Fatal(err)
	}
	k, secret, err := e.srv.Identity.CreateAccessKey(ctx(t), iam.RootAccountID, name)
	if err != nil {
		t.Fatal(err)
	}
	creds := awscreds.NewStaticCredentialsProvider(k.AccessKeyID, secret, "")
	return e.asKey(k.AccessKeyID, secret), e.srv.IAM(func(o *awsiam.Options) { o.Credentials = creds })
}

// putAs writes key as a client and returns the error.
func (e *env) putAs(t *testing.T, c *s3.Client, key string) error {
	_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

// TestIAM_managedPolicyPrefix gives a user, through the IAM API, a managed
// policy limited to one prefix and an inline explicit deny, then checks
// what S3 lets it do and what the simulator says about it.
func TestIAM_managedPolicyPrefix(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	alice, _ := newIAMUser(t, e, "alice")
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::` + e.bucket + `/team/*"}]}`
	cp, err := admin.CreatePolicy(ctx(t), &awsiam.CreatePolicyInput{PolicyName: aws.String("team-rw"), Path: aws.String("/teams/"), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	arn := aws.ToString(cp.Policy.Arn)
	if arn != "arn:aws:iam::"+iam.RootAccountID+":policy/teams/team-rw" || aws.ToString(cp.Policy.DefaultVersionId) != "v1" || !cp.Policy.IsAttachable {
		t.Errorf("CreatePolicy = %+v", cp.Policy)
	}
	wantCode(t, "PutObject before the policy is attached", e.putAs(t, alice, "team/a.txt"), "AccessDenied", 403)
	if _, err := admin.AttachUserPolicy(ctx(t), &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	if err := e.putAs(t, alice, "team/a.txt"); err != nil {
		t.Fatalf("PutObject(team/a.txt) as alice: %v", err)
	}
	if _, err := alice.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("team/a.txt")}); err != nil {
		t.Errorf("GetObject(team/a.txt) as alice: %v", err)
	}
	wantCode(t, "PutObject(other/a.txt) as alice", e.putAs(t, alice, "other/a.txt"), "AccessDenied", 403)

	// An explicit deny beats the managed policy's allow.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::` + e.bucket + `/team/secret/*"}]}`
	if _, err := admin.PutUserPolicy(ctx(t), &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("no-secrets"), PolicyDocument: aws.String(deny)}); err != nil {
		t.Fatalf("PutUserPolicy: %v", err)
	}
	wantCode(t, "PutObject(team/secret/k) as alice", e.putAs(t, alice, "team/secret/k"), "AccessDenied", 403)
	if err := e.putAs(t, alice, "team/b.txt"); err != nil {
		t.Errorf("PutObject(team/b.txt) after the deny: %v", err)
	}
	gp, err := admin.GetUserPolicy(ctx(t), &awsiam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("no-secrets")})
	if err != nil {
		t.Fatalf("GetUserPolicy: %v", err)
	}
	if got, err := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); err != nil || got != deny {
		t.Errorf("GetUserPolicy document = %q (%v), want %q URL-encoded", aws.ToString(gp.PolicyDocument), err, deny)
	}

	// The simulator explains the same three answers.
	sim, err := admin.SimulatePrincipalPolicy(ctx(t), &awsiam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + iam.RootAccountID + ":user/alice"),
		ActionNames:     []string{"s3:GetObject"},
		ResourceArns: []string{"arn:aws:s3:::" + e.bucket + "/team/a.txt", "arn:aws:s3:::" + e.bucket + "/team/secret/k",
			"arn:aws:s3:::" + e.bucket + "/other/k"},
	})
	if err != nil {
		t.Fatalf("SimulatePrincipalPolicy: %v", err)
	}
	want := []struct {
		decision iamtypes.PolicyEvaluationDecisionType
		source   string
		typ      iamtypes.PolicySourceType
	}{
		{iamtypes.PolicyEvaluationDecisionTypeAllowed, "team-rw", iamtypes.PolicySourceTypeUserManaged},
		{iamtypes.PolicyEvaluationDecisionTypeExplicitDeny, "no-secrets", iamtypes.PolicySourceTypeUser},
		{iamtypes.PolicyEvaluationDecisionTypeImplicitDeny, "", ""},
	}
	if len(sim.EvaluationResults) != len(want) {
		t.Fatalf("SimulatePrincipalPolicy returned %d results, want %d", len(sim.EvaluationResults), len(want))
	}
	for i, w := range want {
		r := sim.EvaluationResults[i]
		var src string
		var typ iamtypes.PolicySourceType
		if len(r.MatchedStatements) > 0 {
			src, typ = aws.ToString(r.MatchedStatements[0].SourcePolicyId), r.MatchedStatements[0].SourcePolicyType
			if r.MatchedStatements[0].StartPosition == nil || r.MatchedStatements[0].StartPosition.Line != 1 {
				t.Errorf("result %d StartPosition = %+v, want line 1", i, r.MatchedStatements[0].StartPosition)
			}
		}
		if r.EvalDecision != w.decision || src != w.source || typ != w.typ {
			t.Errorf("result %d (%s) = %s %q %q, want %s %q %q", i, aws.ToString(r.EvalResourceName), r.EvalDecision, src, typ, w.decision, w.source, w.typ)
		}
	}

	// Attached policies, entities and DeleteConflict.
	la, err := admin.ListAttachedUserPolicies(ctx(t), &awsiam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})
	if err != nil || len(la.AttachedPolicies) != 1 || aws.ToString(la.AttachedPolicies[0].PolicyArn) != arn {
		t.Errorf("ListAttachedUserPolicies = %+v, %v", la, err)
	}
	le, err := admin.ListEntitiesForPolicy(ctx(t), &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || len(le.PolicyUsers) != 1 || aws.ToString(le.PolicyUsers[0].UserName) != "alice" || !strings.HasPrefix(aws.ToString(le.PolicyUsers[0].UserId), "AIDA") {
		t.Errorf("ListEntitiesForPolicy = %+v, %v", le, err)
	}
	_, err = admin.DeletePolicy(ctx(t), &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, "DeletePolicy while attached", err, "DeleteConflict", 409)
	if _, err := admin.DetachUserPolicy(ctx(t), &awsiam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatalf("DetachUserPolicy: %v", err)
	}
	wantCode(t, "PutObject(team/c.txt) after detaching", e.putAs(t, alice, "team/c.txt"), "AccessDenied", 403)
	if _, err := admin.DeletePolicy(ctx(t), &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Errorf("DeletePolicy after detaching: %v", err)
	}
}

// TestIAM_policyVersions pins CreatePolicyVersion, the five-version
// limit, SetDefaultPolicyVersion and the version a user's access follows.
func TestIAM_policyVersions(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	alice, _ := newIAMUser(t, e, "alice")
	allow := func(prefix string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + e.bucket + `/` + prefix + `/*"}]}`
	}
	cp, err := admin.CreatePolicy(ctx(t), &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allow("v1"))})
	if err != nil {
		t.Fatal(err)
	}
	arn := cp.Policy.Arn
	if _, err := admin.AttachUserPolicy(ctx(t), &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: arn}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		v, err := admin.CreatePolicyVersion(ctx(t), &awsiam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allow("v" + string(rune('0'+i)))), SetAsDefault: i == 3})
		if err != nil {
			t.Fatalf("CreatePolicyVersion %d: %v", i, err)
		}
		if got := aws.ToString(v.PolicyVersion.VersionId); got != "v"+string(rune('0'+i)) || v.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Errorf("CreatePolicyVersion %d = %s default %v", i, got, v.PolicyVersion.IsDefaultVersion)
		}
	}
	_, err = admin.CreatePolicyVersion(ctx(t), &awsiam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allow("v6"))})
	wantCode(t, "CreatePolicyVersion beyond five", err, "LimitExceeded", 409)

	// Access follows the default version, v3.
	wantCode(t, "PutObject(v1/k) under v3", e.putAs(t, alice, "v1/k"), "AccessDenied", 403)
	if err := e.putAs(t, alice, "v3/k"); err != nil {
		t.Errorf("PutObject(v3/k) under v3: %v", err)
	}
	gv, err := admin.GetPolicyVersion(ctx(t), &awsiam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v4")})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := url.QueryUnescape(aws.ToString(gv.PolicyVersion.Document)); got != allow("v4") || gv.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion(v4) = %q default %v", got, gv.PolicyVersion.IsDefaultVersion)
	}
	_, err = admin.DeletePolicyVersion(ctx(t), &awsiam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
	wantCode(t, "DeletePolicyVersion of the default", err, "DeleteConflict", 409)
	if _, err := admin.SetDefaultPolicyVersion(ctx(t), &awsiam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v5")}); err != nil {
		t.Fatal(err)
	}
	if err := e.putAs(t, alice, "v5/k"); err != nil {
		t.Errorf("PutObject(v5/k) after SetDefaultPolicyVersion: %v", err)
	}
	if _, err := admin.DeletePolicyVersion(ctx(t), &awsiam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	p := awsiam.NewListPolicyVersionsPaginator(admin, &awsiam.ListPolicyVersionsInput{PolicyArn: arn, MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			ids = append(ids, aws.ToString(v.VersionId))
		}
	}
	if !slices.Equal(ids, []string{"v5", "v4", "v3", "v2"}) {
		t.Errorf("ListPolicyVersions (paged by 2) = %v", ids)
	}
	_, err = admin.GetPolicy(ctx(t), &awsiam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + iam.RootAccountID + ":policy/nope")})
	wantCode(t, "GetPolicy of a missing policy", err, "NoSuchEntity", 404)
	_, err = admin.CreatePolicyVersion(ctx(t), &awsiam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject"}]}`)})
	wantCode(t, "CreatePolicyVersion of a malformed document", err, "MalformedPolicyDocument", 400)
}

// TestIAM_awsManagedPolicies lists the AWS-managed policies with
// Scope=AWS and attaches one.
func TestIAM_awsManagedPolicies(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	alice, _ := newIAMUser(t, e, "alice")
	var names []string
	p := awsiam.NewListPoliciesPaginator(admin, &awsiam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListPolicies(Scope=AWS): %v", err)
		}
		for _, pol := range page.Policies {
			names = append(names, aws.ToString(pol.PolicyName))
		}
	}
	for _, n := range []string{"AdministratorAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess"} {
		if !slices.Contains(names, n) {
			t.Errorf("ListPolicies(Scope=AWS) = %v, lacks %s", names, n)
		}
	}
	ro := aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	if _, err := admin.AttachUserPolicy(ctx(t), &awsiam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: ro}); err != nil {
		t.Fatalf("AttachUserPolicy(AmazonS3ReadOnlyAccess): %v", err)
	}
	e.put(t, "k", []byte("x"))
	if _, err := alice.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}); err != nil {
		t.Errorf("GetObject with AmazonS3ReadOnlyAccess: %v", err)
	}
	wantCode(t, "PutObject with AmazonS3ReadOnlyAccess", e.putAs(t, alice, "k2"), "AccessDenied", 403)
	lp, err := admin.ListPolicies(ctx(t), &awsiam.ListPoliciesInput{OnlyAttached: true})
	if err != nil || len(lp.Policies) != 1 || aws.ToString(lp.Policies[0].Arn) != aws.ToString(ro) || aws.ToInt32(lp.Policies[0].AttachmentCount) != 1 {
		t.Errorf("ListPolicies(OnlyAttached) = %+v, %v", lp, err)
	}
	_, err = admin.CreatePolicyVersion(ctx(t), &awsiam.CreatePolicyVersionInput{PolicyArn: ro, PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	wantCode(t, "CreatePolicyVersion of an AWS-managed policy", err, "UnmodifiableEntity", 400)
}

// TestIAM_roles drives the role actions and role inline policies through
// the SDK.
func TestIAM_roles(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + iam.RootAccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	cr, err := admin.CreateRole(ctx(t), &awsiam.CreateRoleInput{RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("the app"), MaxSessionDuration: aws.Int32(7200), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	if aws.ToString(cr.Role.Arn) != "arn:aws:iam::"+iam.RootAccountID+":role/svc/app" || !strings.HasPrefix(aws.ToString(cr.Role.RoleId), "AROA") {
		t.Errorf("CreateRole = %+v", cr.Role)
	}
	_, err = admin.CreateRole(ctx(t), &awsiam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trust)})
	wantCode(t, "CreateRole twice", err, "EntityAlreadyExists", 409)
	_, err = admin.CreateRole(ctx(t), &awsiam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
	wantCode(t, "CreateRole with a trust policy without Principal", err, "MalformedPolicyDocument", 400)

	gr, err := admin.GetRole(ctx(t), &awsiam.GetRoleInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	if got, _ := url.QueryUnescape(aws.ToString(gr.Role.AssumeRolePolicyDocument)); got != trust {
		t.Errorf("GetRole AssumeRolePolicyDocument = %q, want %q encoded", aws.ToString(gr.Role.AssumeRolePolicyDocument), trust)
	}
	if aws.ToInt32(gr.Role.MaxSessionDuration) != 7200 || aws.ToString(gr.Role.Description) != "the app" || len(gr.Role.Tags) != 1 {
		t.Errorf("GetRole = %+v", gr.Role)
	}
	if _, err := admin.UpdateRole(ctx(t), &awsiam.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(3600)}); err != nil {
		t.Errorf("UpdateRole: %v", err)
	}
	_, err = admin.UpdateRole(ctx(t), &awsiam.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(100)})
	wantCode(t, "UpdateRole with MaxSessionDuration 100", err, "ValidationError", 400)
	if _, err := admin.TagRole(ctx(t), &awsiam.TagRoleInput{RoleName: aws.String("app"), Tags: []iamtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Errorf("TagRole: %v", err)
	}
	if _, err := admin.UntagRole(ctx(t), &awsiam.UntagRoleInput{RoleName: aws.String("app"), TagKeys: []string{"team"}}); err != nil {
		t.Errorf("UntagRole: %v", err)
	}
	lt, err := admin.ListRoleTags(ctx(t), &awsiam.ListRoleTagsInput{RoleName: aws.String("app")})
	if err != nil || len(lt.Tags) != 1 || aws.ToString(lt.Tags[0].Key) != "env" {
		t.Errorf("ListRoleTags = %+v, %v", lt, err)
	}

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	if _, err := admin.PutRolePolicy(ctx(t), &awsiam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatalf("PutRolePolicy: %v", err)
	}
	grp, err := admin.GetRolePolicy(ctx(t), &awsiam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("read")})
	if err != nil {
		t.Fatalf("GetRolePolicy: %v", err)
	}
	if got, _ := url.QueryUnescape(aws.ToString(grp.PolicyDocument)); got != doc || aws.ToString(grp.RoleName) != "app" {
		t.Errorf("GetRolePolicy = %+v", grp)
	}
	lrp, err := admin.ListRolePolicies(ctx(t), &awsiam.ListRolePoliciesInput{RoleName: aws.String("app")})
	if err != nil || !slices.Equal(lrp.PolicyNames, []string{"read"}) {
		t.Errorf("ListRolePolicies = %+v, %v", lrp, err)
	}
	if _, err := admin.PutRolePermissionsBoundary(ctx(t), &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("app"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")}); err != nil {
		t.Errorf("PutRolePermissionsBoundary: %v", err)
	}
	sim, err := admin.SimulatePrincipalPolicy(ctx(t), &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: cr.Role.Arn, ActionNames: []string{"s3:GetObject"}})
	if err != nil || len(sim.EvaluationResults) != 1 || sim.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed ||
		sim.EvaluationResults[0].PermissionsBoundaryDecisionDetail == nil || !sim.EvaluationResults[0].PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Errorf("SimulatePrincipalPolicy(role) = %+v, %v", sim, err)
	}
	_, err = admin.DeleteRole(ctx(t), &awsiam.DeleteRoleInput{RoleName: aws.String("app")})
	wantCode(t, "DeleteRole with an inline policy", err, "DeleteConflict", 409)
	if _, err := admin.DeleteRolePolicy(ctx(t), &awsiam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("read")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DeleteRole(ctx(t), &awsiam.DeleteRoleInput{RoleName: aws.String("app")}); err != nil {
		t.Errorf("DeleteRole: %v", err)
	}
	_, err = admin.GetRole(ctx(t), &awsiam.GetRoleInput{RoleName: aws.String("app")})
	wantCode(t, "GetRole after DeleteRole", err, "NoSuchEntity", 404)
}

// TestIAM_actionResource checks that IAM actions are authorized against
// the IAM resource they act on: a user allowed iam:GetRole on one role
// reads that role and is denied another.
func TestIAM_actionResource(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	_, aliceIAM := newIAMUser(t, e, "alice")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + iam.RootAccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	for _, name := range []string{"open", "closed"} {
		if _, err := admin.CreateRole(ctx(t), &awsiam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String("/p/"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::` + iam.RootAccountID + `:role/p/open"}]}`
	if _, err := admin.PutUserPolicy(ctx(t), &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("one-role"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := aliceIAM.GetRole(ctx(t), &awsiam.GetRoleInput{RoleName: aws.String("open")}); err != nil {
		t.Errorf("GetRole(open) as alice: %v", err)
	}
	_, err := aliceIAM.GetRole(ctx(t), &awsiam.GetRoleInput{RoleName: aws.String("closed")})
	wantCode(t, "GetRole(closed) as alice", err, "AccessDenied", 403)
	if want := "on resource: arn:aws:iam::" + iam.RootAccountID + ":role/p/closed because no identity-based policy allows the iam:GetRole action"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("GetRole(closed) as alice = %v, want a message containing %q", err, want)
	}
	_, err = aliceIAM.ListRoles(ctx(t), &awsiam.ListRolesInput{})
	wantCode(t, "ListRoles as alice", err, "AccessDenied", 403)
}

// TestIAM_simulateCustomPolicy runs SimulateCustomPolicy with a context
// entry through the SDK.
func TestIAM_simulateCustomPolicy(t *testing.T) {
	e := newEnv(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}]}`
	run := func(prefix string) iamtypes.EvaluationResult {
		t.Helper()
		in := &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ActionNames: []string{"s3:ListBucket"}, ResourceArns: []string{"arn:aws:s3:::b"}}
		if prefix != "" {
			in.ContextEntries = []iamtypes.ContextEntry{{ContextKeyName: aws.String("s3:prefix"), ContextKeyValues: []string{prefix}, ContextKeyType: iamtypes.ContextKeyTypeEnumString}}
		}
		out, err := e.srv.IAM().SimulateCustomPolicy(ctx(t), in)
		if err != nil || len(out.EvaluationResults) != 1 {
			t.Fatalf("SimulateCustomPolicy(%q) = %+v, %v", prefix, out, err)
		}
		return out.EvaluationResults[0]
	}
	if r := run("home/a"); r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(r.MatchedStatements) != 1 || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "PolicyInputList.1" {
		t.Errorf("SimulateCustomPolicy(home/a) = %+v", r)
	}
	if r := run("etc/"); r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("SimulateCustomPolicy(etc/) = %+v", r)
	}
	if r := run(""); r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny || !slices.Equal(r.MissingContextValues, []string{"s3:prefix"}) {
		t.Errorf("SimulateCustomPolicy without context = %+v", r)
	}
}
