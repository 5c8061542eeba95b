// Package s3blob keeps blobs as objects of a bucket on another S3 server
// (any S3 server, another coffer included), for the storage class tiers
// an operator sets with --tier. It implements blob.Store with
// aws-sdk-go-v2's S3 client; it knows nothing of coffer's records.
//
// What it gives and what it does not, against blob.Store's contract:
//   - A blob is uploaded only at Commit (from a temporary file), so it is
//     invisible until then, and durable when the remote server
//     acknowledges the upload.
//   - A Reader reads through ranged GETs; a blob deleted while a Reader
//     is open ends that Reader's later reads with an error, where blob/fs
//     keeps serving the open file.
//   - Flags are kept as the object's user metadata.
package s3blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/coffer-s3/coffer/internal/blob"
)

// Options configure a Store.
type Options struct {
	// Endpoint is the S3 server's URL (http://host:port); required.
	Endpoint string
	// Bucket holds the blobs; it must exist. Required.
	Bucket string
	// Prefix is put before every blob id in an object key ("" for none;
	// a trailing slash is added when missing).
	Prefix string
	// AccessKey and SecretKey sign requests; both empty sends them
	// unsigned.
	AccessKey, SecretKey string
	// Region signs requests; "" means us-east-1.
	Region string
	// TempDir holds a blob's bytes until Commit uploads them; "" means
	// os.TempDir().
	TempDir string
	// ReadAhead is how many bytes one ranged GET fetches at least, so
	// that the small ReadAt calls of a sequential read do not each cost a
	// request; 0 means DefaultReadAhead.
	ReadAhead int
}

// DefaultReadAhead is Options.ReadAhead's default.
const DefaultReadAhead = 8 << 20

// flagsMeta is the user metadata key that holds a blob's Flags.
const flagsMeta = "coffer-flags"

// multipartThreshold is the size above which Commit uploads in parts:
// a single PUT takes at most 5 GiB, and an encrypted 5 GiB object is a
// little larger.
const multipartThreshold = 4 << 30

// partSize is the size of each part of a multipart upload.
const partSize = 256 << 20

// Store is a blob.Store in a bucket of an S3 server.
type Store struct {
	client    *s3.Client
	bucket    string
	prefix    string
	tempDir   string
	readAhead int
}

var (
	_ blob.Store       = (*Store)(nil)
	_ blob.FlagCreator = (*Store)(nil)
)

// New returns a Store for o. It does not contact the server.
func New(o Options) (*Store, error) {
	if o.Endpoint == "" || o.Bucket == "" {
		return nil, errors.New("s3blob: Endpoint and Bucket are required")
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.ReadAhead <= 0 {
		o.ReadAhead = DefaultReadAhead
	}
	if o.Prefix != "" && !strings.HasSuffix(o.Prefix, "/") {
		o.Prefix += "/"
	}
	cfg := aws.Config{Region: o.Region}
	if o.AccessKey != "" || o.SecretKey != "" {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, "")
	} else {
		cfg.Credentials = aws.AnonymousCredentials{}
	}
	client := s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.BaseEndpoint = aws.String(o.Endpoint)
		so.UsePathStyle = true
	})
	return &Store{client: client, bucket: o.Bucket, prefix: o.Prefix, tempDir: o.TempDir, readAhead: o.ReadAhead}, nil
}

func (s *Store) key(id blob.ID) *string { return aws.String(s.prefix + string(id)) }

// idLen is the length of an id: 128 random bits in lowercase hex.
const idLen = 32

func newID() blob.ID {
	var b [idLen / 2]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return blob.ID(hex.EncodeToString(b[:]))
}

// validID reports whether id has the shape newID produces; any other
// object under the prefix is not a blob of this store.
func validID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for _, c := range []byte(id) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Create starts a new blob.
func (s *Store) Create(ctx context.Context) (blob.Writer, error) {
	return s.CreateFlagged(ctx, 0)
}

// CreateFlagged is Create for a blob whose payload has flags.
func (s *Store) CreateFlagged(ctx context.Context, flags blob.Flags) (blob.Writer, error) {
	f, err := os.CreateTemp(s.tempDir, "coffer-s3blob-*")
	if err != nil {
		return nil, fmt.Errorf("s3blob: %w", err)
	}
	return &writer{s: s, f: f, flags: flags}, nil
}

// isNotFound reports whether err is S3's answer for a missing object.
func isNotFound(err error) bool {
	var nk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nk) || errors.As(err, &nf) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound")
}

// Open opens a committed blob for reading.
func (s *Store) Open(ctx context.Context, id blob.ID) (blob.Reader, error) {
	if !validID(string(id)) {
		return nil, blob.ErrNotFound
	}
	h, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: s.key(id)})
	if isNotFound(err) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("s3blob: head %s: %w", id, err)
	}
	var flags blob.Flags
	if v, ok := h.Metadata[flagsMeta]; ok {
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("%w: s3blob: flags %q of %s", blob.ErrCorrupt, v, id)
		}
		flags = blob.Flags(n)
	}
	return &reader{s: s, id: id, size: aws.ToInt64(h.ContentLength), flags: flags}, nil
}

// Delete removes a committed blob; a missing one is not an error.
func (s *Store) Delete(ctx context.Context, id blob.ID) error {
	if !validID(string(id)) {
		return nil
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: s.key(id)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("s3blob: delete %s: %w", id, err)
	}
	return nil
}

