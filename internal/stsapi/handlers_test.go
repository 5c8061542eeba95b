package stsapi

import (
	"context"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeIdentity records what the handlers ask of the identity store.
type fakeIdentity struct {
	allow     map[string]bool // action → allowed
	noRole    bool
	mfaErr    error
	sessErr   error
	authz     []string // actions asked
	conds     map[string][]string
	mfa       []string // serial/code pairs checked
	session   iam.SessionInput
	keyOwners map[string]string
}

func (f *fakeIdentity) AuthorizeRole(_ context.Context, _ sigv4.Principal, action, roleARN string, conds map[string][]string) (iam.Role, iam.Decision, error) {
	f.authz, f.conds = append(f.authz, action), conds
	if f.noRole {
		return iam.Role{}, iam.Decision{}, &iam.Error{Err: iam.ErrNoSuchEntity, Message: "The role with name r cannot be found."}
	}
	return iam.Role{Account: "111122223333", Name: "r", ARN: roleARN, ID: "AROAEXAMPLEROLEID"}, iam.Decision{Allowed: f.allow[action]}, nil
}

func (f *fakeIdentity) CreateSession(_ context.Context, in iam.SessionInput) (iam.Session, error) {
	f.session = in
	if f.sessErr != nil {
		return iam.Session{}, f.sessErr
	}
	s := iam.Session{AccessKeyID: "ASIAEXAMPLEEXAMPLE00", SecretAccessKey: "secret", SessionToken: "token",
		Expiration: time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC), PackedPolicySize: 7, SourceIdentity: in.SourceIdentity}
	if in.RoleName != "" {
		s.ARN, s.AssumedRoleID = "arn:aws:sts::111122223333:assumed-role/r/"+in.SessionName, "AROAEXAMPLEROLEID:"+in.SessionName
	}
	return s, nil
}

func (f *fakeIdentity) VerifyMFA(_ context.Context, _ sigv4.Principal, serial, code string) error {
	f.mfa = append(f.mfa, serial+"/"+code)
	return f.mfaErr
}

func (f *fakeIdentity) AccessKeyInfo(_ context.Context, id string) (string, error) {
	if a, ok := f.keyOwners[id]; ok {
		return a, nil
	}
	return "", &iam.Error{Err: iam.ErrNoSuchEntity, Message: "no"}
}

var (
	alice = sigv4.Principal{AccessKey: "AKIAALICEALICEALICE0", AccountID: "111122223333", Name: "alice",
		ARN: "arn:aws:iam::111122223333:user/alice", UserID: "AIDAALICE"}
	rootP = sigv4.Principal{AccessKey: "AKIAROOTROOTROOTROOT", AccountID: "111122223333", Name: "root",
		ARN: "arn:aws:iam::111122223333:root", UserID: "111122223333", Root: true}
	roleSession = sigv4.Principal{AccessKey: "ASIAPARENTPARENTPAR0", AccountID: "111122223333", Name: "s",
		ARN: "arn:aws:sts::111122223333:assumed-role/first/s", UserID: "AROAFIRST:s",
		RoleARN: "arn:aws:iam::111122223333:role/first", TokenIssued: time.Unix(1e9, 0), SourceIdentity: "alice"}
)

const roleARN = "arn:aws:iam::111122223333:role/r"

// call runs handle with params given as "k=v&k=v".
func call(t *testing.T, handle func(context.Context, *queryapi.Call) (any, error), p sigv4.Principal, params string) (any, error) {
	t.Helper()
	v, err := url.ParseQuery(params)
	if err != nil {
		t.Fatal(err)
	}
	return handle(context.Background(), &queryapi.Call{Principal: p, Params: queryapi.NewParams(v), RequestID: "req-1"})
}

// wantQueryError checks err's wire code and message prefix.
func wantQueryError(t *testing.T, what string, err error, code, msgPrefix string) {
	t.Helper()
	e, ok := errors.AsType[*queryapi.Error](err)
	if !ok {
		e, ok = errorFor(err)
	}
	if !ok || e.Code != code || !strings.HasPrefix(e.Message, msgPrefix) {
		t.Errorf("%s: error %v (%+v), want %s %q…", what, err, e, code, msgPrefix)
	}
}

