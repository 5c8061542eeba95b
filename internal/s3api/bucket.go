package s3api

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

// readCapped reads a body of at most maxXMLBody bytes; a longer one is
// MalformedXML, the only kind of body this layer reads whole.
func readCapped(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxXMLBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxXMLBody {
		return nil, errMalformedXML
	}
	return data, nil
}

func unmarshalXML(data []byte, v any) error {
	if len(data) > maxXMLBody {
		return errMalformedXML
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return errors.Join(errMalformedXML, err)
	}
	return nil
}

func (h *Handler) listBuckets(w http.ResponseWriter, req *request) error {
	p := req.principal()
	in := object.ListBucketsInput{Owner: p.AccountID, Prefix: req.query.Get("prefix")}
	if tok := req.query.Get("continuation-token"); tok != "" {
		after, err := decodeToken(tok)
		if err != nil {
			return err
		}
		in.StartAfter = after
	}
	if _, ok := req.query["max-buckets"]; ok {
		n, err := parseMaxKeys(req.query, "max-buckets", 0)
		if err != nil || n == 0 {
			return withMessage(errInvalidArgument, "Provided max-buckets not an integer or within integer range")
		}
		in.MaxBuckets = n
	}
	out, err := h.objects.ListBuckets(req.r.Context(), in)
	if err != nil {
		return err
	}
	res := listAllMyBucketsResult{Owner: h.ownerNames(req).of(p.AccountID), Prefix: in.Prefix}
	for _, b := range out.Buckets {
		res.Buckets = append(res.Buckets, bucketXML{Name: b.Name, CreationDate: isoTime(b.Created), BucketRegion: regionOf(b.Region)})
	}
	if out.Truncated && len(out.Buckets) > 0 {
		res.ContinuationToken = encodeToken(out.Buckets[len(out.Buckets)-1].Name)
	}
	return h.writeXML(w, req, http.StatusOK, res)
}

// readCreateBucket checks CreateBucket's headers and reads its optional
// CreateBucketConfiguration.
func readCreateBucket(req *request) (createBucketConfiguration, error) {
	var cfg createBucketConfiguration
	if err := checkCreateBucketHeaders(req.r.Header); err != nil {
		return cfg, err
	}
	data, err := readCapped(req.body())
	if err != nil {
		return cfg, err
	}
	if len(data) > 0 {
		err = unmarshalXML(data, &cfg)
	}
	return cfg, err
}

func (h *Handler) createBucket(w http.ResponseWriter, req *request) error {
	cfg, err := readCreateBucket(req)
	if err == nil {
		req.fromBody.location = &cfg.LocationConstraint
	}
	if err := h.authorizeBody(req, err); err != nil {
		return err
	}
	region, err := h.bucketRegion(cfg.LocationConstraint)
	if err != nil {
		return err
	}
	ownership, grants, err := h.createBucketACL(req)
	if err != nil {
		return err
	}
	_, err = h.objects.CreateBucket(req.r.Context(), object.CreateBucketInput{
		Name:       req.route.Bucket,
		Region:     region,
		Owner:      req.principal().AccountID,
		ObjectLock: strings.EqualFold(req.r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true"),
		Ownership:  ownership,
		ACL:        grants,
		// "For legacy compatibility, if you re-create an existing bucket
		// that you already own in the North Virginia Region, Amazon S3
		// returns 200 OK" (BucketAlreadyOwnedByYou, S3 API reference);
		// every other region answers the error.
		OwnedOK: h.region == DefaultRegion,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/"+req.route.Bucket)
	writeEmpty(w, http.StatusOK)
	return nil
}

// bucketRegion checks a CreateBucket LocationConstraint against the region
// this endpoint serves, as a regional S3 endpoint does: us-east-1 is
// written as no constraint at all, every other region must be named.
func (h *Handler) bucketRegion(constraint string) (string, error) {
	switch {
	case constraint == h.region:
		if constraint == DefaultRegion {
			return "", withMessage(errInvalidLocation, "The specified location-constraint is not valid")
		}
		return constraint, nil
	case constraint == "" && h.region == DefaultRegion:
		return "", nil
	case constraint == "":
		return "", withMessage(errIllegalLocation, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	return "", withMessage(errIllegalLocation, "The "+constraint+" location constraint is incompatible for the region specific endpoint this request was sent to.")
}

func (h *Handler) headBucket(w http.ResponseWriter, req *request) error {
	b, err := h.objects.HeadBucket(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	w.Header().Set("X-Amz-Bucket-Region", regionOf(b.Region))
	writeEmpty(w, http.StatusOK)
	return nil
}

func (h *Handler) deleteBucket(w http.ResponseWriter, req *request) error {
	if err := h.objects.DeleteBucket(req.r.Context(), req.route.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) getBucketLocation(w http.ResponseWriter, req *request) error {
	b, err := h.objects.HeadBucket(req.r.Context(), req.route.Bucket)
	if err != nil {
		return err
	}
	// us-east-1 is the empty LocationConstraint, as in S3.
	region := b.Region
	if region == DefaultRegion {
		region = ""
	}
	return h.writeXML(w, req, http.StatusOK, locationConstraint{Region: region})
}

// regionOf names a bucket's region; the empty constraint is us-east-1.
func regionOf(constraint string) string {
	if constraint == "" {
		return DefaultRegion
	}
	return constraint
}

// encodeToken makes an opaque continuation token from a listing position.
func encodeToken(after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(after))
}

// decodeToken reverses encodeToken; anything else is InvalidArgument.
func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errInvalidToken
	}
	return string(b), nil
}
