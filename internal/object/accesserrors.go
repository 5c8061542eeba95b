package object

import "errors"

// Errors of bucket policies and Block Public Access.
var (
	// ErrNoSuchBucketPolicy: the bucket has no policy (S3
	// NoSuchBucketPolicy).
	ErrNoSuchBucketPolicy = errors.New("object: bucket has no policy")
	// ErrNoSuchPublicAccessBlock: the bucket or account has no Block
	// Public Access configuration (S3 NoSuchPublicAccessBlockConfiguration).
	ErrNoSuchPublicAccessBlock = errors.New("object: no public access block configuration")
	// ErrPublicPolicyBlocked: BlockPublicPolicy refuses a public bucket
	// policy (S3 answers AccessDenied).
	ErrPublicPolicyBlocked = errors.New("object: public policies are blocked")
)
