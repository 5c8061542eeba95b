package policy

// resourceType is a set of resource types an S3 action applies to.
type resourceType int

const (
	onBucket  resourceType = 1 << iota // arn:aws:s3:::bucket
	onObject                           // arn:aws:s3:::bucket/key
	onAccount                          // no bucket or object (account-level)
)

// s3Actions lists the actions of the Service Authorization Reference's
// "Actions defined by Amazon S3" a bucket policy may name, with the
// resource type each applies to.
var s3Actions = map[string]resourceType{
	// Objects.
	"AbortMultipartUpload": onObject, "BypassGovernanceRetention": onObject,
	"DeleteObject": onObject, "DeleteObjectTagging": onObject, "DeleteObjectVersion": onObject,
	"DeleteObjectVersionTagging": onObject, "GetObject": onObject, "GetObjectAcl": onObject,
	"GetObjectAttributes": onObject, "GetObjectLegalHold": onObject, "GetObjectRetention": onObject,
	"GetObjectTagging": onObject, "GetObjectTorrent": onObject, "GetObjectVersion": onObject,
	"GetObjectVersionAcl": onObject, "GetObjectVersionAttributes": onObject,
	"GetObjectVersionForReplication": onObject, "GetObjectVersionTagging": onObject,
	"GetObjectVersionTorrent": onObject, "InitiateReplication": onObject,
	"ListMultipartUploadParts": onObject, "ObjectOwnerOverrideToBucketOwner": onObject,
	"PutObject": onObject, "PutObjectAcl": onObject, "PutObjectLegalHold": onObject,
	"PutObjectRetention": onObject, "PutObjectTagging": onObject, "PutObjectVersionAcl": onObject,
	"PutObjectVersionTagging": onObject, "ReplicateDelete": onObject, "ReplicateObject": onObject,
	"ReplicateTags": onObject, "RestoreObject": onObject,

	// Buckets.
	"CreateBucket": onBucket, "DeleteBucket": onBucket, "DeleteBucketOwnershipControls": onBucket,
	"DeleteBucketPolicy": onBucket, "DeleteBucketWebsite": onBucket,
	"GetAccelerateConfiguration": onBucket, "GetAnalyticsConfiguration": onBucket,
	"GetBucketAcl": onBucket, "GetBucketCORS": onBucket, "GetBucketLocation": onBucket,
	"GetBucketLogging": onBucket, "GetBucketNotification": onBucket,
	"GetBucketObjectLockConfiguration": onBucket, "GetBucketOwnershipControls": onBucket,
	"GetBucketPolicy": onBucket, "GetBucketPolicyStatus": onBucket,
	"GetBucketPublicAccessBlock": onBucket, "GetBucketRequestPayment": onBucket,
	"GetBucketTagging": onBucket, "GetBucketVersioning": onBucket, "GetBucketWebsite": onBucket,
	"GetEncryptionConfiguration": onBucket, "GetIntelligentTieringConfiguration": onBucket,
	"GetInventoryConfiguration": onBucket, "GetLifecycleConfiguration": onBucket,
	"GetMetricsConfiguration": onBucket, "GetReplicationConfiguration": onBucket,
	"ListBucket": onBucket, "ListBucketMultipartUploads": onBucket, "ListBucketVersions": onBucket,
	"PutAccelerateConfiguration": onBucket, "PutAnalyticsConfiguration": onBucket,
	"PutBucketAcl": onBucket, "PutBucketCORS": onBucket, "PutBucketLogging": onBucket,
	"PutBucketNotification": onBucket, "PutBucketObjectLockConfiguration": onBucket,
	"PutBucketOwnershipControls": onBucket, "PutBucketPolicy": onBucket,
	"PutBucketPublicAccessBlock": onBucket, "PutBucketRequestPayment": onBucket,
	"PutBucketTagging": onBucket, "PutBucketVersioning": onBucket, "PutBucketWebsite": onBucket,
	"PutEncryptionConfiguration": onBucket, "PutIntelligentTieringConfiguration": onBucket,
	"PutInventoryConfiguration": onBucket, "PutLifecycleConfiguration": onBucket,
	"PutMetricsConfiguration": onBucket, "PutReplicationConfiguration": onBucket,

	// The account (no resource type in a bucket).
	"GetAccountPublicAccessBlock": onAccount, "ListAllMyBuckets": onAccount,
	"PutAccountPublicAccessBlock": onAccount,
}
