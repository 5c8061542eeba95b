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
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/coffertest"
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
	e        *env
	bucket   string // holds "obj", tagged color=red
	uploadID string // a multipart upload of "mp", if the operation needs one
	partETag string
}

// authzPrincipal is one kind of caller of the authorization matrix. Adding
// a kind (a user with AdministratorAccess, a user with no policy, an
// assumed role with a narrowing session policy, a user of another
// account) is adding a row: how to get its client, how it signs a POST
// form, and the answer it must get for each operation.
type authzPrincipal struct {
	name   string
	client func(e *env) *s3.Client
	// postFields signs a POST form for the bucket, or nil to send it
	// unsigned.
	postFields func(e *env, bucket string) []postField
	// want is the S3 error code the principal must get for op, "" for
	// success.
	want func(op string) string
}

var authzPrincipals = []authzPrincipal{
	{
		name:   "root",
		client: func(e *env) *s3.Client { return e.s3 },
		postFields: func(e *env, bucket string) []postField {
			return signedPost(e, policyDoc(bucket, `{"key":"posted"}`))
		},
		want: func(op string) string {
			if op == "SelectObjectContent" {
				return "MethodNotAllowed" // S3 Select is closed; see select.go
			}
			return ""
		},
	},
	{
		name: "anonymous",
		client: func(e *env) *s3.Client {
			return e.srv.S3(func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} })
		},
		want: func(op string) string {
			if strings.HasPrefix(op, "Head") {
				// A HEAD answer has no body: the SDK reports the 403
				// by its status text.
				return "Forbidden"
			}
			return "AccessDenied"
		},
	},
}

// authzOp is one S3 operation coffer serves, with what it needs set up.
type authzOp struct {
	name  string
	setup func(t *testing.T, fx *authzFixture)
	// run performs the operation as c and returns its S3 error code, ""
	// on success.
	run func(ctx context.Context, c *s3.Client, fx *authzFixture, p authzPrincipal) string
}

