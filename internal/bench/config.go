package bench

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"
)

// ErrConfig is wrapped by every error about an invalid Config or command line.
var ErrConfig = errors.New("bench: invalid configuration")

// Workload names accepted by Config.Workload.
const (
	WorkloadPut       = "put"
	WorkloadGet       = "get"
	WorkloadHead      = "head"
	WorkloadDelete    = "delete"
	WorkloadList      = "list"
	WorkloadMultipart = "multipart"
	WorkloadMixed     = "mixed"
	// WorkloadIdle holds Concurrency connections open for Duration (see
	// idle.go).
	WorkloadIdle = "idle"
)

// Server-side encryption accepted by Config.SSE.
const (
	SSEAES256 = "AES256"
	SSEKMS    = "aws:kms"
)

// maxParts is S3's limit on parts in one multipart upload.
const maxParts = 10000

// Config describes one benchmark run. The zero value is not usable: fill at
// least Endpoint, AccessKey, SecretKey and Workload, then call Validate (Run
// does), which also fills defaults.
type Config struct {
	// Endpoint is the S3 endpoint URL, for example http://127.0.0.1:9000.
	Endpoint string
	// MoreEndpoints are further endpoints of the same store (the other
	// nodes of a cluster). The measured workers are spread over Endpoint
	// and these, worker i on endpoint i mod their number; the bucket,
	// the uploads before measuring and the cleanup go through Endpoint.
	MoreEndpoints []string
	// AccessKey and SecretKey sign every request (SigV4).
	AccessKey string
	SecretKey string
	// Region is the SigV4 signing region; default us-east-1.
	Region string
	// Bucket to use. Empty means a fresh coffer-bench-<random> bucket that is
	// created before and removed after the run.
	Bucket string

	// Workload is one of the Workload* constants.
	Workload string
	// Size is the object size in bytes (the total size for multipart).
	Size int64
	// PartSize is the multipart part size in bytes; default 5 MiB.
	PartSize int64
	// Concurrency is the number of operations in flight; default 16.
	Concurrency int
	// Duration bounds the measured window when Count is 0; default 10s.
	Duration time.Duration
	// Count, when positive, runs exactly that many operations instead of
	// running for Duration.
	Count int64
	// Objects is how many objects get, head, list and mixed upload before
	// measuring; default 1000. delete uploads Count objects when Count is set,
	// Objects otherwise.
	Objects int64
	// Prefixes spreads keys over that many prefixes under the run prefix;
	// default 1.
	Prefixes int
	// MaxKeys is the page size of the list workload's ListObjectsV2 calls;
	// default 1000, the S3 maximum.
	MaxKeys int
	// Mix weights operations for the mixed workload.
	Mix []MixEntry
	// Warmup runs the workload this long before the measured window and
	// discards its results.
	Warmup time.Duration

	// Keep leaves the objects and the bucket in place after the run.
	Keep bool
	// Insecure skips TLS certificate verification.
	Insecure bool
	// RootCAs, if set, are the only CAs trusted for an https endpoint
	// (for example ca.pem from `coffer tls init`); nil means the system's.
	RootCAs *x509.CertPool
	// Checksum sends a CRC32 checksum with every upload.
	Checksum bool
	// SSE asks for server-side encryption on every upload (PutObject and
	// CreateMultipartUpload): empty sends no header (the bucket's default
	// applies), SSEAES256 or SSEKMS.
	SSE string
	// SSEKMSKeyID is the KMS key of SSEKMS uploads (key id, ARN or alias);
	// empty means the account's aws/s3 key.
	SSEKMSKeyID string
	// BucketKey is sent as x-amz-server-side-encryption-bucket-key-enabled
	// with every SSEKMS upload, true or false, so that the bucket's own
	// setting does not decide.
	BucketKey bool
	// SignPayload signs upload bodies with their SHA-256 instead of sending
	// UNSIGNED-PAYLOAD. It costs client CPU on plain HTTP.
	SignPayload bool

	// ServerPID, when positive, is a local process whose resident memory is
	// sampled from /proc during the measured window.
	ServerPID int
	// Progress, when set, receives a progress line every second, rewritten
	// in place with a carriage return (meant for a terminal).
	Progress io.Writer
}

