package s3api

import (
	"context"
	"errors"
	"net/http"

	"github.com/coffer-s3/coffer/internal/object"
)

// BucketEncryptions is what the handlers need from the object service for
// a bucket's default encryption and its BlockedEncryptionTypes.
type BucketEncryptions interface {
	PutBucketEncryption(ctx context.Context, bucket string, cfg object.BucketEncryption) error
	GetBucketEncryption(ctx context.Context, bucket string) (object.BucketEncryption, error)
	DeleteBucketEncryption(ctx context.Context, bucket string) error
	// CheckEncryptionAllowed returns object.ErrEncryptionTypeBlocked
	// when the bucket refuses uploads encrypted with t.
	CheckEncryptionAllowed(ctx context.Context, bucket string, t object.EncryptionType) error
}

// getBucketEncryption answers the bucket's default encryption; a bucket
// with none stored reports SSE-S3, as every S3 bucket does.
func (h *Handler) getBucketEncryption(w http.ResponseWriter, req *request) error {
	cfg, err := h.objects.GetBucketEncryption(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, encryptionConfigurationXML(cfg))
}

// putBucketEncryption replaces the bucket's default encryption; S3
// requires Content-MD5 or a checksum for it. SSE-KMS is refused with 501
// until coffer has a KMS.
func (h *Handler) putBucketEncryption(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	cfg, err := parseEncryptionXML(data)
	if err != nil {
		return err
	}
	if err := h.objects.PutBucketEncryption(req.r.Context(), req.route.Bucket, cfg); err != nil {
		var ce *object.EncryptionConfigError
		if errors.As(err, &ce) {
			return withMessage(err, ce.Message)
		}
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

// deleteBucketEncryption resets the bucket's default encryption to SSE-S3.
func (h *Handler) deleteBucketEncryption(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeleteBucketEncryption(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkBlockedEncryption is the hook that refuses an upload whose
// encryption the bucket blocks (BlockedEncryptionTypes), before anything
// else looks at the upload's encryption headers: S3 answers 403
// AccessDenied for a blocked SSE-C upload even where it would refuse the
// headers for another reason. hdr is the request's headers or a POST
// form's fields. Only an upload naming SSE-C costs a read of the bucket's
// configuration.
func (h *Handler) checkBlockedEncryption(ctx context.Context, bucket string, hdr http.Header) error {
	if hdr.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") == "" &&
		hdr.Get("X-Amz-Server-Side-Encryption-Customer-Key") == "" {
		return nil
	}
	return h.objects.CheckEncryptionAllowed(ctx, bucket, object.EncryptionSSEC)
}
