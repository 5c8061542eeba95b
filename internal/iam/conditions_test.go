package iam

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

// TestRequestKeys pins the condition keys Authorize gives policies for
// each kind of principal, their case-insensitive names, and which source
// wins when a key is set twice.
func TestRequestKeys(t *testing.T) {
	now := testEpoch
	issued := now.Add(-90 * time.Second)
	user := sigv4.Principal{AccessKey: "AKIAUSER", AccountID: "111122223333", Name: "alice",
		ARN: "arn:aws:iam::111122223333:user/alice", UserID: "AIDAALICE"}
	root := sigv4.Principal{AccessKey: "AKIAROOT", AccountID: "111122223333", Name: "root",
		ARN: "arn:aws:iam::111122223333:root", UserID: "111122223333", Root: true}
	session := sigv4.Principal{AccessKey: "ASIAROLE", AccountID: "111122223333", Name: "ci",
		ARN: "arn:aws:sts::111122223333:assumed-role/deploy/ci", UserID: "AROADEPLOY:ci",
		RoleARN: "arn:aws:iam::111122223333:role/deploy", MFA: true, TokenIssued: issued, SourceIdentity: "bob"}
	anon := sigv4.Principal{Anonymous: true}
	tags := &identity{tags: []Tag{{Key: "Team", Value: "storage"}, {Key: "team", Value: "blue"}}}
	wire := policy.Keys{}
	wire.Set("aws:SourceIp", "127.0.0.1")
	wire.Set("aws:CurrentTime", "1999-01-01T00:00:00Z")

	const absent = "<absent>"
	tests := []struct {
		name  string
		p     sigv4.Principal
		id    *identity
		conds map[string][]string
		key   string
		want  string
	}{
		{"time", user, nil, nil, "aws:CurrentTime", "2026-03-01T12:00:00Z"},
		{"time names ignore case", user, nil, nil, "AWS:currenttime", "2026-03-01T12:00:00Z"},
		{"epoch", user, nil, nil, "aws:EpochTime", "1772366400"},
		{"user type", user, nil, nil, "aws:PrincipalType", "User"},
		{"root type", root, nil, nil, "aws:PrincipalType", "Account"},
		{"session type", session, nil, nil, "aws:PrincipalType", "AssumedRole"},
		{"anonymous type", anon, nil, nil, "aws:PrincipalType", "Anonymous"},
		{"account", user, nil, nil, "aws:PrincipalAccount", "111122223333"},
		{"anonymous has no account", anon, nil, nil, "aws:PrincipalAccount", absent},
		{"userid", session, nil, nil, "aws:userid", "AROADEPLOY:ci"},
		{"user arn", user, nil, nil, "aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice"},
		{"root arn", root, nil, nil, "aws:PrincipalArn", "arn:aws:iam::111122223333:root"},
		{"session arn is the role's", session, nil, nil, "aws:PrincipalArn", "arn:aws:iam::111122223333:role/deploy"},
		{"username", user, nil, nil, "aws:username", "alice"},
		{"root has no username", root, nil, nil, "aws:username", absent},
		{"long-term key has no token time", user, nil, nil, "aws:TokenIssueTime", absent},
		{"token time", session, nil, nil, "aws:TokenIssueTime", "2026-03-01T11:58:30Z"},
		{"mfa present", session, nil, nil, "aws:MultiFactorAuthPresent", "true"},
		{"long-term key has no mfa key", user, nil, nil, "aws:MultiFactorAuthPresent", absent},
		{"mfa age", session, nil, nil, "aws:MultiFactorAuthAge", "90"},
		{"source identity", session, nil, nil, "aws:SourceIdentity", "bob"},
		{"no source identity", user, nil, nil, "aws:SourceIdentity", absent},
		{"principal tag, last of a folded pair", user, tags, nil, "aws:principaltag/TEAM", "blue"},
		{"missing tag", user, tags, nil, "aws:PrincipalTag/dept", absent},
		{"conditions map", user, nil, map[string][]string{"s3:prefix": {"home/"}}, "S3:Prefix", "home/"},
		{"owned keys win over the map", user, nil, map[string][]string{"aws:username": {"mallory"}}, "aws:username", "alice"},
		{"owned keys win over the wire", user, nil, nil, "aws:CurrentTime", "2026-03-01T12:00:00Z"},
		{"wire", user, nil, nil, "aws:SourceIp", "127.0.0.1"},
		{"the map fills what the principal lacks", root, nil, map[string][]string{"aws:username": {"from-the-map"}}, "aws:username", "from-the-map"},
		{"map before wire", root, nil, map[string][]string{"aws:SourceIp": {"10.0.0.1"}}, "aws:sourceip", "10.0.0.1"},
	}
	for _, tt := range tests {
		k := &requestKeys{req: Request{Principal: tt.p, Conditions: tt.conds, Context: wire}, id: tt.id, now: now}
		got := absent
		if v, ok := k.Lookup(tt.key); ok {
			if len(v) != 1 {
				t.Errorf("%s: Lookup(%q) = %q, want one value", tt.name, tt.key, v)
				continue
			}
			got = v[0]
		}
		if got != tt.want {
			t.Errorf("%s: Lookup(%q) = %q, want %q", tt.name, tt.key, got, tt.want)
		}
	}
}
