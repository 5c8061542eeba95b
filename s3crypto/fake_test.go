package s3crypto

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// fakeS3 keeps objects in memory, as S3 would: the body bytes and the user
// metadata with lower-case names.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]fakeObject
	gets    int
}

type fakeObject struct {
	body []byte
	meta map[string]string
}

func newFakeS3() *fakeS3 { return &fakeS3{objects: map[string]fakeObject{}} }

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	var body []byte
	if in.Body != nil {
		var err error
		if body, err = io.ReadAll(in.Body); err != nil {
			return nil, err
		}
	}
	if in.ContentLength != nil && *in.ContentLength != int64(len(body)) {
		return nil, errors.New("fake s3: content length does not match the body")
	}
	f.put(aws.ToString(in.Key), body, lower(in.Metadata))
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeS3) put(key string, body []byte, meta map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = fakeObject{body: bytes.Clone(body), meta: maps.Clone(meta)}
}

func (f *fakeS3) object(key string) fakeObject {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.objects[key]
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	o, ok := f.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	return &s3.GetObjectOutput{
		Body:          io.NopCloser(bytes.NewReader(bytes.Clone(o.body))),
		ContentLength: aws.Int64(int64(len(o.body))),
		Metadata:      maps.Clone(o.meta),
	}, nil
}

// fakeKMS hands out one fixed data key, wrapped as an opaque blob that
// remembers the encryption context it was made under; Decrypt refuses
// another context or blob, as KMS does.
type fakeKMS struct {
	key  []byte
	blob []byte
	mu   sync.Mutex
	ctx  map[string]string
	// keyIDs records the KeyId of every GenerateDataKey call.
	keyIDs []string
}

func newFakeKMS() *fakeKMS {
	return &fakeKMS{key: kaKey(), blob: []byte("wrapped-data-key-blob")}
}

func (f *fakeKMS) GenerateDataKey(_ context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	if in.KeySpec != "AES_256" {
		return nil, errors.New("fake kms: want KeySpec AES_256")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctx = maps.Clone(in.EncryptionContext)
	f.keyIDs = append(f.keyIDs, aws.ToString(in.KeyId))
	return &kms.GenerateDataKeyOutput{Plaintext: bytes.Clone(f.key), CiphertextBlob: bytes.Clone(f.blob), KeyId: in.KeyId}, nil
}

func (f *fakeKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !bytes.Equal(in.CiphertextBlob, f.blob) || !maps.Equal(in.EncryptionContext, f.ctx) {
		return nil, &smithy.GenericAPIError{Code: "InvalidCiphertextException"}
	}
	return &kms.DecryptOutput{Plaintext: bytes.Clone(f.key)}, nil
}

// kaKey and kaIV are the known-answer key and IV: bytes 0x00..0x1f and
// 0xa0..0xab.
func kaKey() []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

func kaIV() []byte {
	iv := make([]byte, 12)
	for i := range iv {
		iv[i] = byte(0xa0 + i)
	}
	return iv
}
