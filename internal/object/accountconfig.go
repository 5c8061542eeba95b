package object

import (
	"context"
	"fmt"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/meta"
)

// accountConfigKey is the key of an account-level S3 setting (S3
// Control's account Block Public Access configuration).
func accountConfigKey(account, name string) []byte {
	k := append([]byte{tableAccountConfig}, account...)
	k = append(k, 0)
	return append(k, name...)
}

// PutAccountPublicAccessBlock replaces account's Block Public Access
// settings, which apply to every bucket the account owns.
func (s *Service) PutAccountPublicAccessBlock(ctx context.Context, account string, b access.PublicAccessBlock) error {
	val, err := encodeRecord(publicAccessBlockRecord(b))
	if err != nil {
		return err
	}
	err = s.updateAccess(ctx, func(tx meta.Txn) error {
		return tx.Set(accountConfigKey(account, configPublicAccessBlock), val)
	})
	if err != nil {
		return fmt.Errorf("put account public access block %s: %w", account, err)
	}
	return nil
}

// GetAccountPublicAccessBlock returns account's settings, or
// ErrNoSuchPublicAccessBlock.
func (s *Service) GetAccountPublicAccessBlock(ctx context.Context, account string) (access.PublicAccessBlock, error) {
	var b *access.PublicAccessBlock
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		b, err = readBlock(r, accountConfigKey(account, configPublicAccessBlock))
		return err
	})
	if err == nil && b == nil {
		err = ErrNoSuchPublicAccessBlock
	}
	if err != nil {
		return access.PublicAccessBlock{}, fmt.Errorf("get account public access block %s: %w", account, err)
	}
	return *b, nil
}

// DeleteAccountPublicAccessBlock removes account's settings; removing
// none is no error.
func (s *Service) DeleteAccountPublicAccessBlock(ctx context.Context, account string) error {
	err := s.updateAccess(ctx, func(tx meta.Txn) error {
		return tx.Delete(accountConfigKey(account, configPublicAccessBlock))
	})
	if err != nil {
		return fmt.Errorf("delete account public access block %s: %w", account, err)
	}
	return nil
}
