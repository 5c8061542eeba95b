package iam

import (
	"context"
	"crypto/subtle"
	"fmt"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

// StaticCredentials knows a fixed set of access keys: the first account's
// root key. It satisfies sigv4.Credentials for tests that need no Store.
type StaticCredentials struct {
	creds map[string]sigv4.Credential
}

// NewRootCredentials returns a store that knows only the root key pair.
func NewRootCredentials(accessKey, secretKey string) *StaticCredentials {
	return &StaticCredentials{creds: map[string]sigv4.Credential{
		accessKey: {
			AccessKey: accessKey,
			SecretKey: secretKey,
			Principal: sigv4.Principal{
				AccessKey: accessKey,
				AccountID: RootAccountID,
				Name:      "root",
				ARN:       "arn:aws:iam::" + RootAccountID + ":root",
				UserID:    RootAccountID,
				Root:      true,
			},
		},
	}}
}

var _ sigv4.Credentials = (*StaticCredentials)(nil)

// Lookup implements sigv4.Credentials.
func (s *StaticCredentials) Lookup(_ context.Context, accessKey string) (sigv4.Credential, error) {
	for k, c := range s.creds {
		if subtle.ConstantTimeCompare([]byte(k), []byte(accessKey)) == 1 {
			return c, nil
		}
	}
	return sigv4.Credential{}, fmt.Errorf("lookup %q: %w", accessKey, sigv4.ErrUnknownAccessKey)
}
