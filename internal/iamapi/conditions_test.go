package iamapi

import (
	"net/url"
	"testing"

	"github.com/coffer-s3/coffer/internal/iam"
)

// TestConditionValuesRefused: every action that sets a policy refuses a
// Date condition whose value is not a date, with IAM's message, and
// creates nothing; a non-numeric NumericEquals value is taken, as IAM
// takes it.
func TestConditionValuesRefused(t *testing.T) {
	e := newStoreEnv(t)
	h := e.h
	q := url.QueryEscape
	const cond = `"Condition":{"DateGreaterThan":{"aws:CurrentTime":"tomorrow"}}`
	bad := q(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",` + cond + `}}`)
	badTrust := q(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole",` + cond + `}}`)
	numeric := q(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"ten"}}}}`)
	const msg = "The policy failed legacy parsing"
	e.steps(t, []w2Step{
		{action: "CreateUser", fn: h.createUser, params: "UserName=u"},
		{action: "CreateGroup", fn: h.createGroup, params: "GroupName=g"},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=r&AssumeRolePolicyDocument=" + q(trust)},
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=p&PolicyDocument=" + q(readDoc)},
		{action: "CreatePolicy", fn: h.createPolicy, params: "PolicyName=bad&PolicyDocument=" + bad, code: "MalformedPolicyDocument", msg: msg},
		{action: "GetPolicy", fn: h.getPolicy, params: "PolicyArn=arn:aws:iam::000000000000:policy/bad", code: "NoSuchEntity"},
		{action: "CreatePolicyVersion", fn: h.createPolicyVersion, params: "PolicyArn=arn:aws:iam::000000000000:policy/p&PolicyDocument=" + bad, code: "MalformedPolicyDocument", msg: msg},
		{action: "PutUserPolicy", fn: h.putInlinePolicy(iam.EntityUser), params: "UserName=u&PolicyName=i&PolicyDocument=" + bad, code: "MalformedPolicyDocument", msg: msg},
		{action: "PutGroupPolicy", fn: h.putInlinePolicy(iam.EntityGroup), params: "GroupName=g&PolicyName=i&PolicyDocument=" + bad, code: "MalformedPolicyDocument", msg: msg},
		{action: "PutRolePolicy", fn: h.putInlinePolicy(iam.EntityRole), params: "RoleName=r&PolicyName=i&PolicyDocument=" + bad, code: "MalformedPolicyDocument", msg: msg},
		{action: "CreateRole", fn: h.createRole, params: "RoleName=r2&AssumeRolePolicyDocument=" + badTrust, code: "MalformedPolicyDocument", msg: msg},
		{action: "UpdateAssumeRolePolicy", fn: h.updateAssumeRolePolicy, params: "RoleName=r&PolicyDocument=" + badTrust, code: "MalformedPolicyDocument", msg: msg},
		{action: "GetRole", fn: h.getRole, params: "RoleName=r2", code: "NoSuchEntity"},
		{action: "PutUserPolicy", fn: h.putInlinePolicy(iam.EntityUser), params: "UserName=u&PolicyName=n&PolicyDocument=" + numeric},
	})
}
