package object_test

import (
	"context"
	"errors"
	"testing"

	"github.com/coffer-s3/coffer/internal/datakey"
	"github.com/coffer-s3/coffer/internal/kmsfake"
	"github.com/coffer-s3/coffer/internal/object"
)

// TestKeyLink: before connect the link refuses as a server without
// a key service would; after, calls reach the key service.
func TestKeyLink(t *testing.T) {
	ctx := context.Background()
	l := &object.KeyLink{}
	if _, err := l.GenerateDataKey(ctx, datakey.DataKeyRequest{KeyID: "alias/aws/s3"}); !errors.Is(err, object.ErrKMSNotAvailable) {
		t.Fatalf("GenerateDataKey before connect = %v", err)
	}
	if _, err := l.Decrypt(ctx, datakey.DecryptRequest{}); !errors.Is(err, object.ErrKMSNotAvailable) {
		t.Fatalf("Decrypt before connect = %v", err)
	}
	ks := kmsfake.New("111122223333", "us-east-1")
	l.Connect(ks)
	dk, err := l.GenerateDataKey(ctx, datakey.DataKeyRequest{KeyID: "alias/aws/s3"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Decrypt(ctx, datakey.DecryptRequest{CiphertextBlob: dk.CiphertextBlob})
	if err != nil || string(out.Plaintext) != string(dk.Plaintext) || out.KeyARN != dk.KeyARN {
		t.Fatalf("Decrypt after connect = %v", err)
	}
}