// Walk calls fn for every blob under the prefix, with its upload time.
func (s *Store) Walk(ctx context.Context, fn func(id blob.ID, committed time.Time) error) error {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(s.prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("s3blob: list: %w", err)
		}
		for _, o := range page.Contents {
			id := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			if !validID(id) {
				continue
			}
			if err := fn(blob.ID(id), aws.ToTime(o.LastModified)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close releases the store.
func (s *Store) Close() error { return nil }

// writer spools a blob to a temporary file; Commit uploads it.
type writer struct {
	s     *Store
	f     *os.File
	flags blob.Flags
	done  bool
}

func (w *writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("s3blob: write after commit or abort")
	}
	return w.f.Write(p)
}

// Commit uploads the spooled bytes and returns the new blob's id.
func (w *writer) Commit(ctx context.Context) (blob.ID, error) {
	if w.done {
		return "", errors.New("s3blob: commit after commit or abort")
	}
	defer w.Abort()
	size, err := w.f.Seek(0, io.SeekEnd)
	if err != nil {
		return "", fmt.Errorf("s3blob: %w", err)
	}
	id := newID()
	meta := map[string]string{}
	if w.flags != 0 {
		meta[flagsMeta] = strconv.FormatUint(uint64(w.flags), 10)
	}
	if size > multipartThreshold {
		err = w.s.putParts(ctx, id, w.f, size, meta)
	} else {
		_, err = w.s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &w.s.bucket, Key: w.s.key(id),
			Body: io.NewSectionReader(w.f, 0, size), ContentLength: aws.Int64(size), Metadata: meta})
	}
	if err != nil {
		return "", fmt.Errorf("s3blob: upload: %w", err)
	}
	return id, nil
}

// Abort discards the spooled bytes.
func (w *writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.f.Name())
}

// putParts uploads a large blob as a multipart upload, aborting it on
// failure so that no parts are left behind.
func (s *Store) putParts(ctx context.Context, id blob.ID, f *os.File, size int64, meta map[string]string) error {
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: s.key(id), Metadata: meta})
	if err != nil {
		return err
	}
	var parts []types.CompletedPart
	for off, n := int64(0), int32(1); off < size; off, n = off+partSize, n+1 {
		l := min(partSize, size-off)
		res, err := s.client.UploadPart(ctx, &s3.UploadPartInput{Bucket: &s.bucket, Key: s.key(id), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: io.NewSectionReader(f, off, l), ContentLength: aws.Int64(l)})
		if err != nil {
			_, aerr := s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: s.key(id), UploadId: up.UploadId})
			return errors.Join(err, aerr)
		}
		parts = append(parts, types.CompletedPart{ETag: res.ETag, PartNumber: aws.Int32(n)})
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &s.bucket, Key: s.key(id),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return err
}

// reader reads a blob through ranged GETs, keeping the last window it
// fetched so that sequential small reads cost one request per window.
type reader struct {
	s     *Store
	id    blob.ID
	size  int64
	flags blob.Flags

	mu     sync.Mutex
	winOff int64
	win    []byte
}

var (
	_ blob.Reader      = (*reader)(nil)
	_ blob.FlagReader  = (*reader)(nil)
	_ blob.RangeWriter = (*reader)(nil)
)

func (r *reader) Size() int64       { return r.size }
func (r *reader) Flags() blob.Flags { return r.flags }
func (r *reader) Close() error      { return nil }

// ReadAt reads len(p) bytes at off, from the cached window when it holds
// them, else fetching a new window of at least ReadAhead bytes.
func (r *reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("s3blob: negative offset")
	}
	if off >= r.size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	total := 0
	for total < len(p) && off < r.size {
		if off < r.winOff || off >= r.winOff+int64(len(r.win)) {
			n := min(r.size-off, int64(max(r.s.readAhead, len(p)-total)))
			if err := r.fetch(off, n); err != nil {
				return total, err
			}
		}
		c := copy(p[total:], r.win[off-r.winOff:])
		total += c
		off += int64(c)
	}
	if total < len(p) {
		return total, io.EOF
	}
	return total, nil
}

// fetch replaces the window with the n bytes at off.
func (r *reader) fetch(off, n int64) error {
	body, err := r.get(context.Background(), off, n)
	if err != nil {
		return err
	}
	defer body.Close()
	buf := bytes.NewBuffer(make([]byte, 0, n))
	if _, err := io.CopyN(buf, body, n); err != nil {
		return fmt.Errorf("s3blob: read %s: %w", r.id, err)
	}
	r.winOff, r.win = off, buf.Bytes()
	return nil
}

// get starts a GET of the n bytes at off.
func (r *reader) get(ctx context.Context, off, n int64) (io.ReadCloser, error) {
	res, err := r.s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &r.s.bucket, Key: r.s.key(r.id),
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1))})
	if isNotFound(err) {
		return nil, fmt.Errorf("s3blob: %s: %w", r.id, blob.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("s3blob: get %s: %w", r.id, err)
	}
	return res.Body, nil
}

// WriteRangeTo streams n bytes at off to w with one GET.
func (r *reader) WriteRangeTo(w io.Writer, off, n int64) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	if off < 0 || off+n > r.size {
		return 0, fmt.Errorf("s3blob: range %d+%d outside %d bytes", off, n, r.size)
	}
	body, err := r.get(context.Background(), off, n)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	got, err := io.CopyN(w, body, n)
	if err != nil {
		return got, fmt.Errorf("s3blob: read %s: %w", r.id, err)
	}
	return got, nil
}
