package object

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/clock"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Defaults and limits.
const (
	// DefaultMinPartSize is S3's minimum size of every part but the last.
	DefaultMinPartSize = 5 << 20
	// DefaultInlineLimit is the largest object stored inside its meta record
	// instead of a blob: it saves a file and its fsync per small object.
	DefaultInlineLimit = 32 << 10
	// MaxInlineLimit bounds InlineLimit: inline bytes are buffered in
	// memory and stored as one meta value.
	MaxInlineLimit = 1 << 20
	// MaxObjectSize is the largest object a single PUT may write (5 GiB);
	// it is also the largest part and the largest copy source.
	MaxObjectSize = 5 << 30
	// MaxMultipartSize is the largest object a multipart upload may build.
	MaxMultipartSize = 5 << 40
	// MaxKeyLength is the longest key, in bytes of UTF-8.
	MaxKeyLength = 1024
	// MaxUserMetaSize bounds the names and values of user metadata, in bytes.
	MaxUserMetaSize = 2048
	// MaxParts is the highest part number.
	MaxParts = 10000
	// maxListKeys caps every listing page.
	maxListKeys = 1000
)

// Options configure a Service.
type Options struct {
	// Meta keeps every record; required.
	Meta meta.Store
	// Blob keeps object bytes; required.
	Blob blob.Store
	// Clock stamps LastModified and initiation times; nil means the wall clock.
	Clock clock.Clock
	// Logger receives errors that cannot be returned (a failed cleanup);
	// nil discards them.
	Logger *slog.Logger
	// MinPartSize is the smallest size of every part but the last
	// (0 means DefaultMinPartSize). Tests lower it.
	MinPartSize int64
	// InlineLimit is the largest object stored inline in meta (0 means
	// DefaultInlineLimit; negative stores every object in a blob).
	InlineLimit int64
	// AccessTTL is how long a bucket's cached access state is served
	// before it is read again (0 means DefaultAccessTTL); see
	// BucketAccess.
	AccessTTL time.Duration
	// BlockPublicAccess gives every new bucket a Block Public Access
	// configuration with all four flags on, as S3 does since April 2023.
	BlockPublicAccess bool
	// Keyring wraps the data keys of objects encrypted at rest; without
	// it encrypted objects cannot be read or written.
	Keyring *sse.Keyring
	// EncryptAtRest encrypts every new object (requires Keyring). When
	// false, new objects are stored in plaintext unless their request asks
	// for encryption; objects already encrypted stay readable.
	EncryptAtRest bool
	// MFA checks the x-amz-mfa codes of buckets with MFA Delete; nil
	// refuses every code.
	MFA MFAVerifier
	// Space, if set, admits every write that adds data (a body, a new
	// bucket or upload) before it starts; deletes never ask it.
	Space SpaceGuard
	// Keys keeps the data keys of SSE-KMS objects; nil refuses SSE-KMS
	// (ErrKMSNotAvailable) and SSE-KMS objects cannot be read.
	Keys KeyService
	// BucketKeyTTL is how long an S3 Bucket Key is used for one caller
	// before the key service is asked again (0 means
	// DefaultBucketKeyTTL).
	BucketKeyTTL time.Duration
	// Tiers keep the bytes of storage classes elsewhere than Blob, by
	// class (STANDARD_IA, GLACIER…; never STANDARD). A class without a
	// tier keeps its bytes in Blob. TransitionVersion moves a version's
	// bytes into its new class's tier; reads follow the record.
	Tiers map[string]blob.Store
	// RestoreDay scales how long a RestoreObject of a GLACIER or
	// DEEP_ARCHIVE version takes: its retrieval tier's time in S3
	// (restoreTime) times RestoreDay / 24 hours, so that a shortened
	// lifecycle day shortens restores alike. 0: restores complete at
	// once.
	RestoreDay time.Duration
}

// SpaceGuard decides whether a write of n bytes may start (package
// diskspace keeps a reserve of free space with it). A non-nil error
// refuses the write; the service returns it wrapped in
// ErrInsufficientSpace.
type SpaceGuard interface {
	Admit(n int64) error
}