// errCode is code(err), "" for nil.
func errCode(err error) string {
	if err == nil {
		return ""
	}
	if c := code(err); c != "" {
		return c
	}
	return err.Error()
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

var authzOps = []authzOp{
	{name: "ListBuckets", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		return errCode(err)
	}},
	{name: "CreateBucket", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(fx.bucket + "-new")})
		return errCode(err)
	}},
	{name: "HeadBucket", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "DeleteBucket", setup: func(t *testing.T, fx *authzFixture) { fx.bucket = fx.e.newBucket(t) },
		run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
			_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(fx.bucket)})
			return errCode(err)
		}},
	{name: "GetBucketLocation", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "GetBucketVersioning", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "PutBucketVersioning", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(fx.bucket),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		return errCode(err)
	}},
	{name: "ListObjectVersions", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "GetObjectLockConfiguration", setup: withLock, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "PutObjectLockConfiguration", setup: withLock, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(fx.bucket),
			ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
		return errCode(err)
	}},
	{name: "GetObjectRetention", setup: withLock, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		return errCode(err)
	}},
	{name: "PutObjectRetention", setup: withLock, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(48 * time.Hour))}})
		return errCode(err)
	}},
	{name: "GetObjectLegalHold", setup: withLock, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		return errCode(err)
	}},
	{name: "PutObjectLegalHold", setup: withLock, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
			LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}})
		return errCode(err)
	}},
	{name: "PutObject", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("new"), Body: strings.NewReader("x")})
		return errCode(err)
	}},
	{name: "GetObject", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		if err == nil {
			out.Body.Close()
		}
		return errCode(err)
	}},
	{name: "HeadObject", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		return errCode(err)
	}},
	{name: "DeleteObject", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		return errCode(err)
	}},
	{name: "DeleteObjects", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		// S3 authorizes each key on its own: a denied key is an entry
		// of the 200 answer.
		out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(fx.bucket),
			Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("obj")}}}})
		if err == nil && len(out.Errors) > 0 {
			return aws.ToString(out.Errors[0].Code)
		}
		return errCode(err)
	}},
	{name: "GetObjectAttributes", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
			ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}})
		return errCode(err)
	}},
	{name: "CopyObject", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("copy"), CopySource: aws.String(fx.bucket + "/obj")})
		return errCode(err)
	}},
	{name: "GetObjectTagging", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		return errCode(err)
	}},
	{name: "PutObjectTagging", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("color"), Value: aws.String("blue")}}}})
		return errCode(err)
	}},
	{name: "DeleteObjectTagging", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj")})
		return errCode(err)
	}},
	{name: "PutBucketTagging", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(fx.bucket),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}})
		return errCode(err)
	}},
	{name: "GetBucketTagging", setup: func(t *testing.T, fx *authzFixture) {
		_, err := fx.e.s3.PutBucketTagging(ctx(t), &s3.PutBucketTaggingInput{Bucket: aws.String(fx.bucket),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}})
		if err != nil {
			t.Fatal(err)
		}
	}, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "DeleteBucketTagging", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "PutBucketCors", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(fx.bucket), CORSConfiguration: corsAnyGet})
		return errCode(err)
	}},
	{name: "GetBucketCors", setup: func(t *testing.T, fx *authzFixture) {
		if _, err := fx.e.s3.PutBucketCors(ctx(t), &s3.PutBucketCorsInput{Bucket: aws.String(fx.bucket), CORSConfiguration: corsAnyGet}); err != nil {
			t.Fatal(err)
		}
	}, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "DeleteBucketCors", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "ListObjects", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "ListObjectsV2", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "CreateMultipartUpload", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp")})
		return errCode(err)
	}},
	{name: "UploadPart", setup: withUpload, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
			UploadId: aws.String(fx.uploadID), PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
		return errCode(err)
	}},
	{name: "UploadPartCopy", setup: withUpload, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
			UploadId: aws.String(fx.uploadID), PartNumber: aws.Int32(1), CopySource: aws.String(fx.bucket + "/obj")})
		return errCode(err)
	}},
	{name: "CompleteMultipartUpload", setup: withPart, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"),
			UploadId: aws.String(fx.uploadID), MultipartUpload: &types.CompletedMultipartUpload{
				Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: aws.String(fx.partETag)}}}})
		return errCode(err)
	}},
	{name: "AbortMultipartUpload", setup: withUpload, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"), UploadId: aws.String(fx.uploadID)})
		return errCode(err)
	}},
	{name: "ListParts", setup: withPart, run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(fx.bucket), Key: aws.String("mp"), UploadId: aws.String(fx.uploadID)})
		return errCode(err)
	}},
	{name: "ListMultipartUploads", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(fx.bucket)})
		return errCode(err)
	}},
	{name: "SelectObjectContent", run: func(ctx context.Context, c *s3.Client, fx *authzFixture, _ authzPrincipal) string {
		_, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{
			Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
			Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
			InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
			OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
		})
		return errCode(err)
	}},
}

var corsAnyGet = &types.CORSConfiguration{CORSRules: []types.CORSRule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}}}

// TestAuthz_matrix runs every S3 operation coffer serves as every kind of
// principal in authzPrincipals and checks each answer, then the browser
// POST upload.
func TestAuthz_matrix(t *testing.T) {
	e := newEnv(t)
	for _, p := range authzPrincipals {
		c := p.client(e)
		for _, op := range authzOps {
			t.Run(p.name+"/"+op.name, func(t *testing.T) {
				fx := &authzFixture{e: e, bucket: e.newBucket(t)}
				_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(fx.bucket), Key: aws.String("obj"),
					Body: strings.NewReader("a,b\n1,2\n"), Tagging: aws.String("color=red")})
				if err != nil {
					t.Fatal(err)
				}
				if op.setup != nil {
					op.setup(t, fx)
				}
				got, want := op.run(ctx(t), c, fx, p), p.want(op.name)
				if got != want {
					t.Errorf("%s as %s = %q, want %q", op.name, p.name, got, want)
				}
			})
		}
		t.Run(p.name+"/PostObject", func(t *testing.T) {
			pe := &env{srv: e.srv, s3: e.s3, bucket: e.newBucket(t)}
			fields := []postField{{"key", "posted"}}
			if p.postFields != nil {
				fields = append(fields, p.postFields(pe, pe.bucket)...)
			}
			status, body := postObject(t, pe, fields, fileNamed, []byte("x"))
			got := ""
			if status >= 300 {
				var eb struct{ Code string }
				_ = xml.Unmarshal(body, &eb)
				got = eb.Code
			}
			if want := p.want("PostObject"); got != want {
				t.Errorf("PostObject as %s = %d %q, want %q", p.name, status, got, want)
			}
		})
	}
}