// Validate checks c and fills defaults for unset fields.
func (c *Config) Validate() error {
	if c.Endpoint == "" {
		return fmt.Errorf("%w: an endpoint is required", ErrConfig)
	}
	for _, e := range c.endpoints() {
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: endpoint %q is not an http or https URL", ErrConfig, e)
		}
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return fmt.Errorf("%w: an access key and a secret key are required", ErrConfig)
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	switch c.Workload {
	case WorkloadPut, WorkloadGet, WorkloadHead, WorkloadDelete, WorkloadList, WorkloadMultipart:
	case WorkloadIdle:
		if len(c.MoreEndpoints) > 0 {
			return fmt.Errorf("%w: the idle workload holds its connections to --endpoint only", ErrConfig)
		}
		if c.Count > 0 || c.Warmup > 0 {
			return fmt.Errorf("%w: the idle workload holds --concurrency connections for --duration; it takes no --count or --warmup", ErrConfig)
		}
	case WorkloadMixed:
		if len(c.Mix) == 0 {
			c.Mix = DefaultMix()
		}
	default:
		return fmt.Errorf("%w: unknown workload %q", ErrConfig, c.Workload)
	}
	switch c.SSE {
	case "", SSEAES256, SSEKMS:
	default:
		return fmt.Errorf("%w: unknown server-side encryption %q (want %s or %s)", ErrConfig, c.SSE, SSEAES256, SSEKMS)
	}
	if c.SSE != SSEKMS && (c.SSEKMSKeyID != "" || c.BucketKey) {
		return fmt.Errorf("%w: a KMS key id and bucket keys apply only to %s", ErrConfig, SSEKMS)
	}
	if c.Size < 0 {
		return fmt.Errorf("%w: size must not be negative", ErrConfig)
	}
	if c.PartSize == 0 {
		c.PartSize = 5 << 20
	}
	if c.PartSize < 0 {
		return fmt.Errorf("%w: part size must be positive", ErrConfig)
	}
	if (c.Size+c.PartSize-1)/c.PartSize > maxParts {
		return fmt.Errorf("%w: size %d in parts of %d needs more than %d parts", ErrConfig, c.Size, c.PartSize, maxParts)
	}
	if c.Concurrency == 0 {
		c.Concurrency = 16
	}
	if c.Concurrency < 0 {
		return fmt.Errorf("%w: concurrency must be positive", ErrConfig)
	}
	if c.Count < 0 {
		return fmt.Errorf("%w: count must not be negative", ErrConfig)
	}
	if c.Duration == 0 && c.Count == 0 {
		c.Duration = 10 * time.Second
	}
	if c.Duration < 0 || c.Warmup < 0 {
		return fmt.Errorf("%w: durations must not be negative", ErrConfig)
	}
	if c.Objects == 0 {
		c.Objects = 1000
	}
	if c.Objects < 0 {
		return fmt.Errorf("%w: objects must be positive", ErrConfig)
	}
	if c.MaxKeys == 0 {
		c.MaxKeys = 1000
	}
	if c.MaxKeys < 0 || c.MaxKeys > 1000 {
		return fmt.Errorf("%w: max keys must be between 1 and 1000", ErrConfig)
	}
	if c.Prefixes == 0 {
		c.Prefixes = 1
	}
	if c.Prefixes < 0 {
		return fmt.Errorf("%w: prefixes must be positive", ErrConfig)
	}
	if c.ServerPID < 0 {
		return fmt.Errorf("%w: server pid must be positive", ErrConfig)
	}
	return nil
}

// endpoints returns Endpoint and MoreEndpoints.
func (c *Config) endpoints() []string {
	return append([]string{c.Endpoint}, c.MoreEndpoints...)
}
