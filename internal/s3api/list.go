package s3api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

// listParams are the query parameters both listing versions share.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	encodeURL         bool
	// restoreStatus: x-amz-optional-object-attributes asks for each
	// archived object's RestoreStatus.
	restoreStatus bool
}

// headerOptionalAttributes asks a listing for optional object attributes.
const headerOptionalAttributes = "X-Amz-Optional-Object-Attributes"

// parseOptionalAttributes reads x-amz-optional-object-attributes, a
// comma-separated list whose only value S3 defines is RestoreStatus.
func parseOptionalAttributes(h http.Header) (restoreStatus bool, err error) {
	for _, v := range h.Values(headerOptionalAttributes) {
		for a := range strings.SplitSeq(v, ",") {
			switch a = strings.TrimSpace(a); a {
			case "RestoreStatus":
				restoreStatus = true
			case "":
			default:
				return false, withMessage(errInvalidArgument, fmt.Sprintf("Invalid attribute name specified: %s", a))
			}
		}
	}
	return restoreStatus, nil
}

// listRequestParams is parseListParams of the query with the optional
// attributes of the headers.
func listRequestParams(req *request) (listParams, error) {
	p, err := parseListParams(req.query)
	if err != nil {
		return p, err
	}
	p.restoreStatus, err = parseOptionalAttributes(req.r.Header)
	return p, err
}

// restoreStatusXML is a listed object's RestoreStatus: shown only for an
// object restored or being restored, with its expiry once restored.
type restoreStatusXML struct {
	IsRestoreInProgress bool   `xml:"IsRestoreInProgress"`
	RestoreExpiryDate   string `xml:"RestoreExpiryDate,omitempty"`
}

// restoreStatusOf is o's RestoreStatus if p asks for it and o has one.
func (p listParams) restoreStatusOf(o object.ObjectInfo) *restoreStatusXML {
	if !p.restoreStatus || o.Restore == nil {
		return nil
	}
	if o.Restore.Ongoing {
		return &restoreStatusXML{IsRestoreInProgress: true}
	}
	return &restoreStatusXML{RestoreExpiryDate: isoTime(o.Restore.Expiry)}
}

func parseListParams(q url.Values) (listParams, error) {
	p := listParams{prefix: q.Get("prefix"), delimiter: q.Get("delimiter")}
	var err error
	if p.maxKeys, err = parseMaxKeys(q, "max-keys", maxListKeys); err != nil {
		return p, err
	}
	switch et := q.Get("encoding-type"); et {
	case "":
	case "url":
		p.encodeURL = true
	default:
		return p, errInvalidEncoding
	}
	return p, nil
}

// enc renders a key-like element (Key, Prefix, Delimiter, a marker) for
// the response: with encoding-type=url it is form-encoded as S3 encodes
// it, so that keys with characters XML 1.0 cannot carry survive.
func (p listParams) enc(s string) xmlText {
	if !p.encodeURL {
		return xmlText(s)
	}
	return xmlText(formEncodeKey(s))
}

// formEncodeKey encodes s the way S3 answers encoding-type=url: as
// application/x-www-form-urlencoded over its UTF-8 bytes (Java's
// URLEncoder), except that '/' is kept. So a space becomes '+' (and a
// literal '+' "%2B"), '*' is left alone and '~' becomes "%7E". S3 has
// answered this way since encoding-type was added: botocore, the Java and
// .NET SDKs, minio-go and rclone all decode '+' as a space, and MinIO
// matched its own encoder to AWS's output byte for byte. The hex digits
// are upper case.
func formEncodeKey(s string) string {
	const hexDigits = "0123456789ABCDEF"
	escapes := 0
	for i := 0; i < len(s); i++ {
		if !formSafe(s[i]) {
			escapes++
		}
	}
	if escapes == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*escapes)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case formSafe(c):
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return string(b)
}

// formSafe reports whether c is left as is by formEncodeKey.
func formSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '-' || c == '_' || c == '.' || c == '*' || c == '/'
}

func (p listParams) encodingType() string {
	if p.encodeURL {
		return "url"
	}
	return ""
}

