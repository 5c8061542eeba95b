package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/object"
)

// Objects is what the S3 handlers need from the object service. It is
// satisfied by *object.Service; handlers depend on this narrow view so that
// the wire layer can be tested on its own.
type Objects interface {
	BucketConfigs
	BucketLifecycles
	AccessConfigs
	ACLs
	CreateBucket(ctx context.Context, in object.CreateBucketInput) (object.Bucket, error)
	HeadBucket(ctx context.Context, name string) (object.Bucket, error)
	DeleteBucket(ctx context.Context, name string) error
	ListBuckets(ctx context.Context, in object.ListBucketsInput) (*object.ListBucketsOutput, error)
	PutVersioning(ctx context.Context, in object.VersioningInput) error
	GetVersioning(ctx context.Context, bucket string) (object.VersioningConfig, error)

	PutObject(ctx context.Context, in object.PutInput) (object.ObjectInfo, error)
	GetObject(ctx context.Context, in object.GetInput) (*object.GetOutput, error)
	HeadObject(ctx context.Context, in object.GetInput) (*object.GetOutput, error)
	DeleteObject(ctx context.Context, in object.DeleteInput) (object.DeleteOutput, error)
	DeleteObjects(ctx context.Context, bucket string, ids []object.ObjectID) ([]object.DeleteResult, error)
	DeleteVersions(ctx context.Context, in object.DeleteObjectsInput) ([]object.DeleteResult, error)
	CopyObject(ctx context.Context, in object.CopyInput) (*object.CopyOutput, error)
	GetObjectAttributes(ctx context.Context, in object.AttributesInput) (*object.AttributesOutput, error)

	GetObjectTagging(ctx context.Context, bucket, key, versionID string) ([]object.Tag, string, error)
	PutObjectTagging(ctx context.Context, bucket, key, versionID string, tags []object.Tag) (string, error)
	DeleteObjectTagging(ctx context.Context, bucket, key, versionID string) (string, error)

	ListObjects(ctx context.Context, in object.ListInput) (*object.ListOutput, error)
	ListObjectVersions(ctx context.Context, in object.ListVersionsInput) (*object.ListVersionsOutput, error)

	PutObjectLockConfiguration(ctx context.Context, bucket string, cfg object.ObjectLockConfig) error
	GetObjectLockConfiguration(ctx context.Context, bucket string) (object.ObjectLockConfig, error)
	PutObjectRetention(ctx context.Context, in object.PutRetentionInput) (string, error)
	GetObjectRetention(ctx context.Context, bucket, key, versionID string) (object.Lock, error)
	PutObjectLegalHold(ctx context.Context, bucket, key, versionID string, on bool) (string, error)
	GetObjectLegalHold(ctx context.Context, bucket, key, versionID string) (bool, error)
	RestoreObject(ctx context.Context, in object.RestoreInput) (object.RestoreOutput, error)

	CreateMultipartUpload(ctx context.Context, in object.CreateUploadInput) (object.Upload, error)
	UploadPart(ctx context.Context, in object.UploadPartInput) (object.Part, error)
	UploadPartCopy(ctx context.Context, in object.UploadPartCopyInput) (object.Part, string, error)
	CompleteMultipartUpload(ctx context.Context, in object.CompleteInput) (object.ObjectInfo, error)
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	ListParts(ctx context.Context, in object.ListPartsInput) (*object.ListPartsOutput, error)
	ListMultipartUploads(ctx context.Context, in object.ListUploadsInput) (*object.ListUploadsOutput, error)
}