func TestAssumeRole_validation(t *testing.T) {
	base := "RoleArn=" + roleARN + "&RoleSessionName=job-1"
	tests := []struct {
		name, params, code, msg string
	}{
		{"no RoleArn", "RoleSessionName=a1", "MissingParameter", "The request must contain the parameter RoleArn"},
		{"no RoleSessionName", "RoleArn=" + roleARN, "MissingParameter", "The request must contain the parameter RoleSessionName"},
		{"session name too short", "RoleArn=" + roleARN + "&RoleSessionName=a", "ValidationError",
			"1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name pattern", "RoleArn=" + roleARN + "&RoleSessionName=a b", "ValidationError", "1 validation error detected: Value 'a b' at 'roleSessionName'"},
		{"session name too long", "RoleArn=" + roleARN + "&RoleSessionName=" + strings.Repeat("a", 65), "ValidationError", "1 validation error detected"},
		{"duration too short", base + "&DurationSeconds=899", "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration too long", base + "&DurationSeconds=43201", "ValidationError", "1 validation error detected: Value '43201' at 'durationSeconds'"},
		{"external id too short", base + "&ExternalId=x", "ValidationError", "1 validation error detected: Value 'x' at 'externalId'"},
		{"token code letters", base + "&SerialNumber=arn:aws:iam::111122223333:mfa/alice&TokenCode=12345a", "ValidationError", "1 validation error detected: Value '12345a' at 'tokenCode'"},
		{"serial without code", base + "&SerialNumber=arn:aws:iam::111122223333:mfa/alice", "MissingParameter", "The request must contain the parameter TokenCode"},
		{"source identity pattern", base + "&SourceIdentity=aws:x", "ValidationError", "1 validation error detected: Value 'aws:x' at 'sourceIdentity'"},
		{"tag key pattern", base + "&Tags.member.1.Key=a*b&Tags.member.1.Value=v", "ValidationError", "1 validation error detected: Value 'a*b' at 'tags.1.member.key'"},
		{"duplicate tag keys", base + "&Tags.member.1.Key=Team&Tags.member.1.Value=a&Tags.member.2.Key=team&Tags.member.2.Value=b", "InvalidParameterValue",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"policy arn too short", base + "&PolicyArns.member.1.arn=arn:x", "ValidationError", "1 validation error detected: Value 'arn:x' at 'policyArns.1.member.arn'"},
	}
	for _, tt := range tests {
		f := &fakeIdentity{allow: map[string]bool{"sts:AssumeRole": true}}
		_, err := call(t, (&handlers{id: f}).assumeRole, alice, tt.params)
		wantQueryError(t, tt.name, err, tt.code, tt.msg)
		if f.session.RoleName != "" {
			t.Errorf("%s: a session was issued", tt.name)
		}
	}
}

func TestAssumeRole_authorization(t *testing.T) {
	base := "RoleArn=" + roleARN + "&RoleSessionName=job-1"
	tests := []struct {
		name      string
		p         sigv4.Principal
		params    string
		allow     []string
		noRole    bool
		wantAuthz string
		wantErr   string // AccessDenied message, "" for success
	}{
		{"allowed", alice, base, []string{"sts:AssumeRole"}, false, "sts:AssumeRole", ""},
		{"denied", alice, base, nil, false, "sts:AssumeRole",
			"User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: " + roleARN},
		{"no such role", alice, base, []string{"sts:AssumeRole"}, true, "sts:AssumeRole",
			"User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: " + roleARN},
		{"tags need TagSession", alice, base + "&Tags.member.1.Key=team&Tags.member.1.Value=a", []string{"sts:AssumeRole"}, false, "sts:AssumeRole,sts:TagSession",
			"User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:TagSession on resource: " + roleARN},
		{"tags with TagSession", alice, base + "&Tags.member.1.Key=team&Tags.member.1.Value=a&TransitiveTagKeys.member.1=team",
			[]string{"sts:AssumeRole", "sts:TagSession"}, false, "sts:AssumeRole,sts:TagSession", ""},
		{"source identity needs SetSourceIdentity", alice, base + "&SourceIdentity=alice", []string{"sts:AssumeRole"}, false,
			"sts:AssumeRole,sts:SetSourceIdentity", "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:SetSourceIdentity"},
		{"root user", rootP, base, []string{"sts:AssumeRole"}, false, "", "Roles may not be assumed by root accounts."},
		{"chained session with a source identity", roleSession, base, []string{"sts:AssumeRole", "sts:SetSourceIdentity"}, false,
			"sts:AssumeRole,sts:SetSourceIdentity", ""},
	}
	for _, tt := range tests {
		f := &fakeIdentity{allow: map[string]bool{}, noRole: tt.noRole}
		for _, a := range tt.allow {
			f.allow[a] = true
		}
		_, err := call(t, (&handlers{id: f}).assumeRole, tt.p, tt.params)
		if got := strings.Join(f.authz, ","); got != tt.wantAuthz {
			t.Errorf("%s: asked %s, want %s", tt.name, got, tt.wantAuthz)
		}
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		wantQueryError(t, tt.name, err, "AccessDenied", tt.wantErr)
	}
}

