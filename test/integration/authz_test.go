package integration_test

import (
	"context"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/coffertest"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/reqid"
)

// TestAuthz_anonymousDenial pins the answer an anonymous caller reads for
// a request no policy allows: 403 AccessDenied with the bare "Access
// Denied" (AWS words its message only for callers of the owner's
// account), and the server's log line naming principal, action, resource
// and reason.
func TestAuthz_anonymousDenial(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, coffertest.WithLogger(slog.New(reqid.NewHandler(slog.NewTextHandler(&logs, nil)))))
	e.put(t, "k", []byte("secret"))
	anon := e.srv.S3(func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} })
	_, err := anon.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, "GetObject(anonymous)", err, "AccessDenied", 403)
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "Access Denied" {
		t.Errorf("message = %q, want %q", ae.ErrorMessage(), "Access Denied")
	}

	resp, err := http.Get(e.srv.URL("/" + e.bucket + "/k"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct{ Code, Message, Resource, RequestId string }
	if err := xml.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 || doc.Code != "AccessDenied" || doc.Message != "Access Denied" ||
		doc.Resource != "/"+e.bucket+"/k" || doc.RequestId == "" {
		t.Errorf("answer = %d %+v", resp.StatusCode, doc)
	}
	line := ""
	for l := range strings.SplitSeq(logs.String(), "\n") {
		if strings.Contains(l, `msg="access denied"`) {
			line = l
			break
		}
	}
	for _, want := range []string{"request_id=", "op=GetObject", "bucket=" + e.bucket, "key=k", "principal=anonymous",
		"action=s3:GetObject", "resource=arn:aws:s3:::" + e.bucket + "/k", "reason="} {
		if !strings.Contains(line, want) {
			t.Errorf("denial log line %q lacks %q", line, want)
		}
	}
}

// authzFixture is what one matrix cell's operation works on, made by the
// account root before the principal under test acts.
type authzFixture struct {
	t        *testing.T
	e        *env
	bucket   string // holds "obj", tagged color=red
	uploadID string // a multipart upload of "mp", if the operation needs one
	partETag string
}

// authzCreds are the credentials a principal of the matrix signs with;
// the zero value is an anonymous caller.
type authzCreds struct {
	accessKey, secretKey, token string
	// arn is the principal's ARN, as a worded denial names it.
	arn string
}

// client returns an SDK client signing with cr.
func (cr authzCreds) client(e *env) *s3.Client {
	return e.srv.S3(func(o *s3.Options) {
		if cr.accessKey == "" {
			o.Credentials = aws.AnonymousCredentials{}
			return
		}
		o.Credentials = awscreds.NewStaticCredentialsProvider(cr.accessKey, cr.secretKey, cr.token)
	})
}

// authzVerdict is how the server must decide a principal's request.
type authzVerdict int

const (
	authzAllowed authzVerdict = iota
	// authzNoIdentityPolicy: a caller of the bucket owner's account whose
	// identity policies allow nothing (implicit deny, explained).
	authzNoIdentityPolicy
	// authzNoSessionPolicy: the role allows it, the session policy does
	// not (implicit deny, explained).
	authzNoSessionPolicy
	// authzExplicitDeny: a Deny statement of the caller's identity policy
	// applies (explained).
	authzExplicitDeny
	// authzBare: an anonymous caller or one of another account, told
	// only "Access Denied".
	authzBare
	// authzResourceDeny: a Deny statement of the bucket policy applies
	// to a caller of the owner's account (explained).
	authzResourceDeny
	// authzNotOwner: allowed a bucket policy operation but not of the
	// bucket owner's account: 405 MethodNotAllowed.
	authzNotOwner
)

// authzPrincipal is one kind of caller of the authorization matrix. Adding
// a kind is adding a row: how its identity is made and how each operation
// must be decided for it.
type authzPrincipal struct {
	name string
	// setup creates the principal's identity through the identity store
	// and returns its credentials; nil for anonymous.
	setup func(t *testing.T, e *env) authzCreds
	// verdict says how op must be decided.
	verdict func(op authzOp) authzVerdict
	// bucketSetup, if set, gives the fixture's bucket its policy and
	// Block Public Access settings once the operation's own setup ran.
	bucketSetup func(t *testing.T, fx *authzFixture, cr authzCreds)
}

// The matrix's identities live in the first account (the buckets' owner)
// unless a row says otherwise.
const (
	authzAccount = iam.RootAccountID
	// authzAdmin is AWS's managed AdministratorAccess: Allow * on *.
	authzAdmin = "arn:aws:iam::aws:policy/AdministratorAccess"
	// authzDenyDeletes allows every S3 action but denies s3:Delete*.
	authzDenyDeletes = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Sid":"NoDeletes","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}`
	// authzReadsOnly is the session policy narrowing a role that may do
	// everything to reads.
	authzReadsOnly = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`
)