// contents renders objs; owners, if not nil, names each object's owner.
func (p listParams) contents(objs []object.ObjectInfo, owners *ownerNames) []objectXML {
	out := make([]objectXML, 0, len(objs))
	for _, o := range objs {
		x := objectXML{
			Key:          p.enc(o.Key),
			LastModified: isoTime(o.LastModified),
			ETag:         quoteETag(o.ETag),
			Size:         o.Size,
			StorageClass: storageClass(o.StorageClass),
			Restore:      p.restoreStatusOf(o),
		}
		if o.Checksum != nil && o.Checksum.Algorithm != "" {
			x.ChecksumAlgorithm = string(o.Checksum.Algorithm)
			x.ChecksumType = string(o.Checksum.Type)
		}
		if owners != nil {
			x.Owner = owners.ptr(o.Owner)
		}
		out = append(out, x)
	}
	return out
}

func (p listParams) prefixes(ps []string) []commonPrefix {
	out := make([]commonPrefix, 0, len(ps))
	for _, s := range ps {
		out = append(out, commonPrefix{Prefix: p.enc(s)})
	}
	return out
}

func storageClass(sc string) string {
	if sc == "" {
		return "STANDARD"
	}
	return sc
}

func (h *Handler) listObjectsV1(w http.ResponseWriter, req *request) error {
	p, err := listRequestParams(req)
	if err != nil {
		return err
	}
	marker := req.query.Get("marker")
	out, err := h.objects.ListObjects(req.r.Context(), object.ListInput{
		Bucket: req.route.Bucket, Prefix: p.prefix, Delimiter: p.delimiter, After: marker, MaxKeys: p.maxKeys,
	})
	if err != nil {
		return err
	}
	res := listBucketResultV1{
		Name:           req.route.Bucket,
		Prefix:         p.enc(p.prefix),
		Marker:         p.enc(marker),
		MaxKeys:        p.maxKeys,
		Delimiter:      p.enc(p.delimiter),
		IsTruncated:    out.Truncated,
		EncodingType:   p.encodingType(),
		Contents:       p.contents(out.Objects, h.ownerNames(req)),
		CommonPrefixes: p.prefixes(out.CommonPrefixes),
	}
	// S3 sends NextMarker only with a delimiter; without one the client
	// continues from the last key it received.
	if out.Truncated && p.delimiter != "" {
		res.NextMarker = p.enc(out.Next)
	}
	return h.writeXML(w, req, http.StatusOK, &res)
}

func (h *Handler) listObjectsV2(w http.ResponseWriter, req *request) error {
	p, err := listRequestParams(req)
	if err != nil {
		return err
	}
	startAfter := req.query.Get("start-after")
	after := startAfter
	// An empty continuation-token is no token: S3 lists from the start
	// (or start-after) and echoes the empty token back.
	var token *string
	if v, ok := req.query["continuation-token"]; ok {
		t := ""
		if len(v) > 0 {
			t = v[0]
		}
		token = &t
		if t != "" {
			if after, err = decodeToken(t); err != nil {
				return err
			}
		}
	}
	out, err := h.objects.ListObjects(req.r.Context(), object.ListInput{
		Bucket: req.route.Bucket, Prefix: p.prefix, Delimiter: p.delimiter, After: after, MaxKeys: p.maxKeys,
	})
	if err != nil {
		return err
	}
	var owners *ownerNames
	if req.query.Get("fetch-owner") == "true" {
		owners = h.ownerNames(req)
	}
	res := listBucketResultV2{
		Name:              req.route.Bucket,
		Prefix:            p.enc(p.prefix),
		Delimiter:         p.enc(p.delimiter),
		MaxKeys:           p.maxKeys,
		KeyCount:          len(out.Objects) + len(out.CommonPrefixes),
		IsTruncated:       out.Truncated,
		EncodingType:      p.encodingType(),
		ContinuationToken: token,
		StartAfter:        p.enc(startAfter),
		Contents:          p.contents(out.Objects, owners),
		CommonPrefixes:    p.prefixes(out.CommonPrefixes),
	}
	if out.Truncated {
		res.NextContinuationToken = encodeToken(out.Next)
	}
	return h.writeXML(w, req, http.StatusOK, &res)
}