// Validate checks required fields and fills in defaults.
func (o *Options) Validate() error {
	if o.Meta == nil {
		return errors.New("object: Options.Meta is required")
	}
	if o.Blob == nil {
		return errors.New("object: Options.Blob is required")
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MinPartSize < 0 {
		return fmt.Errorf("object: negative MinPartSize %d", o.MinPartSize)
	}
	if o.MinPartSize == 0 {
		o.MinPartSize = DefaultMinPartSize
	}
	if o.InlineLimit == 0 {
		o.InlineLimit = DefaultInlineLimit
	}
	if o.AccessTTL == 0 {
		o.AccessTTL = DefaultAccessTTL
	}
	if o.BucketKeyTTL < 0 {
		return fmt.Errorf("object: negative BucketKeyTTL %s", o.BucketKeyTTL)
	}
	if o.BucketKeyTTL == 0 {
		o.BucketKeyTTL = DefaultBucketKeyTTL
	}
	if o.EncryptAtRest && o.Keyring == nil {
		return errNoKeyring
	}
	if err := validateTiers(o.Tiers); err != nil {
		return err
	}
	if o.RestoreDay < 0 {
		return fmt.Errorf("object: negative RestoreDay %v", o.RestoreDay)
	}
	if o.InlineLimit > MaxInlineLimit {
		return fmt.Errorf("object: InlineLimit %d exceeds %d", o.InlineLimit, MaxInlineLimit)
	}
	return nil
}

// Service implements S3's bucket and object semantics over a meta and a blob
// store. It is safe for concurrent use; it keeps no state of its own besides
// its options, caches of decoded records that cannot go stale, and the
// access cache, which a cache syncer keeps coherent with other Services
// sharing the same stores (InvalidateAccessCache, docs/cluster.md).
type Service struct {
	meta        meta.Store
	blob        blob.Store
	clock       clock.Clock
	log         *slog.Logger
	minPartSize int64
	inlineLimit int64
	keyring     *sse.Keyring
	// encryptAtRest: new objects are encrypted (Options.EncryptAtRest).
	encryptAtRest bool
	// buckets holds decoded bucket records by their stored bytes; it is
	// never stale (see bucketCache).
	buckets bucketCache
	// corsRules holds decoded CORS configurations by their stored bytes,
	// likewise never stale.
	corsRules corsCache
	// lifecycleRules holds decoded lifecycle configurations likewise.
	lifecycleRules lifecycleCache
	// access holds buckets' access state for authorization; only
	// updateAccess writes what it caches (see accessCache).
	access    accessCache
	accessTTL time.Duration
	// damage tells reads whether any version is marked damaged.
	damage      damageHint
	blockPublic bool
	mfa         MFAVerifier
	space       SpaceGuard
	// keys keeps SSE-KMS data keys (Options.Keys); kmsCache holds bucket
	// keys.
	keys     KeyService
	kmsCache kmsCache
	// bucketDeleteBatch bounds each DeleteBucket transaction (see the
	// constant of that name); tests lower it.
	bucketDeleteBatch int
	// tiers and restoreDay are Options.Tiers and Options.RestoreDay.
	tiers      map[string]blob.Store
	restoreDay time.Duration
	// transitionHook, if set, runs between a transition's copy and its
	// commit; tests use it to stop a transition there.
	transitionHook func()
}

// New returns a Service over the stores in opts.
func New(opts Options) (*Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Service{
		meta:        opts.Meta,
		blob:        opts.Blob,
		clock:       opts.Clock,
		log:         opts.Logger,
		minPartSize: opts.MinPartSize,
		inlineLimit: opts.InlineLimit,
		accessTTL:   opts.AccessTTL,
		blockPublic: opts.BlockPublicAccess,
		keyring:     opts.Keyring,

		encryptAtRest: opts.EncryptAtRest,
		mfa:           opts.MFA,
		space:         opts.Space,
		keys:          opts.Keys,
		kmsCache:      kmsCache{ttl: opts.BucketKeyTTL},

		bucketDeleteBatch: bucketDeleteBatch,
		tiers:             opts.Tiers,
		restoreDay:        opts.RestoreDay,
	}, nil
}

// randomID returns n random bytes in lower-case hex.
func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+).
		panic(err)
	}
	return hex.EncodeToString(b)
}

// deleteBlobs removes blobs that a committed meta transaction stopped
// referencing. Failures only leave garbage for CollectGarbage, so they are
// logged, not returned; the request's cancellation must not stop them.
func (s *Service) deleteBlobs(ctx context.Context, ids []blob.ID) {
	ctx = context.WithoutCancel(ctx)
	for _, id := range ids {
		if err := s.deleteBlob(ctx, id); err != nil {
			s.log.WarnContext(ctx, "delete unreferenced blob", "blob", string(id), "err", err)
		}
	}
}
