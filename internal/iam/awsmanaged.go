package iam

import (
	"crypto/sha256"
	"time"

	"github.com/coffer-s3/coffer/internal/policy"
)

// awsManaged is an AWS managed policy coffer provides, with the document
// of AWS's current default version as published in the "AWS Managed
// Policy Reference Guide" (docs.aws.amazon.com/aws-managed-policy/latest/
// reference/NAME.html). Their ARNs are arn:aws:iam::aws:policy/NAME.
type awsManaged struct {
	name, version, description, document string
	created, updated                     time.Time
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var awsManagedPolicies = []awsManaged{
	{"AdministratorAccess", "v1", "Provides full access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		date("2015-02-06T18:39:46Z"), date("2015-02-06T18:39:46Z")},
	{"AmazonS3FullAccess", "v2", "Provides full access to all buckets via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`,
		date("2015-02-06T18:40:58Z"), date("2021-09-27T20:16:37Z")},
	{"AmazonS3ReadOnlyAccess", "v3", "Provides read only access to all buckets via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`,
		date("2015-02-06T18:40:59Z"), date("2023-08-10T21:31:39Z")},
	{"IAMFullAccess", "v2", "Provides full access to IAM via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`,
		date("2015-02-06T18:40:38Z"), date("2019-06-21T19:40:00Z")},
	{"IAMReadOnlyAccess", "v4", "Provides read only access to IAM via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}`,
		date("2015-02-06T18:40:39Z"), date("2018-01-25T19:11:27Z")},
}

// awsManagedARNPrefix starts the ARN of every AWS managed policy.
const awsManagedARNPrefix = "arn:aws:iam::aws:policy"

// awsManagedByARN indexes awsManagedPolicies, with each document parsed
// once.
type awsManagedEntry struct {
	awsManaged
	parsed *policy.Policy
}

func (a awsManaged) arn() string { return awsManagedARNPrefix + "/" + a.name }

// id is a stable ANPA… id derived from the name: coffer's own, not AWS's.
func (a awsManaged) id() string {
	sum := sha256.Sum256([]byte("coffer aws managed policy " + a.name))
	b := []byte(prefixPolicy)
	for _, c := range sum[:17] {
		b = append(b, idAlphabet[c&31])
	}
	return string(b)
}

func buildAWSManaged() map[string]*awsManagedEntry {
	m := make(map[string]*awsManagedEntry, len(awsManagedPolicies))
	for _, a := range awsManagedPolicies {
		p, err := policy.Parse([]byte(a.document), policy.Managed)
		if err != nil {
			panic("iam: AWS managed policy " + a.name + ": " + err.Error())
		}
		m[a.arn()] = &awsManagedEntry{a, p}
	}
	return m
}

// awsManagedByARN is read-only after package initialisation.
var awsManagedByARN = buildAWSManaged()
