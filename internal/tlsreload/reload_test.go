package tlsreload

import (
	"bytes"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/coffer-s3/coffer/internal/certgen"
	"github.com/coffer-s3/coffer/internal/clock"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type fixture struct {
	t         *testing.T
	ca        *certgen.CA
	dir       string
	cert, key string
	clock     *clock.Fake
	reg       *prometheus.Registry
	log       *bytes.Buffer
	r         *Reloader
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ca, err := certgen.NewCA("test CA", t0, 24*time.Hour*365)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := &fixture{t: t, ca: ca, dir: dir, cert: filepath.Join(dir, "cert.pem"), key: filepath.Join(dir, "key.pem"),
		clock: clock.NewFake(t0), reg: prometheus.NewRegistry(), log: &bytes.Buffer{}}
	f.write(f.issue(1, t0.Add(90*24*time.Hour)))
	f.r, err = New(Options{CertFile: f.cert, KeyFile: f.key, Clock: f.clock, Registerer: f.reg,
		Logger: slog.New(slog.NewTextHandler(f.log, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f
}

func (f *fixture) issue(serial int64, notAfter time.Time) *certgen.Pair {
	f.t.Helper()
	p, err := f.ca.Issue(certgen.Request{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: t0.Add(-time.Hour), NotAfter: notAfter, Serial: big.NewInt(serial)})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// write replaces both files the way certbot and most tools do: write a
// temporary file beside each, then rename it over the old one.
func (f *fixture) write(p *certgen.Pair) {
	f.t.Helper()
	f.writeFile(f.cert, p.CertPEM)
	f.writeFile(f.key, p.KeyPEM)
}

func (f *fixture) writeFile(path string, data []byte) {
	f.t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) serial() int64 { return f.r.Certificate().Leaf.SerialNumber.Int64() }

func (f *fixture) reloads(result string) float64 {
	return testutil.ToFloat64(f.r.metrics.reloads.WithLabelValues(result))
}

// settled checks twice, as Run does over two intervals: a change is
// judged once it has been seen unchanged by two checks.
func settled(r *Reloader) (bool, error) {
	if changed, err := r.Check(); changed || err != nil {
		return changed, err
	}
	return r.Check()
}

// TestCheck_HalfWrittenRenewal: a check that falls between the key's and
// the certificate's replacement neither serves nor refuses anything.
func TestCheck_HalfWrittenRenewal(t *testing.T) {
	f := newFixture(t)
	p := f.issue(2, t0.Add(time.Hour))
	f.writeFile(f.key, p.KeyPEM)
	if changed, err := f.r.Check(); changed || err != nil {
		t.Fatalf("Check() of a half-written renewal = %v, %v; want false, nil", changed, err)
	}
	f.writeFile(f.cert, p.CertPEM)
	if changed, err := settled(f.r); !changed || err != nil {
		t.Fatalf("settled Check() after the renewal completed = %v, %v; want true, nil", changed, err)
	}
	if f.serial() != 2 || f.reloads("failure") != 0 || strings.Contains(f.log.String(), "refused") {
		t.Errorf("serial %d, %v failures, log:\n%s; want serial 2 and no failure", f.serial(), f.reloads("failure"), f.log)
	}
}

func TestCheck_Unchanged(t *testing.T) {
	f := newFixture(t)
	changed, err := settled(f.r)
	if changed || err != nil {
		t.Fatalf("Check() = %v, %v; want false, nil", changed, err)
	}
	if f.reloads("success")+f.reloads("failure") != 0 {
		t.Error("an unchanged pair was counted as a reload")
	}
}

func TestCheck_Rotation(t *testing.T) {
	f := newFixture(t)
	for serial := int64(2); serial <= 4; serial++ {
		notAfter := t0.Add(time.Duration(serial) * 90 * 24 * time.Hour)
		f.write(f.issue(serial, notAfter))
		changed, err := settled(f.r)
		if !changed || err != nil {
			t.Fatalf("Check() after renewal %d = %v, %v; want true, nil", serial, changed, err)
		}
		if got := f.serial(); got != serial {
			t.Errorf("serving serial %d, want %d", got, serial)
		}
		if got := testutil.ToFloat64(f.r.metrics.expiry); got != float64(notAfter.Unix()) {
			t.Errorf("expiry gauge = %v, want %v", got, notAfter.Unix())
		}
	}
	if got := f.reloads("success"); got != 3 {
		t.Errorf("success reloads = %v, want 3", got)
	}
}

func TestCheck_BrokenPairKeepsOld(t *testing.T) {
	other := func(f *fixture) { // a key that belongs to another certificate
		f.writeFile(f.key, f.issue(9, t0.Add(time.Hour)).KeyPEM)
	}
	tests := []struct {
		name    string
		breakIt func(f *fixture)
		want    error
	}{
		{"garbage certificate", func(f *fixture) { f.writeFile(f.cert, []byte("not PEM")) }, ErrInvalidPair},
		{"truncated certificate", func(f *fixture) {
			p := f.issue(5, t0.Add(time.Hour))
			f.writeFile(f.cert, p.CertPEM[:len(p.CertPEM)/2])
			f.writeFile(f.key, p.KeyPEM)
		}, ErrInvalidPair},
		{"key mismatch", other, ErrInvalidPair},
		{"expired", func(f *fixture) { f.write(f.issue(6, t0.Add(-time.Minute))) }, ErrExpired},
		{"missing key", func(f *fixture) { os.Remove(f.key) }, ErrRead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.breakIt(f)
			changed, err := settled(f.r)
			if changed || !errors.Is(err, tt.want) {
				t.Fatalf("Check() = %v, %v; want false, %v", changed, err, tt.want)
			}
			if got := f.serial(); got != 1 {
				t.Errorf("serving serial %d after a broken renewal, want the old 1", got)
			}
			if got := testutil.ToFloat64(f.r.metrics.expiry); got != float64(t0.Add(90*24*time.Hour).Unix()) {
				t.Errorf("expiry gauge moved to %v on a refused pair", got)
			}
			if tt.want == ErrRead {
				// A missing file is retried; warned about once, when
				// it is still missing at the next check.
				f.r.Check()
				f.r.Check()
				if got := strings.Count(f.log.String(), "cannot be read"); got != 1 {
					t.Errorf("%d warnings about unreadable files, want 1:\n%s", got, f.log)
				}
				return
			}
			if got := strings.Count(f.log.String(), "reload refused"); got != 1 {
				t.Errorf("%d refusal log lines, want 1:\n%s", got, f.log)
			}
			if _, err := f.r.Check(); err != nil {
				t.Errorf("second Check of the same broken content = %v, want nil (judged once)", err)
			}
			if got := strings.Count(f.log.String(), "reload refused"); got != 1 {
				t.Errorf("the same broken content was logged again:\n%s", f.log)
			}
			if got := f.reloads("failure"); got != 1 {
				t.Errorf("failure reloads = %v, want 1", got)
			}
			// A good pair after the broken one serves.
			f.write(f.issue(7, t0.Add(48*time.Hour)))
			if changed, err := settled(f.r); !changed || err != nil {
				t.Fatalf("Check() after repair = %v, %v", changed, err)
			}
			if got := f.serial(); got != 7 {
				t.Errorf("serving serial %d after repair, want 7", got)
			}
		})
	}
}

// TestCheck_SymlinkSwap covers Kubernetes secret volumes (cert-manager):
// the files are symbolic links through a "..data" link that is swapped to
// a new directory in one rename.
func TestCheck_SymlinkSwap(t *testing.T) {
	f := newFixture(t)
	vol := t.TempDir()
	put := func(gen string, p *certgen.Pair) {
		d := filepath.Join(vol, gen)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "tls.crt"), p.CertPEM, 0o600)
		os.WriteFile(filepath.Join(d, "tls.key"), p.KeyPEM, 0o600)
		tmp := filepath.Join(vol, "..data_tmp")
		if err := os.Symlink(gen, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(vol, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	put("gen1", f.issue(11, t0.Add(time.Hour)))
	os.Symlink("..data/tls.crt", filepath.Join(vol, "tls.crt"))
	os.Symlink("..data/tls.key", filepath.Join(vol, "tls.key"))
	r, err := New(Options{CertFile: filepath.Join(vol, "tls.crt"), KeyFile: filepath.Join(vol, "tls.key"), Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	put("gen2", f.issue(12, t0.Add(time.Hour)))
	if changed, err := settled(r); !changed || err != nil {
		t.Fatalf("Check() after the swap = %v, %v", changed, err)
	}
	if got := r.Certificate().Leaf.SerialNumber.Int64(); got != 12 {
		t.Errorf("serving serial %d, want 12", got)
	}
}

func TestNew_Refuses(t *testing.T) {
	f := newFixture(t)
	f.write(f.issue(3, t0.Add(-time.Second)))
	if _, err := New(Options{CertFile: f.cert, KeyFile: f.key, Clock: f.clock}); !errors.Is(err, ErrExpired) {
		t.Errorf("New with an expired certificate = %v, want ErrExpired", err)
	}
	if _, err := New(Options{CertFile: f.cert}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("New without a key file = %v, want ErrInvalidOptions", err)
	}
}

func TestMetrics_Registered(t *testing.T) {
	f := newFixture(t)
	n, err := testutil.GatherAndCount(f.reg, NameExpiry, NameReloads)
	if err != nil || n != 3 {
		t.Errorf("gathered %d series (%v), want 3 (expiry, success, failure)", n, err)
	}
}

func TestLog_NoKeyMaterial(t *testing.T) {
	f := newFixture(t)
	f.writeFile(f.cert, []byte("junk"))
	settled(f.r)
	if strings.Contains(f.log.String(), "PRIVATE KEY") {
		t.Errorf("log shows key material:\n%s", f.log)
	}
}
