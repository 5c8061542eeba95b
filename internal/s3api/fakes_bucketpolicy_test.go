package s3api

import (
	"context"

	"github.com/coffer-s3/coffer/internal/access"
)

// accessCall records a call of the bucket policy and Block Public Access
// methods.
type accessCall struct {
	Op     string
	Bucket string // or the account, for the account methods
	Doc    string
	Block  access.PublicAccessBlock
}

func (f *fakeObjects) PutBucketPolicy(_ context.Context, bucket string, doc []byte) error {
	f.record(accessCall{Op: "PutBucketPolicy", Bucket: bucket, Doc: string(doc)})
	return f.err
}

func (f *fakeObjects) GetBucketPolicy(_ context.Context, bucket string) ([]byte, error) {
	f.record(accessCall{Op: "GetBucketPolicy", Bucket: bucket})
	return []byte(`{"Statement":[]}`), f.err
}

func (f *fakeObjects) DeleteBucketPolicy(_ context.Context, bucket string) error {
	f.record(accessCall{Op: "DeleteBucketPolicy", Bucket: bucket})
	return f.err
}

func (f *fakeObjects) BucketPolicyStatus(_ context.Context, bucket string) (bool, error) {
	f.record(accessCall{Op: "BucketPolicyStatus", Bucket: bucket})
	return true, f.err
}

func (f *fakeObjects) PutPublicAccessBlock(_ context.Context, bucket string, b access.PublicAccessBlock) error {
	f.record(accessCall{Op: "PutPublicAccessBlock", Bucket: bucket, Block: b})
	return f.err
}

func (f *fakeObjects) GetPublicAccessBlock(_ context.Context, bucket string) (access.PublicAccessBlock, error) {
	f.record(accessCall{Op: "GetPublicAccessBlock", Bucket: bucket})
	return access.All, f.err
}

func (f *fakeObjects) DeletePublicAccessBlock(_ context.Context, bucket string) error {
	f.record(accessCall{Op: "DeletePublicAccessBlock", Bucket: bucket})
	return f.err
}

func (f *fakeObjects) PutAccountPublicAccessBlock(_ context.Context, account string, b access.PublicAccessBlock) error {
	f.record(accessCall{Op: "PutAccountPublicAccessBlock", Bucket: account, Block: b})
	return f.err
}

func (f *fakeObjects) GetAccountPublicAccessBlock(_ context.Context, account string) (access.PublicAccessBlock, error) {
	f.record(accessCall{Op: "GetAccountPublicAccessBlock", Bucket: account})
	return access.PublicAccessBlock{}, f.err
}

func (f *fakeObjects) DeleteAccountPublicAccessBlock(_ context.Context, account string) error {
	f.record(accessCall{Op: "DeleteAccountPublicAccessBlock", Bucket: account})
	return f.err
}

func (f *fakeObjects) BucketAccess(_ context.Context, bucket string) (*access.Bucket, error) {
	return &access.Bucket{Exists: true, Owner: f.bucket.Owner}, nil
}
