package s3api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
)

// BucketLifecycles is what the handlers need from the object service for
// lifecycle configurations.
type BucketLifecycles interface {
	PutBucketLifecycle(ctx context.Context, bucket string, cfg rules.Config) error
	GetBucketLifecycle(ctx context.Context, bucket string) (rules.Config, error)
	DeleteBucketLifecycle(ctx context.Context, bucket string) error
	// BucketLifecycle returns the rules the expiration headers are
	// computed from: nil for a bucket without any.
	BucketLifecycle(ctx context.Context, bucket string) (*rules.Config, error)
}

// headerTransitionMinSize is the header that sets and reports a
// configuration's TransitionDefaultMinimumObjectSize.
const headerTransitionMinSize = "X-Amz-Transition-Default-Minimum-Object-Size"

func (h *Handler) getBucketLifecycle(w http.ResponseWriter, req *request) error {
	cfg, err := h.objects.GetBucketLifecycle(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	w.Header().Set(headerTransitionMinSize, transitionMinSize(cfg))
	return h.writeXML(w, req, http.StatusOK, lifecycleConfigurationXML(cfg))
}

// transitionMinSize is the configuration's minimum object size for
// transitions; S3's default since September 2024 when none was set.
func transitionMinSize(cfg rules.Config) string {
	if cfg.TransitionMinSize == "" {
		return rules.MinSizeAll128K
	}
	return cfg.TransitionMinSize
}

// putBucketLifecycle replaces the bucket's lifecycle configuration. Like
// every Put*Configuration it needs Content-MD5 or a checksum; a document
// S3 would refuse changes nothing.
func (h *Handler) putBucketLifecycle(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	cfg, err := parseLifecycleXML(data)
	if err != nil {
		return err
	}
	cfg.TransitionMinSize = req.r.Header.Get(headerTransitionMinSize)
	if err := cfg.Validate(newRuleID); err != nil {
		var re *rules.Error
		if errors.As(err, &re) {
			return err
		}
		return errors.Join(errMalformedXML, err)
	}
	if err := h.objects.PutBucketLifecycle(req.r.Context(), req.route.Bucket, cfg); err != nil {
		return err
	}
	w.Header().Set(headerTransitionMinSize, transitionMinSize(cfg))
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) deleteBucketLifecycle(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeleteBucketLifecycle(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// newRuleID names a rule sent without an ID, as S3 does: a random,
// printable identifier (S3's are 48 base64 characters).
func newRuleID() string {
	b := make([]byte, 36)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}
