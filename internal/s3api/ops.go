package s3api

import "net/http"

// opSpec is what the pipeline needs to know about an operation.
type opSpec struct {
	// action is the IAM action authorized on the route's bucket and key
	// before serve runs. Empty means serve authorizes per resource itself
	// (DeleteObjects asks once per key, as S3 does).
	action string
	// versionAction, if set, replaces action when the request names a
	// version (?versionId=), as AWS authorizes those requests.
	versionAction string
	// copySource: the request names a source object in
	// x-amz-copy-source, which also needs s3:GetObject.
	copySource bool
	// also, if set, is a second action the request needs on the same
	// resource (alsoVersion when it names a version): GetObjectAttributes
	// needs s3:GetObject besides s3:GetObjectAttributes.
	also, alsoVersion string
	// upload: the request writes a new object whose encryption its
	// headers may choose, so the bucket's BlockedEncryptionTypes are
	// checked first (checkBlockedEncryption).
	upload bool
	// bodyKeys: the operation's condition keys come from its body
	// (PutObjectRetention's retention, CreateBucket's location), so serve
	// parses the body and then calls authorizeRoute itself.
	bodyKeys bool
	serve    func(h *Handler, w http.ResponseWriter, req *request) error
}

// ops maps every implemented operation to its IAM action and handler.
// The IAM action names are AWS's; bucket policies will refer to them.
var ops = map[Operation]opSpec{
	OpListBuckets:       {action: "s3:ListAllMyBuckets", serve: (*Handler).listBuckets},
	OpCreateBucket:      {action: "s3:CreateBucket", bodyKeys: true, serve: (*Handler).createBucket},
	OpHeadBucket:        {action: "s3:ListBucket", serve: (*Handler).headBucket},
	OpDeleteBucket:      {action: "s3:DeleteBucket", serve: (*Handler).deleteBucket},
	OpGetBucketLocation: {action: "s3:GetBucketLocation", serve: (*Handler).getBucketLocation},

	OpGetBucketVersioning: {action: "s3:GetBucketVersioning", serve: (*Handler).getBucketVersioning},
	OpPutBucketVersioning: {action: "s3:PutBucketVersioning", serve: (*Handler).putBucketVersioning},
	OpListObjectVersions:  {action: "s3:ListBucketVersions", serve: (*Handler).listObjectVersions},

	OpGetObjectLockConfig: {action: "s3:GetBucketObjectLockConfiguration", serve: (*Handler).getObjectLockConfig},
	OpPutObjectLockConfig: {action: "s3:PutBucketObjectLockConfiguration", serve: (*Handler).putObjectLockConfig},
	OpGetObjectRetention:  {action: "s3:GetObjectRetention", serve: (*Handler).getObjectRetention},
	OpPutObjectRetention:  {action: "s3:PutObjectRetention", bodyKeys: true, serve: (*Handler).putObjectRetention},
	OpGetObjectLegalHold:  {action: "s3:GetObjectLegalHold", serve: (*Handler).getObjectLegalHold},
	OpPutObjectLegalHold:  {action: "s3:PutObjectLegalHold", bodyKeys: true, serve: (*Handler).putObjectLegalHold},

	OpPutObject:     {action: "s3:PutObject", upload: true, serve: (*Handler).putObject},
	OpGetObject:     {action: "s3:GetObject", versionAction: "s3:GetObjectVersion", serve: (*Handler).getObject},
	OpHeadObject:    {action: "s3:GetObject", versionAction: "s3:GetObjectVersion", serve: (*Handler).headObject},
	OpDeleteObject:  {action: "s3:DeleteObject", versionAction: "s3:DeleteObjectVersion", serve: (*Handler).deleteObject},
	OpDeleteObjects: {serve: (*Handler).deleteObjects},

	// "If you pass a version ID in your request, you need both the
	// s3:GetObjectVersion and s3:GetObjectVersionAttributes permissions.
	// If you do not pass a version ID, you need the s3:GetObject and
	// s3:GetObjectAttributes permissions." (GetObjectAttributes, API
	// Reference)
	OpGetObjectAttributes: {action: "s3:GetObjectAttributes", versionAction: "s3:GetObjectVersionAttributes",
		also: "s3:GetObject", alsoVersion: "s3:GetObjectVersion", serve: (*Handler).getObjectAttributes},
	OpCopyObject: {action: "s3:PutObject", copySource: true, upload: true, serve: (*Handler).copyObject},

	OpGetObjectTagging:    {action: "s3:GetObjectTagging", versionAction: "s3:GetObjectVersionTagging", serve: (*Handler).getObjectTagging},
	OpPutObjectTagging:    {action: "s3:PutObjectTagging", versionAction: "s3:PutObjectVersionTagging", bodyKeys: true, serve: (*Handler).putObjectTagging},
	OpDeleteObjectTagging: {action: "s3:DeleteObjectTagging", versionAction: "s3:DeleteObjectVersionTagging", serve: (*Handler).deleteObjectTagging},

	// DeleteBucketTagging and DeleteBucketCors are authorized as the Put
	// actions: AWS has no Delete actions for them.
	OpGetBucketTagging:    {action: "s3:GetBucketTagging", serve: (*Handler).getBucketTagging},
	OpPutBucketTagging:    {action: "s3:PutBucketTagging", serve: (*Handler).putBucketTagging},
	OpDeleteBucketTagging: {action: "s3:PutBucketTagging", serve: (*Handler).deleteBucketTagging},
	OpGetBucketCors:       {action: "s3:GetBucketCORS", serve: (*Handler).getBucketCors},
	OpPutBucketCors:       {action: "s3:PutBucketCORS", serve: (*Handler).putBucketCors},
	OpDeleteBucketCors:    {action: "s3:PutBucketCORS", serve: (*Handler).deleteBucketCors},
	// DeleteBucketEncryption is authorized as s3:PutEncryptionConfiguration,
	// as AWS documents.
	OpGetBucketEncryption:    {action: "s3:GetEncryptionConfiguration", serve: (*Handler).getBucketEncryption},
	OpPutBucketEncryption:    {action: "s3:PutEncryptionConfiguration", serve: (*Handler).putBucketEncryption},
	OpDeleteBucketEncryption: {action: "s3:PutEncryptionConfiguration", serve: (*Handler).deleteBucketEncryption},

	// DeleteBucketLifecycle is authorized as s3:PutLifecycleConfiguration,
	// as AWS documents; the older GetBucketLifecycle/PutBucketLifecycle
	// share these routes and actions.
	OpGetBucketLifecycle:    {action: "s3:GetLifecycleConfiguration", serve: (*Handler).getBucketLifecycle},
	OpPutBucketLifecycle:    {action: "s3:PutLifecycleConfiguration", serve: (*Handler).putBucketLifecycle},
	OpDeleteBucketLifecycle: {action: "s3:PutLifecycleConfiguration", serve: (*Handler).deleteBucketLifecycle},

	// DeletePublicAccessBlock is authorized as the Put action (S3 API
	// Reference); the account operations likewise.
	OpGetBucketPolicy:         {action: "s3:GetBucketPolicy", serve: (*Handler).getBucketPolicy},
	OpPutBucketPolicy:         {action: "s3:PutBucketPolicy", serve: (*Handler).putBucketPolicy},
	OpDeleteBucketPolicy:      {action: "s3:DeleteBucketPolicy", serve: (*Handler).deleteBucketPolicy},
	OpGetBucketPolicyStatus:   {action: "s3:GetBucketPolicyStatus", serve: (*Handler).getBucketPolicyStatus},
	OpGetPublicAccessBlock:    {action: "s3:GetBucketPublicAccessBlock", serve: (*Handler).getPublicAccessBlock},
	OpPutPublicAccessBlock:    {action: "s3:PutBucketPublicAccessBlock", serve: (*Handler).putPublicAccessBlock},
	OpDeletePublicAccessBlock: {action: "s3:PutBucketPublicAccessBlock", serve: (*Handler).deletePublicAccessBlock},

	OpGetAccountPublicAccessBlock:    {action: "s3:GetAccountPublicAccessBlock", serve: (*Handler).getAccountPublicAccessBlock},
	OpPutAccountPublicAccessBlock:    {action: "s3:PutAccountPublicAccessBlock", serve: (*Handler).putAccountPublicAccessBlock},
	OpDeleteAccountPublicAccessBlock: {action: "s3:PutAccountPublicAccessBlock", serve: (*Handler).deleteAccountPublicAccessBlock},

	OpGetBucketAcl: {action: "s3:GetBucketAcl", serve: (*Handler).getBucketACL},
	OpPutBucketAcl: {action: "s3:PutBucketAcl", serve: (*Handler).putBucketACL},
	OpGetObjectAcl: {action: "s3:GetObjectAcl", versionAction: "s3:GetObjectVersionAcl", serve: (*Handler).getObjectACL},
	OpPutObjectAcl: {action: "s3:PutObjectAcl", versionAction: "s3:PutObjectVersionAcl", serve: (*Handler).putObjectACL},
	// DeleteBucketOwnershipControls is authorized as the Put action:
	// AWS has no Delete action for it.
	OpGetBucketOwnershipControls:    {action: "s3:GetBucketOwnershipControls", serve: (*Handler).getBucketOwnershipControls},
	OpPutBucketOwnershipControls:    {action: "s3:PutBucketOwnershipControls", serve: (*Handler).putBucketOwnershipControls},
	OpDeleteBucketOwnershipControls: {action: "s3:PutBucketOwnershipControls", serve: (*Handler).deleteBucketOwnershipControls},

	OpListObjects:   {action: "s3:ListBucket", serve: (*Handler).listObjectsV1},
	OpListObjectsV2: {action: "s3:ListBucket", serve: (*Handler).listObjectsV2},

	OpCreateMultipartUpload:   {action: "s3:PutObject", upload: true, serve: (*Handler).createMultipartUpload},
	OpUploadPart:              {action: "s3:PutObject", serve: (*Handler).uploadPart},
	OpUploadPartCopy:          {action: "s3:PutObject", copySource: true, serve: (*Handler).uploadPartCopy},
	OpCompleteMultipartUpload: {action: "s3:PutObject", serve: (*Handler).completeMultipartUpload},
	OpAbortMultipartUpload:    {action: "s3:AbortMultipartUpload", serve: (*Handler).abortMultipartUpload},
	OpListParts:               {action: "s3:ListMultipartUploadParts", serve: (*Handler).listParts},
	OpListMultipartUploads:    {action: "s3:ListBucketMultipartUploads", serve: (*Handler).listMultipartUploads},

	OpSelectObjectContent: {action: "s3:GetObject", serve: (*Handler).selectObjectContent},
	// RestoreObject is s3:RestoreObject with or without a versionId.
	OpRestoreObject: {action: "s3:RestoreObject", serve: (*Handler).restoreObject},
}
