package object

import (
	"context"
	"fmt"
	"slices"

	"github.com/coffer-s3/coffer/internal/meta"
)

// GetObjectTagging returns an object's tags and its version id.
func (s *Service) GetObjectTagging(ctx context.Context, bucket, key, versionID string) ([]Tag, string, error) {
	if err := checkBucketName(bucket); err != nil {
		return nil, "", fmt.Errorf("get tagging %s/%s: %w", bucket, key, err)
	}
	if err := validKey(key); err != nil {
		return nil, "", fmt.Errorf("get tagging %s/%s: %w", bucket, key, err)
	}
	var (
		rec       *objectRecord
		versioned bool
	)
	err := s.meta.View(ctx, func(r meta.Reader) error {
		b, err := getBucket(r, bucket)
		if err != nil {
			return err
		}
		versioned = b.versioned()
		loc, err := readVersion(r, bucket, key, versionID)
		if err != nil {
			return err
		}
		rec = loc.rec
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("get tagging %s/%s: %w", bucket, key, err)
	}
	tags := slices.Clone(rec.Tags)
	if tags == nil {
		tags = []Tag{}
	}
	return tags, displayVersion(rec, versioned), nil
}

// PutObjectTagging replaces an object's tags and returns its version id.
// It does not change the object's LastModified or ETag.
func (s *Service) PutObjectTagging(ctx context.Context, bucket, key, versionID string, tags []Tag) (string, error) {
	if err := validTags(tags); err != nil {
		return "", fmt.Errorf("put tagging %s/%s: %w", bucket, key, err)
	}
	vid, err := s.setTags(ctx, bucket, key, versionID, slices.Clone(tags))
	if err != nil {
		return "", fmt.Errorf("put tagging %s/%s: %w", bucket, key, err)
	}
	return vid, nil
}

// DeleteObjectTagging removes an object's tags and returns its version id.
func (s *Service) DeleteObjectTagging(ctx context.Context, bucket, key, versionID string) (string, error) {
	vid, err := s.setTags(ctx, bucket, key, versionID, nil)
	if err != nil {
		return "", fmt.Errorf("delete tagging %s/%s: %w", bucket, key, err)
	}
	return vid, nil
}

func (s *Service) setTags(ctx context.Context, bucket, key, versionID string, tags []Tag) (string, error) {
	if err := checkBucketName(bucket); err != nil {
		return "", err
	}
	if err := validKey(key); err != nil {
		return "", err
	}
	var vid string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		loc, err := readVersion(tx, bucket, key, versionID)
		if err != nil {
			return err
		}
		loc.rec.Tags = tags
		vid = displayVersion(loc.rec, b.versioned())
		return rewriteVersion(tx, bucket, key, loc)
	})
	return vid, err
}