// newAuthzUser creates user name in account with an access key, attaches
// the managed policy arn and puts the inline policy doc (each if not "").
func newAuthzUser(t *testing.T, e *env, account, name, arn, doc string) authzCreds {
	t.Helper()
	store := e.srv.Identity
	u, err := store.CreateUser(ctx(t), iam.CreateUserInput{Account: account, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	ent := iam.Entity{Account: account, Kind: iam.EntityUser, Name: name}
	if arn != "" {
		if err := store.AttachPolicy(ctx(t), ent, arn); err != nil {
			t.Fatal(err)
		}
	}
	if doc != "" {
		if err := store.PutInlinePolicy(ctx(t), ent, "matrix", doc); err != nil {
			t.Fatal(err)
		}
	}
	k, secret, err := store.CreateAccessKey(ctx(t), account, name)
	if err != nil {
		t.Fatal(err)
	}
	return authzCreds{accessKey: k.AccessKeyID, secretKey: secret, arn: u.ARN}
}

func authzAlways(v authzVerdict) func(authzOp) authzVerdict {
	return func(authzOp) authzVerdict { return v }
}

var authzPrincipals = []authzPrincipal{
	{
		name: "root",
		setup: func(t *testing.T, e *env) authzCreds {
			return authzCreds{accessKey: e.srv.AccessKey, secretKey: e.srv.SecretKey, arn: "arn:aws:iam::" + authzAccount + ":root"}
		},
		verdict: authzAlways(authzAllowed),
	},
	{
		name: "adminUser",
		setup: func(t *testing.T, e *env) authzCreds {
			return newAuthzUser(t, e, authzAccount, "matrix-admin", authzAdmin, "")
		},
		verdict: authzAlways(authzAllowed),
	},
	{
		name: "userWithoutPolicy",
		setup: func(t *testing.T, e *env) authzCreds {
			return newAuthzUser(t, e, authzAccount, "matrix-nobody", "", "")
		},
		verdict: authzAlways(authzNoIdentityPolicy),
	},
	{
		name: "userWithExplicitDeny",
		setup: func(t *testing.T, e *env) authzCreds {
			return newAuthzUser(t, e, authzAccount, "matrix-nodelete", "", authzDenyDeletes)
		},
		verdict: func(op authzOp) authzVerdict {
			if strings.HasPrefix(op.action, "s3:Delete") {
				return authzExplicitDeny
			}
			return authzAllowed
		},
	},
	{
		name: "roleWithReadSessionPolicy",
		setup: func(t *testing.T, e *env) authzCreds {
			store := e.srv.Identity
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + authzAccount + `"},"Action":"sts:AssumeRole"}]}`
			if _, err := store.CreateRole(ctx(t), iam.CreateRoleInput{Account: authzAccount, Name: "matrix-role", AssumeRolePolicyDocument: trust}); err != nil {
				t.Fatal(err)
			}
			all := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
			if err := store.PutInlinePolicy(ctx(t), iam.Entity{Account: authzAccount, Kind: iam.EntityRole, Name: "matrix-role"}, "s3", all); err != nil {
				t.Fatal(err)
			}
			s, err := store.CreateSession(ctx(t), iam.SessionInput{Account: authzAccount, RoleName: "matrix-role",
				SessionName: "matrix", Duration: time.Hour, Policy: authzReadsOnly})
			if err != nil {
				t.Fatal(err)
			}
			return authzCreds{accessKey: s.AccessKeyID, secretKey: s.SecretAccessKey, token: s.SessionToken, arn: s.ARN}
		},
		verdict: func(op authzOp) authzVerdict {
			if strings.HasPrefix(op.action, "s3:Get") || strings.HasPrefix(op.action, "s3:List") {
				return authzAllowed
			}
			return authzNoSessionPolicy
		},
	},
	{
		// A user of another account with that account's administrator
		// policy: with no bucket policy on our buckets, both sides do
		// not allow, and the caller is not told why.
		name: "otherAccountAdmin",
		setup: func(t *testing.T, e *env) authzCreds {
			acct, _, _, err := e.srv.Identity.CreateAccount(ctx(t), "matrix-other")
			if err != nil {
				t.Fatal(err)
			}
			return newAuthzUser(t, e, acct.ID, "matrix-admin", authzAdmin, "")
		},
		verdict: func(op authzOp) authzVerdict {
			if op.ownAccount {
				return authzAllowed
			}
			return authzBare
		},
	},
	{
		name:    "anonymous",
		setup:   func(*testing.T, *env) authzCreds { return authzCreds{} },
		verdict: authzAlways(authzBare),
	},
}

// authzAnswer is what the caller read: the HTTP status, the S3 error
// code and message. The zero value is success.
type authzAnswer struct {
	status        int
	code, message string
}

// answerOf is the answer an SDK call's error carries.
func answerOf(err error) authzAnswer {
	if err == nil {
		return authzAnswer{}
	}
	a := authzAnswer{status: status(err), code: errCode(err)}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		a.message = ae.ErrorMessage()
	}
	return a
}

// errCode is code(err), or the error's text when it carries no S3 code.
func errCode(err error) string {
	if c := code(err); c != "" {
		return c
	}
	return err.Error()
}

// authzOp is one S3 operation coffer serves, with what it needs set up.
type authzOp struct {
	name string
	// action is the IAM action a caller allowed nothing is denied first;
	// key is the object it names ("" for the bucket).
	action, key string
	// ownAccount: the operation acts on the caller's own account
	// (ListBuckets) or names a new bucket (CreateBucket), not on the
	// fixture's bucket.
	ownAccount bool
	// head: a HEAD request, whose denial has no body to carry a code or
	// message; the SDK reports its status text, "Forbidden".
	head bool
	// perKey: the operation authorizes each key and reports a denial as
	// an entry of a 200 answer (DeleteObjects).
	perKey bool
	// allowed is the answer an authorized caller gets, zero for success.
	allowed authzAnswer
	setup   func(t *testing.T, fx *authzFixture)
	run     func(ctx context.Context, c *s3.Client, fx *authzFixture, cr authzCreds) authzAnswer
}

// resource is the ARN a worded denial of op names.
func (op authzOp) resource(fx *authzFixture) string {
	switch {
	case op.name == "CreateBucket":
		return "arn:aws:s3:::" + fx.bucket + "-new"
	case op.key != "":
		return "arn:aws:s3:::" + fx.bucket + "/" + op.key
	}
	return "arn:aws:s3:::" + fx.bucket
}

// want is the answer p must get for op, signing as cr.
func (p authzPrincipal) want(op authzOp, fx *authzFixture, cr authzCreds) authzAnswer {
	v := p.verdict(op)
	if v == authzAllowed {
		return op.allowed
	}
	if v == authzNotOwner {
		return authzAnswer{status: 405, code: "MethodNotAllowed"}
	}
	if op.head {
		return authzAnswer{status: 403, code: "Forbidden"}
	}
	a := authzAnswer{status: 403, code: "AccessDenied", message: "Access Denied"}
	if op.perKey {
		// A batch entry's code is documented; whether its message is
		// worded for callers of the owner's account is not, so it is not
		// pinned.
		return authzAnswer{status: 200, code: "AccessDenied"}
	}
	if v == authzBare {
		return a
	}
	// The S3 User Guide's "Access denied message examples".
	var reason string
	switch v {
	case authzNoIdentityPolicy:
		reason = "because no identity-based policy allows the " + op.action + " action"
	case authzNoSessionPolicy:
		reason = "because no session policy allows the " + op.action + " action"
	case authzExplicitDeny:
		reason = "with an explicit deny in an identity-based policy"
	case authzResourceDeny:
		reason = "with an explicit deny in a resource-based policy"
	}
	on := ` on resource: "` + op.resource(fx) + `"`
	if op.action == "s3:ListAllMyBuckets" {
		on = "" // an action without a resource type
	}
	a.message = "User: " + cr.arn + " is not authorized to perform: " + op.action + on + " " + reason
	return a
}

func withUpload(t *testing.T, fx *authzFixture) {
	out, err := fx.e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp")})
	if err != nil {
		t.Fatal(err)
	}
	fx.uploadID = *out.UploadId
}

func withPart(t *testing.T, fx *authzFixture) {
	withUpload(t, fx)
	out, err := fx.e.s3.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
		UploadId: aws.String(fx.uploadID), PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	if err != nil {
		t.Fatal(err)
	}
	fx.partETag = *out.ETag
}

// withLock replaces the fixture's bucket by one with Object Lock whose
// "obj" has a governance retention and a legal hold.
func withLock(t *testing.T, fx *authzFixture) {
	fx.bucket = fx.e.newLockedBucket(t)
	_, err := fx.e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
		Body: strings.NewReader("x"), ObjectLockMode: types.ObjectLockModeGovernance,
		ObjectLockRetainUntilDate: aws.Time(time.Now().Add(24 * time.Hour)), ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	if err != nil {
		t.Fatal(err)
	}
}

// postAs sends a browser POST upload of "posted" to the fixture's bucket,
// signed with cr (unsigned for anonymous).
func postAs(t *testing.T, fx *authzFixture, cr authzCreds) authzAnswer {
	pe := &env{srv: fx.e.srv, s3: fx.e.s3, bucket: fx.bucket}
	fields := []postField{{"key", "posted"}}
	if cr.accessKey != "" {
		conds := `{"key":"posted"}`
		if cr.token != "" {
			conds += `,{"x-amz-security-token":"` + cr.token + `"}`
			fields = append(fields, postField{"x-amz-security-token", cr.token})
		}
		fields = append(fields, signedPostWith(pe, policyDoc(pe.bucket, conds), cr.accessKey, cr.secretKey)...)
	}
	status, body := postObject(t, pe, fields, fileNamed, []byte("x"))
	if status < 300 {
		return authzAnswer{}
	}
	var eb struct{ Code, Message string }
	_ = xml.Unmarshal(body, &eb)
	return authzAnswer{status: status, code: eb.Code, message: eb.Message}
}

var authzOps = []authzOp{
	{name: "ListBuckets", action: "s3:ListAllMyBuckets", ownAccount: true,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
			return answerOf(err)
		}},
	{name: "CreateBucket", action: "s3:CreateBucket", ownAccount: true,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(fx.bucket + "-new")})
			return answerOf(err)
		}},
	{name: "HeadBucket", action: "s3:ListBucket", head: true,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "DeleteBucket", action: "s3:DeleteBucket", setup: func(t *testing.T, fx *authzFixture) { fx.bucket = fx.e.newBucket(t) },
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "GetBucketLocation", action: "s3:GetBucketLocation",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "GetBucketVersioning", action: "s3:GetBucketVersioning",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutBucketVersioning", action: "s3:PutBucketVersioning",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(fx.bucket),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
			return answerOf(err)
		}},
	{name: "ListObjectVersions", action: "s3:ListBucketVersions",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "GetObjectLockConfiguration", action: "s3:GetBucketObjectLockConfiguration", setup: withLock,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutObjectLockConfiguration", action: "s3:PutBucketObjectLockConfiguration", setup: withLock,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(fx.bucket),
				ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
			return answerOf(err)
		}},
	{name: "GetObjectRetention", action: "s3:GetObjectRetention", key: "obj", setup: withLock,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "PutObjectRetention", action: "s3:PutObjectRetention", key: "obj", setup: withLock,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(48 * time.Hour))}})
			return answerOf(err)
		}},
	{name: "GetObjectLegalHold", action: "s3:GetObjectLegalHold", key: "obj", setup: withLock,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "PutObjectLegalHold", action: "s3:PutObjectLegalHold", key: "obj", setup: withLock,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
				LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}})
			return answerOf(err)
		}},
	{name: "PutObject", action: "s3:PutObject", key: "new",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("new"), Body: strings.NewReader("x")})
			return answerOf(err)
		}},
	{name: "GetObject", action: "s3:GetObject", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			if err == nil {
				out.Body.Close()
			}
			return answerOf(err)
		}},
	{name: "HeadObject", action: "s3:GetObject", key: "obj", head: true,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "DeleteObject", action: "s3:DeleteObject", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "DeleteObjects", action: "s3:DeleteObject", key: "obj", perKey: true,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(fx.bucket),
				Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("obj")}}}})
			if err == nil && len(out.Errors) > 0 {
				return authzAnswer{status: 200, code: aws.ToString(out.Errors[0].Code), message: aws.ToString(out.Errors[0].Message)}
			}
			return answerOf(err)
		}},
	{name: "GetObjectAttributes", action: "s3:GetObjectAttributes", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
				ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}})
			return answerOf(err)
		}},
	{name: "CopyObject", action: "s3:PutObject", key: "copy", // the destination is authorized first
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("copy"), CopySource: aws.String(fx.bucket + "/obj")})
			return answerOf(err)
		}},
	{name: "GetObjectTagging", action: "s3:GetObjectTagging", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "PutObjectTagging", action: "s3:PutObjectTagging", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
				Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("color"), Value: aws.String("blue")}}}})
			return answerOf(err)
		}},
	{name: "DeleteObjectTagging", action: "s3:DeleteObjectTagging", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "PutBucketTagging", action: "s3:PutBucketTagging",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(fx.bucket),
				Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}})
			return answerOf(err)
		}},
	{name: "GetBucketTagging", action: "s3:GetBucketTagging", setup: func(t *testing.T, fx *authzFixture) {
		_, err := fx.e.s3.PutBucketTagging(ctx(t), &s3.PutBucketTaggingInput{Bucket: aws.String(fx.bucket),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}})
		if err != nil {
			t.Fatal(err)
		}
	}, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
		_, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(fx.bucket)})
		return answerOf(err)
	}},
	// AWS has no Delete actions for bucket tags and CORS: the deletes
	// are authorized as the Puts.
	{name: "DeleteBucketTagging", action: "s3:PutBucketTagging",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutBucketCors", action: "s3:PutBucketCORS",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(fx.bucket), CORSConfiguration: corsAnyGet})
			return answerOf(err)
		}},
	{name: "GetBucketCors", action: "s3:GetBucketCORS", setup: func(t *testing.T, fx *authzFixture) {
		if _, err := fx.e.s3.PutBucketCors(ctx(t), &s3.PutBucketCorsInput{Bucket: aws.String(fx.bucket), CORSConfiguration: corsAnyGet}); err != nil {
			t.Fatal(err)
		}
	}, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
		_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(fx.bucket)})
		return answerOf(err)
	}},
	{name: "DeleteBucketCors", action: "s3:PutBucketCORS",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	// DeleteBucketEncryption is authorized as s3:PutEncryptionConfiguration.
	{name: "PutBucketEncryption", action: "s3:PutEncryptionConfiguration",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(fx.bucket),
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{
					{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}}}})
			return answerOf(err)
		}},
	{name: "GetBucketEncryption", action: "s3:GetEncryptionConfiguration",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "DeleteBucketEncryption", action: "s3:PutEncryptionConfiguration",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "GetBucketAcl", action: "s3:GetBucketAcl",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutBucketAcl", action: "s3:PutBucketAcl",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(fx.bucket), ACL: types.BucketCannedACLPrivate})
			return answerOf(err)
		}},
	{name: "GetObjectAcl", action: "s3:GetObjectAcl", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
			return answerOf(err)
		}},
	{name: "PutObjectAcl", action: "s3:PutObjectAcl", key: "obj",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"), ACL: types.ObjectCannedACLBucketOwnerFullControl})
			return answerOf(err)
		}},
	{name: "GetBucketOwnershipControls", action: "s3:GetBucketOwnershipControls",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "PutBucketOwnershipControls", action: "s3:PutBucketOwnershipControls",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(fx.bucket),
				OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
			return answerOf(err)
		}},
	{name: "DeleteBucketOwnershipControls", action: "s3:PutBucketOwnershipControls",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "ListObjects", action: "s3:ListBucket",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "ListObjectsV2", action: "s3:ListBucket",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "CreateMultipartUpload", action: "s3:PutObject", key: "mp",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp")})
			return answerOf(err)
		}},
	{name: "UploadPart", action: "s3:PutObject", key: "mp", setup: withUpload,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
				UploadId: aws.String(fx.uploadID), PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
			return answerOf(err)
		}},
	{name: "UploadPartCopy", action: "s3:PutObject", key: "mp", setup: withUpload,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
				UploadId: aws.String(fx.uploadID), PartNumber: aws.Int32(1), CopySource: aws.String(fx.bucket + "/obj")})
			return answerOf(err)
		}},
	{name: "CompleteMultipartUpload", action: "s3:PutObject", key: "mp", setup: withPart,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
				UploadId: aws.String(fx.uploadID), MultipartUpload: &types.CompletedMultipartUpload{
					Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: aws.String(fx.partETag)}}}})
			return answerOf(err)
		}},
	{name: "AbortMultipartUpload", action: "s3:AbortMultipartUpload", key: "mp", setup: withUpload,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"), UploadId: aws.String(fx.uploadID)})
			return answerOf(err)
		}},
	{name: "ListParts", action: "s3:ListMultipartUploadParts", key: "mp", setup: withPart,
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"), UploadId: aws.String(fx.uploadID)})
			return answerOf(err)
		}},
	{name: "ListMultipartUploads", action: "s3:ListBucketMultipartUploads",
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(fx.bucket)})
			return answerOf(err)
		}},
	{name: "SelectObjectContent", action: "s3:GetObject", key: "obj",
		// S3 Select is closed to new callers (see select.go), after
		// authorization.
		allowed: authzAnswer{status: 405, code: "MethodNotAllowed"},
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzCreds) authzAnswer {
			_, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{
				Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
				Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
				InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
				OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
			})
			return answerOf(err)
		}},
	{name: "PostObject", action: "s3:PutObject", key: "posted",
		run: func(ctx context.Context, _ *s3.Client, fx *authzFixture, cr authzCreds) authzAnswer {
			return postAs(fx.t, fx, cr)
		}},
}

