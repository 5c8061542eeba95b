package s3api

import (
	"context"
	"errors"
	"net/http"

	"github.com/coffer-s3/coffer/internal/cors"
	"github.com/coffer-s3/coffer/internal/object"
)

// BucketConfigs is what the handlers need from the object service for a
// bucket's configuration sub-resources (tagging, CORS, default
// encryption).
type BucketConfigs interface {
	BucketEncryptions
	PutBucketTagging(ctx context.Context, bucket string, tags []object.Tag) error
	GetBucketTagging(ctx context.Context, bucket string) ([]object.Tag, error)
	DeleteBucketTagging(ctx context.Context, bucket string) error
	PutBucketCORS(ctx context.Context, bucket string, cfg cors.Config) error
	GetBucketCORS(ctx context.Context, bucket string) (cors.Config, error)
	DeleteBucketCORS(ctx context.Context, bucket string) error
	// BucketCORS returns the rules requests are answered from: nil for a
	// bucket without any, object.ErrNoSuchBucket for no bucket.
	BucketCORS(ctx context.Context, bucket string) (*cors.Config, error)
}

func (h *Handler) getBucketTagging(w http.ResponseWriter, req *request) error {
	tags, err := h.objects.GetBucketTagging(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	res := taggingResult{TagSet: make([]tagXML, 0, len(tags))}
	for _, t := range tags {
		res.TagSet = append(res.TagSet, tagXML(t))
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

// putBucketTagging replaces the bucket's tags. Like PutObjectTagging it
// needs Content-MD5 or a checksum, and answers 204 as S3 does.
func (h *Handler) putBucketTagging(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	tags, err := parseTaggingXML(data)
	if err != nil {
		return err
	}
	if err := h.objects.PutBucketTagging(req.r.Context(), req.route.Bucket, tags); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) deleteBucketTagging(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeleteBucketTagging(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) getBucketCors(w http.ResponseWriter, req *request) error {
	cfg, err := h.objects.GetBucketCORS(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, corsConfigurationXML(cfg))
}

// putBucketCors replaces the bucket's CORS configuration; S3 requires
// Content-MD5 or a checksum for it.
func (h *Handler) putBucketCors(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	cfg, err := parseCORSXML(data)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		var re *cors.RuleError
		if errors.As(err, &re) {
			return withMessage(err, re.Message)
		}
		return errors.Join(errMalformedXML, err)
	}
	if err := h.objects.PutBucketCORS(req.r.Context(), req.route.Bucket, cfg); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) deleteBucketCors(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeleteBucketCORS(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
