package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
	"github.com/coffer-s3/coffer/internal/object"
)

// lifecycleCall records a call of the lifecycle configuration methods.
type lifecycleCall struct {
	Op     string
	Bucket string
	Config *rules.Config
}

func (f *fakeObjects) PutBucketLifecycle(_ context.Context, bucket string, cfg rules.Config) error {
	c := cfg.Clone()
	f.record(lifecycleCall{Op: "PutBucketLifecycle", Bucket: bucket, Config: &c})
	return f.err
}

func (f *fakeObjects) GetBucketLifecycle(_ context.Context, bucket string) (rules.Config, error) {
	f.record(lifecycleCall{Op: "GetBucketLifecycle", Bucket: bucket})
	if f.err != nil {
		return rules.Config{}, f.err
	}
	if f.lifecycle == nil {
		return rules.Config{}, object.ErrNoSuchLifecycleConfiguration
	}
	return f.lifecycle.Clone(), nil
}

func (f *fakeObjects) DeleteBucketLifecycle(_ context.Context, bucket string) error {
	f.record(lifecycleCall{Op: "DeleteBucketLifecycle", Bucket: bucket})
	return f.err
}

// BucketLifecycle is not recorded: object requests ask for their headers.
func (f *fakeObjects) BucketLifecycle(context.Context, string) (*rules.Config, error) {
	return f.lifecycle, nil
}
