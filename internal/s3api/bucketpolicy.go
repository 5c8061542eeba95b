package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/access"
	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/policy"
)

// AccessConfigs is what the handlers need from the object service for a
// bucket's policy and Block Public Access settings, and for the
// account-level settings of S3 Control.
type AccessConfigs interface {
	PutBucketPolicy(ctx context.Context, bucket string, doc []byte) error
	GetBucketPolicy(ctx context.Context, bucket string) ([]byte, error)
	DeleteBucketPolicy(ctx context.Context, bucket string) error
	BucketPolicyStatus(ctx context.Context, bucket string) (bool, error)
	PutPublicAccessBlock(ctx context.Context, bucket string, b access.PublicAccessBlock) error
	GetPublicAccessBlock(ctx context.Context, bucket string) (access.PublicAccessBlock, error)
	DeletePublicAccessBlock(ctx context.Context, bucket string) error
	PutAccountPublicAccessBlock(ctx context.Context, account string, b access.PublicAccessBlock) error
	GetAccountPublicAccessBlock(ctx context.Context, account string) (access.PublicAccessBlock, error)
	DeleteAccountPublicAccessBlock(ctx context.Context, account string) error
	BucketAccess(ctx context.Context, bucket string) (*access.Bucket, error)
}

var (
	errMalformedPolicy = errors.New("s3api: malformed policy")
	errPolicyTooLarge  = errors.New("s3api: policy too large")
	errInvalidConfirm  = errors.New("s3api: invalid x-amz-confirm-remove-self-bucket-access")
)

// maxPolicyBody is read of a PutBucketPolicy body before it is refused:
// S3's limit is 20 KB; a little more is read so that the size is known.
const maxPolicyBody = 20*1024 + 1

