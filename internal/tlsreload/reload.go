package tlsreload

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/clock"
)

// DefaultInterval is how often Run checks the files when Options.Interval
// is zero: short enough that a renewal serves within seconds, long enough
// that reading two small files is free.
const DefaultInterval = 2 * time.Second

// Errors that describe why a pair was refused. They are wrapped with the
// file names and the underlying cause.
var (
	ErrInvalidOptions = errors.New("tlsreload: invalid options")
	ErrRead           = errors.New("tlsreload: cannot read certificate or key")
	ErrInvalidPair    = errors.New("tlsreload: certificate and key do not form a valid pair")
	ErrExpired        = errors.New("tlsreload: certificate has expired")
)

// Options configures a Reloader.
type Options struct {
	// CertFile holds the PEM certificate, leaf first, optionally followed
	// by intermediates. KeyFile holds its PEM private key. Both required.
	CertFile, KeyFile string
	// Interval between checks in Run. Zero means DefaultInterval.
	Interval time.Duration
	// Clock decides whether a certificate has expired. Nil means the wall
	// clock.
	Clock clock.Clock
	// Logger receives one record per reload. Nil discards.
	Logger *slog.Logger
	// Registerer, if set, receives the certificate expiry gauge and the
	// reload counter (see metrics.go).
	Registerer prometheus.Registerer
}

// Reloader serves the current certificate to TLS handshakes and replaces it
// when its files change. Its methods are safe for concurrent use.
type Reloader struct {
	opts    Options
	log     *slog.Logger
	metrics *reloadMetrics

	cur atomic.Pointer[tls.Certificate]

	mu      sync.Mutex        // serialises Check
	last    [sha256.Size]byte // contents last judged (served or refused)
	pending [sha256.Size]byte // contents seen at the previous check
	// readFailures counts consecutive checks that could not read the
	// files.
	readFailures int
}

// New loads the pair named by opts and returns a Reloader serving it. It
// fails if the pair cannot be loaded, so a server never starts without a
// usable certificate.
func New(opts Options) (*Reloader, error) {
	if opts.CertFile == "" || opts.KeyFile == "" {
		return nil, fmt.Errorf("%w: certificate and key files are both required", ErrInvalidOptions)
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Reloader{opts: opts, log: opts.Logger}
	sum, cert, err := r.load()
	if err != nil {
		return nil, err
	}
	if r.metrics, err = newMetrics(opts.Registerer); err != nil {
		return nil, err
	}
	r.last, r.pending = sum, sum
	r.cur.Store(cert)
	r.metrics.served(cert)
	r.log.Info("TLS certificate loaded", certAttrs(cert)...)
	return r, nil
}

// GetCertificate returns the current certificate. It has the signature of
// tls.Config.GetCertificate.
func (r *Reloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return r.cur.Load(), nil
}

// Certificate returns the certificate new handshakes are served.
func (r *Reloader) Certificate() *tls.Certificate { return r.cur.Load() }

// Check re-reads the files once. It returns true if a new pair now serves.
//
// A change is acted on only when two consecutive checks see the same new
// contents: renewals write the certificate and the key one after the
// other (two renames, or an in-place write), and a check that falls
// between them must not judge the half-renewed pair. The price is one
// interval of delay. When the settled contents do not form a valid pair,
// Check logs one warning, counts a failure, keeps the current pair and
// returns the reason; the same contents are not judged again. Tests call
// Check directly instead of waiting for Run's interval.
func (r *Reloader) Check() (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sum, err := r.hash()
	if err != nil {
		// A file missing for an instant is what a non-atomic replace
		// looks like from here: retry on the next tick, and warn once
		// only if it is still missing then.
		r.readFailures++
		if r.readFailures == 2 {
			r.log.Warn("TLS certificate files cannot be read; the current certificate keeps serving",
				"cert_file", r.opts.CertFile, "key_file", r.opts.KeyFile, "err", err)
		}
		return false, err
	}
	r.readFailures = 0
	if sum == r.last {
		r.pending = sum
		return false, nil
	}
	if sum != r.pending {
		r.pending = sum // changed since the last check: let it settle
		return false, nil
	}
	sum, cert, err := r.load()
	r.last, r.pending = sum, sum
	if err != nil {
		r.metrics.reloaded(false)
		r.log.Warn("TLS certificate reload refused; the previous certificate keeps serving",
			"cert_file", r.opts.CertFile, "key_file", r.opts.KeyFile, "err", err)
		return false, err
	}
	r.cur.Store(cert)
	r.metrics.reloaded(true)
	r.metrics.served(cert)
	r.log.Info("TLS certificate reloaded", certAttrs(cert)...)
	return true, nil
}

// Run calls Check every interval until ctx is done.
func (r *Reloader) Run(ctx context.Context) {
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = r.Check()
		}
	}
}

// hash returns the hash of both files' contents.
func (r *Reloader) hash() ([sha256.Size]byte, error) {
	certPEM, keyPEM, err := r.read()
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return pairHash(certPEM, keyPEM), nil
}

func (r *Reloader) read() (certPEM, keyPEM []byte, err error) {
	if certPEM, err = os.ReadFile(r.opts.CertFile); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	if keyPEM, err = os.ReadFile(r.opts.KeyFile); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	return certPEM, keyPEM, nil
}

// load reads and validates the pair, returning the hash of what it read.
func (r *Reloader) load() ([sha256.Size]byte, *tls.Certificate, error) {
	certPEM, keyPEM, err := r.read()
	if err != nil {
		return [sha256.Size]byte{}, nil, err
	}
	sum := pairHash(certPEM, keyPEM)
	cert, err := parsePair(certPEM, keyPEM, r.opts.Clock.Now())
	if err != nil {
		return sum, nil, fmt.Errorf("%s, %s: %w", r.opts.CertFile, r.opts.KeyFile, err)
	}
	return sum, cert, nil
}

// pairHash hashes both contents with their lengths, so that moving bytes
// from one file to the other is a change.
func pairHash(certPEM, keyPEM []byte) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d:", len(certPEM))
	h.Write(certPEM)
	h.Write(keyPEM)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// parsePair builds a certificate from PEM and checks it can serve at now.
// tls.X509KeyPair checks that the key matches the leaf's public key and
// fills Leaf.
func parsePair(certPEM, keyPEM []byte, now time.Time) (*tls.Certificate, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPair, err)
	}
	if cert.Leaf == nil {
		return nil, fmt.Errorf("%w: no leaf certificate", ErrInvalidPair)
	}
	if now.After(cert.Leaf.NotAfter) {
		return nil, fmt.Errorf("%w: not valid after %s", ErrExpired, cert.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return &cert, nil
}

// certAttrs describes a certificate for the log: public facts only.
func certAttrs(c *tls.Certificate) []any {
	return []any{
		"subject", c.Leaf.Subject.String(),
		"serial", c.Leaf.SerialNumber.Text(16),
		"not_after", c.Leaf.NotAfter.UTC().Format(time.RFC3339),
		"dns_names", c.Leaf.DNSNames,
	}
}