var corsAnyGet = &types.CORSConfiguration{CORSRules: []types.CORSRule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}}}

// TestAuthz_matrix runs every S3 operation coffer serves, and the browser
// POST upload, as every kind of principal in authzPrincipals, on one
// server, and checks each answer's status, code and message against the
// principal's verdict.
func TestAuthz_matrix(t *testing.T) {
	e := newEnv(t)
	for _, p := range authzPrincipals {
		cr := p.setup(t, e)
		c := cr.client(e)
		for _, op := range authzOps {
			t.Run(p.name+"/"+op.name, func(t *testing.T) {
				fx := &authzFixture{t: t, e: e, bucket: e.newBucket(t)}
				_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
					Body: strings.NewReader("a,b\n1,2\n"), Tagging: aws.String("color=red")})
				if err != nil {
					t.Fatal(err)
				}
				if op.setup != nil {
					op.setup(t, fx)
				}
				if p.bucketSetup != nil {
					p.bucketSetup(t, fx, cr)
				}
				got, want := op.run(ctx(t), c, fx, cr), p.want(op, fx, cr)
				if got.status != want.status || got.code != want.code || (want.message != "" && got.message != want.message) {
					t.Errorf("%s as %s = %d %s %q\nwant %d %s %q", op.name, p.name, got.status, got.code, got.message,
						want.status, want.code, want.message)
				}
			})
		}
	}
}
