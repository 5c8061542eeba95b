package s3api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

const (
	// maxPostFields caps the form fields that precede the file of a
	// browser POST (policy included).
	maxPostFields = 1 << 20
	// postMemory is how much of a POST file is held in memory; the rest
	// goes to a temporary file. The object service needs the exact size
	// before it reads the body, and a form part does not declare one.
	postMemory = 8 << 20
)

// postForm is a parsed browser POST form: its fields (names as sent) and
// the file part, positioned at the file's first byte.
type postForm struct {
	fields   map[string]string
	file     io.Reader
	filename string
	// hasFilename is whether the file part named a file at all: S3
	// expands ${filename} only then (to "" for filename="").
	hasFilename bool
}

// field looks a form field up by name in any letter case, as S3 does.
func (f *postForm) field(name string) string {
	for k, v := range f.fields {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// readPostForm reads form fields up to the one named "file". S3 ignores
// anything after the file.
func readPostForm(r *http.Request) (*postForm, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, errRequestIsNotMultipart
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	form := &postForm{fields: make(map[string]string)}
	seen := make(map[string]bool)
	total := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errPostFileMissing
		}
		if err != nil {
			return nil, errors.Join(errMalformedPOST, err)
		}
		name := part.FormName()
		if name == "" {
			continue
		}
		if strings.EqualFold(name, "file") {
			form.file = part
			form.filename, form.hasFilename = partFilename(part)
			return form, nil
		}
		v, err := io.ReadAll(io.LimitReader(part, int64(maxPostFields-total+1)))
		if err != nil {
			return nil, errors.Join(errMalformedPOST, err)
		}
		total += len(name) + len(v)
		if total > maxPostFields {
			return nil, errPostTooLarge
		}
		lower := strings.ToLower(name)
		if seen[lower] {
			return nil, withMessage(errMalformedPOST, "The form field "+name+" appears more than once.")
		}
		seen[lower] = true
		form.fields[name] = string(v)
	}
}

