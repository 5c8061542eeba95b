package bench

import (
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// sizeValue is a flag.Value for byte counts written with units.
type sizeValue struct{ n *int64 }

func (v sizeValue) String() string {
	if v.n == nil {
		return ""
	}
	return FormatSize(*v.n)
}

func (v sizeValue) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	*v.n = n
	return nil
}

// mixValue is a flag.Value for --mix.
type mixValue struct{ mix *[]MixEntry }

func (v mixValue) String() string {
	if v.mix == nil {
		return ""
	}
	return FormatMix(*v.mix)
}

func (v mixValue) Set(s string) error {
	m, err := ParseMix(s)
	if err != nil {
		return err
	}
	*v.mix = m
	return nil
}

// options is the parsed command line: the run's Config plus what only the
// command needs.
type options struct {
	cfg  Config
	json bool
}

// Defaults that depend on the workload.
const (
	defaultSize          = 4 << 10
	defaultMultipartSize = 64 << 20
)

// newFlagSet defines every flag of `coffer bench` on a new FlagSet writing
// parse errors to stderr.
func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("coffer bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	c := &o.cfg
	c.Size = defaultSize
	c.PartSize = 5 << 20
	c.Mix = DefaultMix()
	fs.StringVar(&c.Endpoint, "endpoint", "", "S3 endpoint `URL`, for example http://127.0.0.1:9000 (required)")
	fs.Func("also-endpoint", "another endpoint `URL` of the same store (a node of a cluster); repeat it for each: the measured operations are spread over --endpoint and these, while the bucket, the uploads before measuring and the cleanup go through --endpoint",
		func(u string) error {
			c.MoreEndpoints = append(c.MoreEndpoints, u)
			return nil
		})
	fs.StringVar(&c.AccessKey, "access-key", "", "access key `id` (default $AWS_ACCESS_KEY_ID)")
	fs.StringVar(&c.SecretKey, "secret-key", "", "secret `key` (default $AWS_SECRET_ACCESS_KEY; prefer the variable, a command line is visible to other users)")
	fs.StringVar(&c.Region, "region", "us-east-1", "SigV4 signing `region`")
	fs.StringVar(&c.Bucket, "bucket", "", "existing `bucket` to use (default: create coffer-bench-<random> and remove it afterwards)")
	fs.StringVar(&c.Workload, "workload", WorkloadPut, "`workload`: put, get, head, delete, list, multipart, mixed or idle (hold --concurrency connections open for --duration)")
	fs.Var(sizeValue{&c.Size}, "size", "object `size` with an optional unit B, KB, MB, GB, KiB, MiB or GiB; the total size for multipart (default 4KiB, 64MiB for multipart)")
	fs.Var(sizeValue{&c.PartSize}, "part-size", "multipart part `size`; the last part may be shorter")
	fs.IntVar(&c.Concurrency, "concurrency", 16, "`N` operations in flight at once (also used for uploads before and cleanup after)")
	fs.DurationVar(&c.Duration, "duration", 0, "length of the measured window (default 10s unless --count is given)")
	fs.Int64Var(&c.Count, "count", 0, "run exactly `N` operations instead of running for --duration")
	fs.Int64Var(&c.Objects, "objects", 1000, "objects uploaded before measuring get, head, list and mixed; delete uploads --count objects when given, else `N`, and stops when they are gone")
	fs.IntVar(&c.MaxKeys, "max-keys", 1000, "`N` keys per ListObjectsV2 page in the list workload (at most 1000)")
	fs.IntVar(&c.Prefixes, "prefixes", 1, "spread keys over `N` prefixes")
	fs.Var(mixValue{&c.Mix}, "mix", "`weights` of put, get, head, delete, list and multipart for --workload mixed")
	fs.DurationVar(&c.Warmup, "warmup", 0, "run the workload for this `duration` before measuring and discard the results (delete uses up objects meanwhile)")
	fs.BoolVar(&o.json, "json", false, "print the report as one JSON object instead of a table")
	fs.BoolVar(&c.Keep, "keep", false, "keep the uploaded objects and the bucket")
	fs.BoolVar(&c.Insecure, "insecure", false, "skip TLS certificate verification")
	fs.Func("ca-bundle", "trust only the CA certificates in this PEM `file` for an https endpoint (for example ca.pem from coffer tls init)",
		func(path string) error {
			pool, err := loadCABundle(path)
			c.RootCAs = pool
			return err
		})
	fs.BoolVar(&c.Checksum, "checksum", false, "send a CRC32 checksum with every upload (computed by the client)")
	fs.StringVar(&c.SSE, "sse", "", "server-side encryption `algorithm` of every upload: AES256 or aws:kms (default: none sent, the bucket's default applies)")
	fs.StringVar(&c.SSEKMSKeyID, "sse-kms-key-id", "", "KMS `key` (id, ARN or alias) of --sse aws:kms uploads (default: the account's aws/s3 key)")
	fs.BoolVar(&c.BucketKey, "bucket-key", false, "with --sse aws:kms, ask for an S3 Bucket Key (otherwise bucket-key-enabled: false is sent)")
	fs.BoolVar(&c.SignPayload, "sign-payload", false, "sign upload bodies with SHA-256 instead of UNSIGNED-PAYLOAD (costs client CPU on http)")
	fs.IntVar(&c.ServerPID, "server-pid", 0, "sample VmRSS and VmHWM of local process `PID` during the run and report its peak memory")
	return fs
}

