package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/object"
)

// bucketConfigCall records a call of the bucket configuration methods.
type bucketConfigCall struct {
	Op     string
	Bucket string
	Tags   []object.Tag
	CORS   *cors.Config
}

func (f *fakeObjects) PutBucketTagging(_ context.Context, bucket string, tags []object.Tag) error {
	f.record(bucketConfigCall{Op: "PutBucketTagging", Bucket: bucket, Tags: tags})
	return f.err
}

func (f *fakeObjects) GetBucketTagging(_ context.Context, bucket string) ([]object.Tag, error) {
	f.record(bucketConfigCall{Op: "GetBucketTagging", Bucket: bucket})
	return f.tags, f.err
}

func (f *fakeObjects) DeleteBucketTagging(_ context.Context, bucket string) error {
	f.record(bucketConfigCall{Op: "DeleteBucketTagging", Bucket: bucket})
	return f.err
}

func (f *fakeObjects) PutBucketCORS(_ context.Context, bucket string, cfg cors.Config) error {
	f.record(bucketConfigCall{Op: "PutBucketCORS", Bucket: bucket, CORS: &cfg})
	return f.err
}

func (f *fakeObjects) GetBucketCORS(_ context.Context, bucket string) (cors.Config, error) {
	f.record(bucketConfigCall{Op: "GetBucketCORS", Bucket: bucket})
	if f.err != nil {
		return cors.Config{}, f.err
	}
	if f.corsCfg == nil {
		return cors.Config{}, object.ErrNoSuchCORSConfiguration
	}
	return f.corsCfg.Clone(), nil
}

func (f *fakeObjects) DeleteBucketCORS(_ context.Context, bucket string) error {
	f.record(bucketConfigCall{Op: "DeleteBucketCORS", Bucket: bucket})
	return f.err
}

// BucketCORS is not recorded: every request with an Origin header asks.
func (f *fakeObjects) BucketCORS(_ context.Context, bucket string) (*cors.Config, error) {
	if f.err != nil {
		return nil, f.err
	}
	if bucket == "nosuchbucket" {
		return nil, object.ErrNoSuchBucket
	}
	return f.corsCfg, nil
}

func (f *fakeObjects) PutBucketEncryption(_ context.Context, bucket string, cfg object.BucketEncryption) error {
	f.record(encryptionCall{Op: "PutBucketEncryption", Bucket: bucket, Config: &cfg})
	if f.err != nil {
		return f.err
	}
	return cfg.Validate()
}

func (f *fakeObjects) GetBucketEncryption(_ context.Context, bucket string) (object.BucketEncryption, error) {
	f.record(encryptionCall{Op: "GetBucketEncryption", Bucket: bucket})
	if f.encryption == nil {
		return object.DefaultBucketEncryption(), f.err
	}
	return *f.encryption, f.err
}

func (f *fakeObjects) DeleteBucketEncryption(_ context.Context, bucket string) error {
	f.record(encryptionCall{Op: "DeleteBucketEncryption", Bucket: bucket})
	return f.err
}

func (f *fakeObjects) CheckEncryptionAllowed(_ context.Context, bucket string, t object.EncryptionType) error {
	f.record(encryptionCall{Op: "CheckEncryptionAllowed", Bucket: bucket, Type: t})
	if f.blockSSEC && t == object.EncryptionSSEC {
		return object.ErrEncryptionTypeBlocked
	}
	return nil
}

// encryptionCall records a call of the default encryption methods.
type encryptionCall struct {
	Op     string
	Bucket string
	Config *object.BucketEncryption
	Type   object.EncryptionType
}