// putBucketPolicy replaces the bucket's policy. The body must carry
// Content-MD5 or a checksum (botocore marks the operation
// requestChecksumRequired). x-amz-confirm-remove-self-bucket-access is
// accepted; as the owner's root can always change the policy, no policy
// can lock the owner out, and coffer asks for no confirmation.
func (h *Handler) putBucketPolicy(w http.ResponseWriter, req *request) error {
	if err := h.ownerAccountOnly(req); err != nil {
		return err
	}
	if v := req.r.Header.Get("X-Amz-Confirm-Remove-Self-Bucket-Access"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			return errInvalidConfirm
		}
	}
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	if len(data) >= maxPolicyBody {
		return errPolicyTooLarge
	}
	err = h.objects.PutBucketPolicy(req.r.Context(), req.route.Bucket, data)
	var se *policy.SyntaxError
	var size *policy.SizeError
	switch {
	case errors.As(err, &se):
		return withMessage(errMalformedPolicy, se.Message)
	case errors.As(err, &size):
		return errPolicyTooLarge
	case errors.Is(err, object.ErrPublicPolicyBlocked):
		return errAccessDenied
	case err != nil:
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) getBucketPolicy(w http.ResponseWriter, req *request) error {
	if err := h.ownerAccountOnly(req); err != nil {
		return err
	}
	doc, err := h.objects.GetBucketPolicy(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(doc)
	if err != nil {
		h.log.DebugContext(req.r.Context(), "write response", "err", err)
	}
	return nil
}

func (h *Handler) deleteBucketPolicy(w http.ResponseWriter, req *request) error {
	if err := h.ownerAccountOnly(req); err != nil {
		return err
	}
	if err := h.objects.DeleteBucketPolicy(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ownerAccountOnly answers 405 MethodNotAllowed to a caller allowed a
// bucket policy operation who is not of the bucket owner's account: "If
// you have the correct permissions, but you're not using an identity that
// belongs to the bucket owner's account, Amazon S3 returns a 405 Method
// Not Allowed error" (PutBucketPolicy, S3 API Reference).
func (h *Handler) ownerAccountOnly(req *request) error {
	ba, err := h.objects.BucketAccess(req.r.Context(), req.route.Bucket)
	if err != nil || !ba.Exists {
		return err // a missing bucket is reported by the operation
	}
	owner := ba.Owner
	if owner == "" {
		owner = iam.RootAccountID
	}
	if req.principal().AccountID != owner {
		return errMethodNotAllowed
	}
	return nil
}

type policyStatusXML struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PolicyStatus"`
	IsPublic bool     `xml:"IsPublic"`
}

func (h *Handler) getBucketPolicyStatus(w http.ResponseWriter, req *request) error {
	public, err := h.objects.BucketPolicyStatus(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, policyStatusXML{IsPublic: public})
}

// publicAccessBlockXML is the PublicAccessBlockConfiguration document of
// S3 (bucket) and S3 Control (account), which differ only in namespace.
type publicAccessBlockXML struct {
	XMLName               xml.Name
	BlockPublicAcls       string `xml:"BlockPublicAcls,omitempty"`
	IgnorePublicAcls      string `xml:"IgnorePublicAcls,omitempty"`
	BlockPublicPolicy     string `xml:"BlockPublicPolicy,omitempty"`
	RestrictPublicBuckets string `xml:"RestrictPublicBuckets,omitempty"`
}

const (
	s3Namespace        = "http://s3.amazonaws.com/doc/2006-03-01/"
	s3ControlNamespace = "http://awss3control.amazonaws.com/doc/2018-08-20/"
)

// parsePublicAccessBlockXML reads a PublicAccessBlockConfiguration; an
// absent flag is false, a flag other than true or false is MalformedXML.
func parsePublicAccessBlockXML(data []byte) (access.PublicAccessBlock, error) {
	var doc publicAccessBlockXML
	if err := unmarshalXML(data, &doc); err != nil {
		return access.PublicAccessBlock{}, err
	}
	if doc.XMLName.Local != "PublicAccessBlockConfiguration" {
		return access.PublicAccessBlock{}, errMalformedXML
	}
	var b access.PublicAccessBlock
	for _, f := range []struct {
		text string
		dst  *bool
	}{
		{doc.BlockPublicAcls, &b.BlockPublicAcls},
		{doc.IgnorePublicAcls, &b.IgnorePublicAcls},
		{doc.BlockPublicPolicy, &b.BlockPublicPolicy},
		{doc.RestrictPublicBuckets, &b.RestrictPublicBuckets},
	} {
		switch strings.TrimSpace(f.text) {
		case "", "false", "FALSE", "False":
		case "true", "TRUE", "True":
			*f.dst = true
		default:
			return access.PublicAccessBlock{}, errMalformedXML
		}
	}
	return b, nil
}

func publicAccessBlockDoc(ns string, b access.PublicAccessBlock) publicAccessBlockXML {
	return publicAccessBlockXML{
		XMLName:               xml.Name{Space: ns, Local: "PublicAccessBlockConfiguration"},
		BlockPublicAcls:       strconv.FormatBool(b.BlockPublicAcls),
		IgnorePublicAcls:      strconv.FormatBool(b.IgnorePublicAcls),
		BlockPublicPolicy:     strconv.FormatBool(b.BlockPublicPolicy),
		RestrictPublicBuckets: strconv.FormatBool(b.RestrictPublicBuckets),
	}
}

// putPublicAccessBlock replaces the bucket's settings; like the other
// bucket configurations it needs Content-MD5 or a checksum.
func (h *Handler) putPublicAccessBlock(w http.ResponseWriter, req *request) error {
	data, err := readCheckedBody(req)
	if err != nil {
		return err
	}
	b, err := parsePublicAccessBlockXML(data)
	if err != nil {
		return err
	}
	if err := h.objects.PutPublicAccessBlock(req.r.Context(), req.route.Bucket, b); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) getPublicAccessBlock(w http.ResponseWriter, req *request) error {
	b, err := h.objects.GetPublicAccessBlock(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	return h.writeXML(w, req, http.StatusOK, publicAccessBlockDoc(s3Namespace, b))
}

func (h *Handler) deletePublicAccessBlock(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeletePublicAccessBlock(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
