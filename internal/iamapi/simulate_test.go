package iamapi

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

func TestSimulateCustomPolicy(t *testing.T) {
	e := newStoreEnv(t)
	h := e.h
	q := url.QueryEscape
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/*\"},\n    {\"Sid\": \"NoSecrets\", \"Effect\": \"Deny\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/secret/*\",\n     \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}\n  ]\n}"
	e.steps(t, []w2Step{
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy,
			params: "PolicyInputList.member.1=" + q(doc) + "&ActionNames.member.1=s3:GetObject&ActionNames.member.2=iam:GetUser&ResourceArns.member.1=arn:aws:s3:::b/secret/k" +
				"&ContextEntries.member.1.ContextKeyName=aws:SecureTransport&ContextEntries.member.1.ContextKeyValues.member.1=false&ContextEntries.member.1.ContextKeyType=boolean",
			want: `<SimulateCustomPolicyResponse ` + envHead + `><SimulateCustomPolicyResult><EvaluationResults>` +
				`<member><EvalActionName>s3:GetObject</EvalActionName><EvalResourceName>arn:aws:s3:::b/secret/k</EvalResourceName><EvalDecision>explicitDeny</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><StartPosition><Line>5</Line><Column>5</Column></StartPosition><EndPosition><Line>6</Line><Column>62</Column></EndPosition></member></MatchedStatements><MissingContextValues></MissingContextValues></member>` +
				`<member><EvalActionName>iam:GetUser</EvalActionName><EvalResourceName>arn:aws:s3:::b/secret/k</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements></MatchedStatements><MissingContextValues></MissingContextValues></member>` +
				`</EvaluationResults><IsTruncated>false</IsTruncated></SimulateCustomPolicyResult>` + envTail + `</SimulateCustomPolicyResponse>`},
		// Without the context key the Deny's condition cannot hold: the
		// Allow decides, and the key is reported missing.
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy,
			params: "PolicyInputList.member.1=" + q(doc) + "&ActionNames.member.1=s3:GetObject&ResourceArns.member.1=arn:aws:s3:::b/secret/k",
			want: `<SimulateCustomPolicyResponse ` + envHead + `><SimulateCustomPolicyResult><EvaluationResults>` +
				`<member><EvalActionName>s3:GetObject</EvalActionName><EvalResourceName>arn:aws:s3:::b/secret/k</EvalResourceName><EvalDecision>allowed</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><StartPosition><Line>4</Line><Column>5</Column></StartPosition><EndPosition><Line>4</Line><Column>74</Column></EndPosition></member></MatchedStatements><MissingContextValues><member>aws:SecureTransport</member></MissingContextValues></member>` +
				`</EvaluationResults><IsTruncated>false</IsTruncated></SimulateCustomPolicyResult>` + envTail + `</SimulateCustomPolicyResponse>`},
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy, params: "ActionNames.member.1=s3:GetObject",
			code: "MissingParameter", msg: "The request must contain the parameter PolicyInputList"},
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy, params: "PolicyInputList.member.1=" + q(doc),
			code: "MissingParameter", msg: "The request must contain the parameter ActionNames"},
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy, params: "ActionNames.member.1=s3:GetObject&PolicyInputList.member.1=" + q(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`),
			code: "MalformedPolicyDocument", msg: "Policy statement must contain resources."},
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy, params: "ActionNames.member.1=s3:GetObject&PolicyInputList.member.1=" + q(doc) + "&ContextEntries.member.1.ContextKeyName=aws:x&ContextEntries.member.1.ContextKeyType=word",
			code: "ValidationError"},
		// A boundary that does not allow the action turns the allow
		// into an implicit deny and says so.
		{action: "SimulateCustomPolicy", fn: h.simulateCustomPolicy,
			params: "PolicyInputList.member.1=" + q(doc) + "&ActionNames.member.1=s3:PutObject&ResourceArns.member.1=arn:aws:s3:::b/k&PermissionsBoundaryPolicyInputList.member.1=" + q(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`),
			want: `<SimulateCustomPolicyResponse ` + envHead + `><SimulateCustomPolicyResult><EvaluationResults>` +
				`<member><EvalActionName>s3:PutObject</EvalActionName><EvalResourceName>arn:aws:s3:::b/k</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements></MatchedStatements><MissingContextValues></MissingContextValues><PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>false</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail></member>` +
				`</EvaluationResults><IsTruncated>false</IsTruncated></SimulateCustomPolicyResult>` + envTail + `</SimulateCustomPolicyResponse>`},
	})
	// Results page with MaxItems and Marker.
	body, _, _ := e.run(t, "SimulateCustomPolicy", h.simulateCustomPolicy, "PolicyInputList.member.1="+q(doc)+"&ActionNames.member.1=s3:GetObject&ActionNames.member.2=s3:PutObject&MaxItems=1&Marker=1")
	if !strings.Contains(body, "<EvalActionName>s3:PutObject</EvalActionName>") || strings.Contains(body, "s3:GetObject") || !strings.Contains(body, "<IsTruncated>false</IsTruncated>") {
		t.Errorf("second page = %s", body)
	}
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	e := newStoreEnv(t)
	h := e.h
	ctx := context.Background()
	acct := iam.RootAccountID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.store.CreateUser(ctx, iam.CreateUserInput{Account: acct, Name: "alice"})
	must(err)
	_, err = e.store.CreateGroup(ctx, acct, "devs", "/")
	must(err)
	must(e.store.AddUserToGroup(ctx, acct, "devs", "alice"))
	alice := iam.Entity{Account: acct, Kind: iam.EntityUser, Name: "alice"}
	must(e.store.PutInlinePolicy(ctx, alice, "team", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/team/*"}]}`))
	deny, err := e.store.CreatePolicy(ctx, iam.CreatePolicyInput{Account: acct, Name: "nosecret",
		Document: `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/team/*"},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/team/secret*"}]}`})
	must(err)
	must(e.store.AttachPolicy(ctx, alice, deny.ARN))
	must(e.store.PutInlinePolicy(ctx, iam.Entity{Account: acct, Kind: iam.EntityGroup, Name: "devs"}, "list",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"team/*"}}}]}`))

	src := "PolicySourceArn=arn:aws:iam::000000000000:user/alice"
	tests := []struct {
		name, params, decision, source, typ string
		start, end                          position
		missing                             string
	}{
		{"inline allow", "&ActionNames.member.1=s3:GetObject&ResourceArns.member.1=arn:aws:s3:::b/team/a", "allowed", "team", "user", position{1, 38}, position{1, 115}, ""},
		{"managed explicit deny", "&ActionNames.member.1=s3:GetObject&ResourceArns.member.1=arn:aws:s3:::b/team/secret.txt", "explicitDeny", "nosecret", "user-managed", position{1, 126}, position{1, 200}, ""},
		{"managed allow", "&ActionNames.member.1=s3:PutObject&ResourceArns.member.1=arn:aws:s3:::b/team/a", "allowed", "nosecret", "user-managed", position{1, 38}, position{1, 125}, ""},
		{"implicit deny", "&ActionNames.member.1=s3:DeleteObject&ResourceArns.member.1=arn:aws:s3:::b/team/a", "implicitDeny", "", "", position{}, position{}, ""},
		{"group condition missing", "&ActionNames.member.1=s3:ListBucket&ResourceArns.member.1=arn:aws:s3:::b", "implicitDeny", "", "", position{}, position{}, "s3:prefix"},
		{"group condition given", "&ActionNames.member.1=s3:ListBucket&ResourceArns.member.1=arn:aws:s3:::b&ContextEntries.member.1.ContextKeyName=s3:prefix&ContextEntries.member.1.ContextKeyValues.member.1=team/x&ContextEntries.member.1.ContextKeyType=string",
			"allowed", "list", "group", position{1, 38}, position{1, 159}, ""},
		{"extra input policy", "&ActionNames.member.1=s3:DeleteObject&ResourceArns.member.1=arn:aws:s3:::b/team/a&PolicyInputList.member.1=" + url.QueryEscape(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"}}`),
			"allowed", "PolicyInputList.1", "", position{1, 37}, position{1, 97}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(src + tt.params)
			out, err := h.simulatePrincipalPolicy(ctx, callOf(e, v))
			if err != nil {
				t.Fatalf("SimulatePrincipalPolicy: %v", err)
			}
			r := out.(simulateResult).EvaluationResults[0]
			if r.EvalDecision != tt.decision {
				t.Errorf("EvalDecision = %s, want %s", r.EvalDecision, tt.decision)
			}
			var got matchedStatement
			if len(r.MatchedStatements) == 1 {
				got = r.MatchedStatements[0]
			}
			want := matchedStatement{SourcePolicyID: tt.source, SourcePolicyType: tt.typ}
			if tt.source != "" {
				want.StartPosition, want.EndPosition = &tt.start, &tt.end
			}
			if got.SourcePolicyID != want.SourcePolicyID || got.SourcePolicyType != want.SourcePolicyType ||
				(want.StartPosition != nil && (got.StartPosition == nil || *got.StartPosition != *want.StartPosition || *got.EndPosition != *want.EndPosition)) {
				t.Errorf("MatchedStatements = %+v (%v %v), want %+v (%v %v)", got, got.StartPosition, got.EndPosition, want, want.StartPosition, want.EndPosition)
			}
			if m := strings.Join(r.MissingContextValues, ","); m != tt.missing {
				t.Errorf("MissingContextValues = %q, want %q", m, tt.missing)
			}
		})
	}
	e.steps(t, []w2Step{
		{action: "SimulatePrincipalPolicy", fn: h.simulatePrincipalPolicy, params: "PolicySourceArn=arn:aws:iam::000000000000:user/bob&ActionNames.member.1=s3:GetObject",
			code: "NoSuchEntity", msg: "The user with name bob cannot be found."},
		{action: "SimulatePrincipalPolicy", fn: h.simulatePrincipalPolicy, params: "PolicySourceArn=arn:aws:iam::111111111111:user/alice&ActionNames.member.1=s3:GetObject",
			code: "NoSuchEntity"},
		{action: "SimulatePrincipalPolicy", fn: h.simulatePrincipalPolicy, params: "PolicySourceArn=arn:aws:s3:::bucket/user/x&ActionNames.member.1=s3:GetObject",
			code: "InvalidInput"},
		{action: "SimulatePrincipalPolicy", fn: h.simulatePrincipalPolicy, params: "ActionNames.member.1=s3:GetObject", code: "MissingParameter"},
		{action: "SimulatePrincipalPolicy", fn: h.simulatePrincipalPolicy, params: "PolicySourceArn=arn:aws:iam::000000000000:group/devs&ActionNames.member.1=s3:GetObject&ResourceArns.member.1=arn:aws:s3:::b/team/a",
			want: `<SimulatePrincipalPolicyResponse ` + envHead + `><SimulatePrincipalPolicyResult><EvaluationResults><member><EvalActionName>s3:GetObject</EvalActionName><EvalResourceName>arn:aws:s3:::b/team/a</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements></MatchedStatements><MissingContextValues></MissingContextValues></member></EvaluationResults><IsTruncated>false</IsTruncated></SimulatePrincipalPolicyResult>` + envTail + `</SimulatePrincipalPolicyResponse>`},
	})
}

func callOf(e *storeEnv, v url.Values) *queryapi.Call {
	return &queryapi.Call{Principal: e.root, Params: queryapi.NewParams(v)}
}

// FuzzSimulateCustomPolicy feeds arbitrary parameters to
// SimulateCustomPolicy (policy lists, context entries, action and
// resource lists, paging): it must answer or refuse, never panic, and
// never return more results than asked.
func FuzzSimulateCustomPolicy(f *testing.F) {
	doc := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a/*"}}}]}`)
	// Seeds follow the request of the IAM API reference's example.
	f.Add("PolicyInputList.member.1=" + doc + "&ActionNames.member.1=s3:ListBucket&ResourceArns.member.1=arn:aws:s3:::b")
	f.Add("PolicyInputList.member.1=" + doc + "&ActionNames.member.1=s3:ListBucket&ContextEntries.member.1.ContextKeyName=s3:prefix&ContextEntries.member.1.ContextKeyValues.member.1=a/b&ContextEntries.member.1.ContextKeyType=string")
	f.Add("PolicyInputList.member.1=" + doc + "&ActionNames.member.1=a&ActionNames.member.2=b&MaxItems=1&Marker=1")
	f.Add("PolicyInputList.member.1=" + doc + "&PermissionsBoundaryPolicyInputList.member.1=" + doc + "&ActionNames.member.1=s3:GetObject")
	f.Add("PolicyInputList.member.1={&ActionNames.member.0=x&Marker=-1")
	rp := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:*","Resource":"*"}]}`)
	f.Add("PolicyInputList.member.1=" + doc + "&ActionNames.member.1=s3:GetObject&ResourcePolicy=" + rp + "&CallerArn=arn:aws:iam::111122223333:user/bob&ResourceOwner=arn:aws:iam::000000000000:root")
	f.Add("PolicyInputList.member.1=" + doc + "&ActionNames.member.1=s3:GetObject&ResourcePolicy=" + rp + "&ResourceHandlingOption=EC2-VPC-EBS")
	f.Add("PolicyInputList.member.1=" + doc + "&ActionNames.member.1=s3:GetObject&CallerArn=arn:aws:iam::1:user/&ResourceOwner=000000000000")
	h := &handlers{}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		out, err := h.simulateCustomPolicy(context.Background(), &queryapi.Call{Params: queryapi.NewParams(v)})
		if err != nil {
			return
		}
		res := out.(simulateResult)
		limit := 100
		if n, ok := v["MaxItems"]; ok {
			limit, _ = strconv.Atoi(n[0])
		}
		if len(res.EvaluationResults) > limit {
			t.Fatalf("%d results for MaxItems %d", len(res.EvaluationResults), limit)
		}
	})
}

// FuzzSourceEntity checks that any PolicySourceArn is read as a user,
// group or role of the caller's account or refused, without panicking.
func FuzzSourceEntity(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::000000000000:user/alice", "arn:aws:iam::000000000000:role/p/q/app",
		"arn:aws:iam::000000000000:group/", "arn:aws:iam::", "arn:aws:s3:::b/user/x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		e, err := sourceEntity("000000000000", arn)
		if err != nil {
			return
		}
		if e.Name == "" || strings.Contains(e.Name, "/") || e.Account != "000000000000" {
			t.Fatalf("sourceEntity(%q) = %+v", arn, e)
		}
	})
}