// usageHeader introduces --help; the flag list follows it.
const usageHeader = `Usage: coffer bench --endpoint URL [flags]

Measures an S3 endpoint (coffer or any other S3 server) through the S3 API:
operations per second, MiB per second, latency percentiles and errors by S3
error code. Objects for get, head, delete, list and mixed are uploaded before
the measured window; everything the run uploads is removed afterwards, with
the bucket if the run created it, unless --keep is given. GET bodies are
compared byte for byte with what was uploaded, and each walk of the list
workload must return exactly the uploaded keys in order (errors count as
"verify"). Latency runs from sending a request to reading its response's
last byte; for a listing page the SDK decodes the page after that.
The exit status is 0 when every operation succeeded, 1 when some failed or
the run could not be set up, 2 for a bad command line.

Examples:
  coffer bench --endpoint http://127.0.0.1:9000 --workload put --size 4KiB --duration 30s
  coffer bench --endpoint http://127.0.0.1:9000 --workload get --objects 500 --count 10000 --json
  coffer bench --endpoint http://127.0.0.1:9000 --workload multipart --size 64MiB --part-size 8MiB
  coffer bench --endpoint https://s3.local --insecure --workload mixed --mix put=20,get=70,delete=10
  coffer bench --endpoint https://127.0.0.1:9000 --ca-bundle coffer-tls/ca.pem --workload get
  coffer bench --endpoint http://127.0.0.1:9000 --workload put --server-pid $(pidof coffer)
  coffer bench --endpoint http://127.0.0.1:9000 --workload get --sse aws:kms --bucket-key
  coffer bench --endpoint http://127.0.0.1:9000 --workload idle --concurrency 10000 --server-pid $(pidof coffer)
  coffer bench --endpoint http://127.0.0.1:9000 --also-endpoint http://127.0.0.1:9001 --workload get --concurrency 32

Credentials default to $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY.

'coffer bench user --help' describes making, through the IAM API, an IAM
user to measure beside the root user.

Flags:
`

// writeUsage writes the full --help text: the header, then every flag in
// the --name form the examples use, with its default unless the usage text
// already explains it.
func writeUsage(fs *flag.FlagSet, w io.Writer) {
	var sb strings.Builder
	sb.WriteString(usageHeader)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&sb, "  --%s", f.Name)
		if arg != "" {
			fmt.Fprintf(&sb, " %s", arg)
		}
		fmt.Fprintf(&sb, "\n      %s", usage)
		if !strings.Contains(usage, "(default") && f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
			fmt.Fprintf(&sb, " (default %s)", f.DefValue)
		}
		sb.WriteString("\n")
	})
	_, _ = io.WriteString(w, sb.String())
}

// parseArgs parses the command line into options, filling credentials from
// getenv when the flags leave them empty.
func parseArgs(fs *flag.FlagSet, o *options, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrConfig, fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c := &o.cfg
	c.Workload = strings.ToLower(c.Workload)
	if set["mix"] && c.Workload != WorkloadMixed {
		return fmt.Errorf("%w: --mix applies only to --workload mixed", ErrConfig)
	}
	if !set["size"] && c.Workload == WorkloadMultipart {
		c.Size = defaultMultipartSize
	}
	if c.AccessKey == "" {
		c.AccessKey = getenv("AWS_ACCESS_KEY_ID")
	}
	if c.SecretKey == "" {
		c.SecretKey = getenv("AWS_SECRET_ACCESS_KEY")
	}
	return c.Validate()
}

// loadCABundle reads a PEM file of CA certificates into a pool.
func loadCABundle(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	return pool, nil
}