func TestAssumeRole_sessionInput(t *testing.T) {
	f := &fakeIdentity{allow: map[string]bool{"sts:AssumeRole": true, "sts:TagSession": true, "sts:SetSourceIdentity": true}}
	params := "RoleArn=" + roleARN + "&RoleSessionName=job-1&DurationSeconds=1800&ExternalId=x-123" +
		"&SerialNumber=arn:aws:iam::111122223333:mfa/alice&TokenCode=123456&SourceIdentity=alice" +
		"&Policy=" + url.QueryEscape(`{"Version":"2012-10-17","Statement":[]}`) +
		"&PolicyArns.member.1.arn=arn:aws:iam::111122223333:policy/p1&PolicyArns.member.2.arn=arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" +
		"&Tags.member.1.Key=team&Tags.member.1.Value=a&TransitiveTagKeys.member.1=team"
	got, err := call(t, (&handlers{id: f}).assumeRole, roleSession, params)
	if err != nil {
		t.Fatal(err)
	}
	in := f.session
	if in.Account != "111122223333" || in.RoleName != "r" || in.SessionName != "job-1" || in.Duration != 30*time.Minute ||
		in.Caller != roleSession.AccessKey || !in.MFA || in.SourceIdentity != "alice" || len(in.PolicyARNs) != 2 ||
		len(in.Tags) != 1 || len(in.TransitiveTagKeys) != 1 || in.Policy == "" {
		t.Errorf("SessionInput = %+v", in)
	}
	if strings.Join(f.mfa, ",") != "arn:aws:iam::111122223333:mfa/alice/123456" {
		t.Errorf("MFA checked = %v", f.mfa)
	}
	for k, want := range map[string]string{"sts:ExternalId": "x-123", "sts:RoleSessionName": "job-1", "sts:SourceIdentity": "alice",
		"aws:MultiFactorAuthPresent": "true", "aws:RequestTag/team": "a", "aws:TagKeys": "team", "sts:TransitiveTagKeys": "team"} {
		if v := f.conds[k]; len(v) != 1 || v[0] != want {
			t.Errorf("condition %s = %v, want %s", k, v, want)
		}
	}
	body, err := queryapi.AppendResult(nil, queryapi.NamespaceSTS, "AssumeRole", "req-1", got)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "assumerole.xml", body)

	// Without session policies or tags there is no PackedPolicySize, and
	// long-term keys are not chaining.
	f = &fakeIdentity{allow: map[string]bool{"sts:AssumeRole": true}}
	got, err = call(t, (&handlers{id: f}).assumeRole, alice, "RoleArn="+roleARN+"&RoleSessionName=job-2")
	if err != nil {
		t.Fatal(err)
	}
	if r := got.(assumeRoleResult); r.PackedPolicySize != nil || f.session.Caller != "" || f.session.Duration != time.Hour {
		t.Errorf("plain AssumeRole = %+v, input %+v", r, f.session)
	}
	f.mfaErr = &iam.Error{Err: iam.ErrMFAFailed, Message: "MultiFactorAuthentication failed with invalid MFA one time pass code."}
	_, err = call(t, (&handlers{id: f}).assumeRole, alice, "RoleArn="+roleARN+"&RoleSessionName=job-2&SerialNumber=arn:aws:iam::111122223333:mfa/alice&TokenCode=000000")
	wantQueryError(t, "AssumeRole with a wrong MFA code", err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
}