// partFilename returns the filename parameter of a form part and whether
// it has one. Of a path, only what follows the last '/' or '\' counts, as
// S3 documents for ${filename}.
func partFilename(part *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := params["filename"]
	if !ok {
		return "", false
	}
	return name[strings.LastIndexAny(name, `/\`)+1:], true
}

// expandKey is the key field with ${filename} replaced by the file's
// name, when the file part named one. S3 checks the policy's key
// conditions against this expanded key.
func (f *postForm) expandKey() string {
	key := f.field("key")
	if !f.hasFilename {
		return key
	}
	return strings.ReplaceAll(key, "${filename}", f.filename)
}

// fieldsWithKey returns the form fields with the key field's value
// replaced by key.
func (f *postForm) fieldsWithKey(key string) map[string]string {
	out := make(map[string]string, len(f.fields))
	for k, v := range f.fields {
		if strings.EqualFold(k, "key") {
			v = key
		}
		out[k] = v
	}
	return out
}

// postHeader presents the form fields that S3 treats as request headers
// (Content-Type, x-amz-meta-*, x-amz-checksum-* …) as an http.Header.
func (f *postForm) header() http.Header {
	h := make(http.Header, len(f.fields))
	for k, v := range f.fields {
		h.Set(k, v)
	}
	return h
}

func (h *Handler) postObject(w http.ResponseWriter, req *request) error {
	ctx := req.r.Context()
	form, err := readPostForm(req.r)
	if err != nil {
		return err
	}
	pr, err := h.verifier.VerifyPost(ctx, req.route.Bucket, form.fields)
	if err != nil {
		return err
	}
	req.auth = &sigv4.Result{Principal: pr.Principal, Method: pr.Method, DecodedLength: -1}
	if form.field("key") == "" {
		return withMessage(errInvalidArgument, "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
	}
	key := form.expandKey()
	if len(key) > maxKeyLength {
		return errKeyTooLong
	}
	req.route.Key = key
	req.form = form
	if t := form.field("tagging"); t != "" {
		// The form's tags are the request's for s3:RequestObjectTag/*;
		// a malformed document fails later, in parsePostInput.
		if tags, err := parseTaggingXML([]byte(t)); err == nil {
			req.fromBody.tags, req.fromBody.tagsFromBody = tags, true
		}
	}
	if err := h.authorize(req, "s3:PutObject", req.route.Bucket, key, ""); err != nil {
		return err
	}
	if err := h.checkBlockedEncryption(ctx, req.route.Bucket, form.header()); err != nil {
		return err
	}
	limit := int64(maxPutSize)
	if _, hi, ok := pr.ContentLengthRange(); ok && hi < limit {
		limit = hi
	}
	body, size, cleanup, err := spool(form.file, limit)
	if err != nil {
		return err
	}
	defer cleanup()
	// S3 reports a file outside content-length-range by its size, not as a
	// generic policy failure, so check the range before the other conditions.
	if lo, hi, ok := pr.ContentLengthRange(); ok {
		switch {
		case size > hi:
			return errEntityTooLarge
		case size < lo:
			return object.ErrEntityTooSmall
		}
	}
	if size > maxPutSize {
		return errEntityTooLarge
	}
	if err := pr.Check(form.fieldsWithKey(key), size); err != nil {
		return err
	}
	in, err := parsePostInput(form, req, key, body, size)
	if err != nil {
		return err
	}
	if in.ACL, in.OwnerFullControl, err = h.writeACL(req, req.formHeader()); err != nil {
		return err
	}
	// A browser upload names its SSE-C key in form fields.
	ck, err := parseCustomerKey(form.header(), objectPrefix, req.r.TLS != nil || h.allowInsecureSSEC)
	if err != nil {
		return err
	}
	in.CustomerKey = ck.objectKey()
	if in.KMS, in.KMSCaller, err = h.writeKMS(req, form.header()); err != nil {
		return err
	}
	info, err := h.objects.PutObject(ctx, in)
	if err != nil {
		return err
	}
	return h.postResponse(w, req, form, info, ck)
}

func parsePostInput(form *postForm, req *request, key string, body io.Reader, size int64) (object.PutInput, error) {
	hdr := form.header()
	// A form names its canned ACL "acl", not "x-amz-acl".
	if acl := form.field("acl"); acl != "" {
		hdr.Set("X-Amz-Acl", acl)
	}
	in := object.PutInput{
		Bucket:  req.route.Bucket,
		Key:     key,
		Body:    body,
		Size:    size,
		Headers: parseStandardHeaders(hdr),
		Owner:   req.principal().AccountID,
	}
	var err error
	if in.ContentMD5, err = parseContentMD5(hdr); err != nil {
		return in, err
	}
	if in.Checksum, in.ChecksumAlgorithm, err = parseExpectedChecksum(hdr, nil); err != nil {
		return in, err
	}
	if in.UserMeta, err = parseUserMeta(hdr); err != nil {
		return in, err
	}
	if t := form.field("tagging"); t != "" {
		if in.Tags, err = parseTaggingXML([]byte(t)); err != nil {
			return in, err
		}
	}
	if in.StorageClass, err = parseStorageClass(hdr); err != nil {
		return in, err
	}
	in.Encrypt, _ = parseSSE(hdr) // an error is checkWriteHeaders'
	return in, checkWriteHeaders(hdr)
}

// postResponse answers a successful POST as the form asked:
// success_action_redirect, else success_action_status (200, 201 with a
// PostResponse document, or the default 204).
func (h *Handler) postResponse(w http.ResponseWriter, req *request, form *postForm, info object.ObjectInfo, ck *customerKey) error {
	etag := quoteETag(info.ETag)
	w.Header().Set("ETag", etag)
	loc := h.location(req)
	w.Header().Set("Location", loc)
	setWrittenVersionHeader(w.Header(), info.VersionID)
	setSSEHeader(w.Header(), info.ServerSideEncryption, ck)
	setKMSHeaders(w.Header(), info.ServerSideEncryption, info.SSEKMSKeyID, info.BucketKeyEnabled)
	echoKMSContext(w.Header(), info.ServerSideEncryption, form.header())
	if redirect := form.field("success_action_redirect"); redirect != "" {
		if u, err := url.Parse(redirect); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			q := u.Query()
			q.Set("bucket", req.route.Bucket)
			q.Set("key", req.route.Key)
			q.Set("etag", etag)
			u.RawQuery = q.Encode()
			w.Header().Set("Location", u.String())
			writeEmpty(w, http.StatusSeeOther)
			return nil
		}
	}
	switch status, _ := strconv.Atoi(form.field("success_action_status")); status {
	case http.StatusOK:
		writeEmpty(w, http.StatusOK)
	case http.StatusCreated:
		return h.writeXML(w, req, http.StatusCreated, postResponse{
			Location: loc, Bucket: req.route.Bucket, Key: xmlText(req.route.Key), ETag: etag,
		})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// spool reads a POST file of at most limit bytes (one more is read to
// detect a larger file, whose size is then reported as limit+1) into
// memory, spilling to a temporary file past postMemory. cleanup removes
// the temporary file.
func spool(r io.Reader, limit int64) (body io.Reader, size int64, cleanup func(), err error) {
	lr := io.LimitReader(r, limit+1)
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, lr, postMemory)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, nil, errors.Join(errMalformedPOST, err)
	}
	if n < postMemory {
		return bytes.NewReader(buf.Bytes()), n, func() {}, nil
	}
	f, err := os.CreateTemp("", "coffer-post-*")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup = func() {
		f.Close()
		os.Remove(f.Name())
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	m, err := io.Copy(f, lr)
	if err != nil {
		cleanup()
		return nil, 0, nil, errors.Join(errMalformedPOST, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return f, n + m, cleanup, nil
}
