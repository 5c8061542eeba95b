package integration_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The authorization matrix's rows and operations for bucket policies and
// Block Public Access; TestAuthz_matrix runs them with the others.
func init() {
	authzPrincipals = append(authzPrincipals, authzPolicyPrincipals...)
	authzOps = append(authzOps, authzPolicyOps...)
}

// grantAll is a bucket policy allowing principal arn every S3 action on
// the bucket and its objects.
func grantAll(bucket, arn string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Grant","Effect":"Allow","Principal":{"AWS":"` + arn +
		`"},"Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"]}]}`
}

// denyAll denies everyone every S3 action on the bucket and its objects.
func denyAll(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` +
		bucket + `","arn:aws:s3:::` + bucket + `/*"]}]}`
}

// publicReadList lets anyone read objects and list the bucket.
func publicReadList(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket +
		`/*"},{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + bucket + `"}]}`
}

// ownerReads is a non-public policy naming the owner account.
func ownerReads(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + authzAccount +
		`:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

func fxPolicy(t *testing.T, fx *authzFixture, doc string) {
	t.Helper()
	if _, err := fx.e.s3.PutBucketPolicy(ctx(t), &s3.PutBucketPolicyInput{Bucket: aws.String(fx.bucket), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
}

func fxBlock(t *testing.T, fx *authzFixture, cfg *types.PublicAccessBlockConfiguration) {
	t.Helper()
	var err error
	if cfg == nil {
		_, err = fx.e.s3.DeletePublicAccessBlock(ctx(t), &s3.DeletePublicAccessBlockInput{Bucket: aws.String(fx.bucket)})
	} else {
		_, err = fx.e.s3.PutPublicAccessBlock(ctx(t), &s3.PutPublicAccessBlockInput{Bucket: aws.String(fx.bucket), PublicAccessBlockConfiguration: cfg})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// publicWith opens the bucket, puts publicReadList, then sets block (nil:
// none) as the bucket's Block Public Access.
func publicWith(block *types.PublicAccessBlockConfiguration) func(t *testing.T, fx *authzFixture, _ authzCreds) {
	return func(t *testing.T, fx *authzFixture, _ authzCreds) {
		fxBlock(t, fx, nil)
		fxPolicy(t, fx, publicReadList(fx.bucket))
		if block != nil {
			fxBlock(t, fx, block)
		}
	}
}

// publicVerdict is how an anonymous caller fares against publicReadList.
func publicVerdict(op authzOp) authzVerdict {
	if !op.ownAccount && (op.action == "s3:GetObject" || op.action == "s3:ListBucket") {
		return authzAllowed
	}
	return authzBare
}

func isPolicyOp(op authzOp) bool {
	switch op.action {
	case "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy":
		return true
	}
	return false
}

var authzPolicyPrincipals = []authzPrincipal{
	{
		// A user of the owner's account without identity policies whom
		// the bucket policy names: within one account either side
		// allows.
		name: "userGrantedByBucketPolicy",
		setup: func(t *testing.T, e *env) authzCreds {
			return newAuthzUser(t, e, authzAccount, "matrix-granted", "", "")
		},
		bucketSetup: func(t *testing.T, fx *authzFixture, cr authzCreds) { fxPolicy(t, fx, grantAll(fx.bucket, cr.arn)) },
		verdict: func(op authzOp) authzVerdict {
			if op.ownAccount {
				return authzNoIdentityPolicy
			}
			return authzAllowed
		},
	},
	{
		// An administrator of the owner's account against a bucket
		// policy denying everyone: the deny wins.
		name: "adminDeniedByBucketPolicy",
		setup: func(t *testing.T, e *env) authzCreds {
			return newAuthzUser(t, e, authzAccount, "matrix-admin-denied", authzAdmin, "")
		},
		bucketSetup: func(t *testing.T, fx *authzFixture, _ authzCreds) { fxPolicy(t, fx, denyAll(fx.bucket)) },
		verdict: func(op authzOp) authzVerdict {
			if op.ownAccount {
				return authzAllowed
			}
			return authzResourceDeny
		},
	},
	{
		// An administrator of another account whom the bucket policy
		// grants everything: both sides allow. The bucket policy
		// operations stay the owner account's.
		name: "otherAccountGrantedByBucketPolicy",
		setup: func(t *testing.T, e *env) authzCreds {
			acct, _, _, err := e.srv.Identity.CreateAccount(ctx(t), "matrix-partner")
			if err != nil {
				t.Fatal(err)
			}
			return newAuthzUser(t, e, acct.ID, "matrix-admin", authzAdmin, "")
		},
		bucketSetup: func(t *testing.T, fx *authzFixture, cr authzCreds) { fxPolicy(t, fx, grantAll(fx.bucket, cr.arn)) },
		verdict: func(op authzOp) authzVerdict {
			if isPolicyOp(op) {
				return authzNotOwner
			}
			return authzAllowed
		},
	},
	{
		name:        "anonymousWithPublicPolicy",
		setup:       func(*testing.T, *env) authzCreds { return authzCreds{} },
		bucketSetup: publicWith(nil),
		verdict:     publicVerdict,
	},
	{
		// RestrictPublicBuckets keeps a public policy's grants to the
		// owner's account.
		name:        "anonymousRestrictPublicBuckets",
		setup:       func(*testing.T, *env) authzCreds { return authzCreds{} },
		bucketSetup: publicWith(&types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}),
		verdict:     authzAlways(authzBare),
	},
	{
		// BlockPublicPolicy refuses new public policies; the one in
		// place keeps working.
		name:        "anonymousBlockPublicPolicy",
		setup:       func(*testing.T, *env) authzCreds { return authzCreds{} },
		bucketSetup: publicWith(&types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}),
		verdict:     publicVerdict,
	},
	{
		// The ACL flags do not touch bucket policies.
		name:        "anonymousBlockPublicAcls",
		setup:       func(*testing.T, *env) authzCreds { return authzCreds{} },
		bucketSetup: publicWith(&types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true)}),
		verdict:     publicVerdict,
	},
}

func withPolicy(t *testing.T, fx *authzFixture) { fxPolicy(t, fx, ownerReads(fx.bucket)) }

var authzPolicyOps = []authzOp{
	{name: "GetBucketPolicy", action: "s3:GetBucketPolicy", setup: withPolicy,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutBucketPolicy", action: "s3:PutBucketPolicy",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(fx.bucket), Policy: aws.String(ownerReads(fx.bucket))})
			return answerOf(err)
		}},
	{name: "DeleteBucketPolicy", action: "s3:DeleteBucketPolicy", setup: withPolicy,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "GetBucketPolicyStatus", action: "s3:GetBucketPolicyStatus", setup: withPolicy,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "GetPublicAccessBlock", action: "s3:GetBucketPublicAccessBlock",
		setup: func(t *testing.T, fx *authzFixture) {
			fxBlock(t, fx, &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)})
		},
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutPublicAccessBlock", action: "s3:PutBucketPublicAccessBlock",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(fx.bucket),
				PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}})
			return answerOf(err)
		}},
	// DeletePublicAccessBlock is authorized as the Put action.
	{name: "DeletePublicAccessBlock", action: "s3:PutBucketPublicAccessBlock",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
}