func TestGetSessionToken(t *testing.T) {
	tests := []struct {
		name     string
		p        sigv4.Principal
		params   string
		wantIn   iam.SessionInput
		wantCode string
	}{
		{"user default", alice, "", iam.SessionInput{Account: "111122223333", UserName: "alice", Duration: 12 * time.Hour}, ""},
		{"user longest", alice, "DurationSeconds=129600", iam.SessionInput{Account: "111122223333", UserName: "alice", Duration: 36 * time.Hour}, ""},
		{"root capped at an hour", rootP, "DurationSeconds=7200", iam.SessionInput{Account: "111122223333", Root: true, Duration: time.Hour}, ""},
		{"root shorter", rootP, "DurationSeconds=900", iam.SessionInput{Account: "111122223333", Root: true, Duration: 15 * time.Minute}, ""},
		{"with MFA", alice, "SerialNumber=arn:aws:iam::111122223333:mfa/alice&TokenCode=123456",
			iam.SessionInput{Account: "111122223333", UserName: "alice", Duration: 12 * time.Hour, MFA: true}, ""},
		{"too long", alice, "DurationSeconds=129601", iam.SessionInput{}, "ValidationError"},
		{"too short", alice, "DurationSeconds=899", iam.SessionInput{}, "ValidationError"},
		{"session credentials", roleSession, "", iam.SessionInput{}, "AccessDenied"},
	}
	for _, tt := range tests {
		f := &fakeIdentity{}
		got, err := call(t, (&handlers{id: f}).getSessionToken, tt.p, tt.params)
		if tt.wantCode != "" {
			wantQueryError(t, tt.name, err, tt.wantCode, "")
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if f.session.Account != tt.wantIn.Account || f.session.UserName != tt.wantIn.UserName || f.session.Root != tt.wantIn.Root ||
			f.session.Duration != tt.wantIn.Duration || f.session.MFA != tt.wantIn.MFA {
			t.Errorf("%s: SessionInput = %+v, want %+v", tt.name, f.session, tt.wantIn)
		}
		if tt.name == "user default" {
			body, err := queryapi.AppendResult(nil, queryapi.NamespaceSTS, "GetSessionToken", "req-1", got)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "getsessiontoken.xml", body)
		}
	}
	_, err := call(t, (&handlers{id: &fakeIdentity{}}).getSessionToken, roleSession, "")
	wantQueryError(t, "GetSessionToken with session credentials", err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
}

func TestGetAccessKeyInfo(t *testing.T) {
	h := &handlers{id: &fakeIdentity{keyOwners: map[string]string{"ASIAEXAMPLEEXAMPLE00": "111122223333"}}}
	got, err := call(t, h.getAccessKeyInfo, alice, "AccessKeyId=ASIAEXAMPLEEXAMPLE00")
	if err != nil {
		t.Fatal(err)
	}
	body, err := queryapi.AppendResult(nil, queryapi.NamespaceSTS, "GetAccessKeyInfo", "req-1", got)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "getaccesskeyinfo.xml", body)
	_, err = call(t, h.getAccessKeyInfo, alice, "AccessKeyId=AKIAUNKNOWNUNKNOWN00")
	wantQueryError(t, "unknown key", err, "InvalidParameterValue", "The access key ID AKIAUNKNOWNUNKNOWN00 does not exist.")
	_, err = call(t, h.getAccessKeyInfo, alice, "AccessKeyId=short")
	wantQueryError(t, "short key", err, "ValidationError", "1 validation error detected: Value 'short' at 'accessKeyId'")
	_, err = call(t, h.getAccessKeyInfo, alice, "")
	wantQueryError(t, "no key", err, "MissingParameter", "")
}

// TestErrorRows pins the STS answer of each domain error.
func TestErrorRows(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{errors.Join(errors.New("lookup"), iam.ErrExpiredToken), 403, "ExpiredToken", "The security token included in the request is expired"},
		{&iam.PolicyError{Err: iam.ErrMalformedPolicyDocument, Message: "Syntax errors in policy."}, 400, "MalformedPolicyDocument", "Syntax errors in policy."},
		{&iam.Error{Err: iam.ErrPackedPolicyTooLarge, Message: "Packed policy consumes 120% of allotted space, please use smaller policy."}, 400, "PackedPolicyTooLarge",
			"Packed policy consumes 120% of allotted space, please use smaller policy."},
		{&iam.Error{Err: iam.ErrValidation, Message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."}, 400,
			"ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."},
		{&iam.Error{Err: iam.ErrSessionRefused, Message: "m"}, 403, "AccessDenied", "m"},
		{&iam.Error{Err: iam.ErrMFAFailed, Message: "m"}, 403, "AccessDenied", "m"},
	}
	for _, tt := range tests {
		e, ok := errorFor(tt.err)
		if !ok || e.Status != tt.status || e.Code != tt.code || e.Message != tt.msg {
			t.Errorf("errorFor(%v) = %+v, %v; want %d %s %q", tt.err, e, ok, tt.status, tt.code, tt.msg)
		}
	}
	if _, ok := errorFor(errors.New("disk on fire")); ok {
		t.Error("an unknown error has a row")
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}
