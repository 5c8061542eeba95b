package server

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coffer-s3/coffer/internal/certgen"
	"github.com/coffer-s3/coffer/internal/tlsreload"
)

// tlsFixture is a server serving TLS from PEM files a test can renew.
type tlsFixture struct {
	*testServer
	t         *testing.T
	ca        *certgen.CA
	cert, key string
	reloader  *tlsreload.Reloader
	roots     *x509.CertPool
}

func startTLS(t *testing.T, h http.Handler, mod func(*Options)) *tlsFixture {
	t.Helper()
	ca, err := certgen.NewCA("server test CA", time.Now(), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := &tlsFixture{t: t, ca: ca, cert: filepath.Join(dir, "cert.pem"), key: filepath.Join(dir, "key.pem"), roots: ca.Pool()}
	f.renew(1)
	reg := prometheus.NewRegistry()
	if f.reloader, err = tlsreload.New(tlsreload.Options{CertFile: f.cert, KeyFile: f.key, Registerer: reg}); err != nil {
		t.Fatal(err)
	}
	f.testServer = start(t, h, func(o *Options) {
		o.GetCertificate = f.reloader.GetCertificate
		if mod != nil {
			mod(o)
		}
	})
	f.url = "https://" + f.Addr().String()
	return f
}

// renew writes a new pair with serial n, renaming it over the old files.
func (f *tlsFixture) renew(n int64) {
	f.t.Helper()
	now := time.Now()
	p, err := f.ca.Issue(certgen.Request{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), Serial: big.NewInt(n)})
	if err != nil {
		f.t.Fatal(err)
	}
	f.replace(f.cert, p.CertPEM)
	f.replace(f.key, p.KeyPEM)
}

func (f *tlsFixture) replace(path string, data []byte) {
	f.t.Helper()
	if err := os.WriteFile(path+".new", data, 0o600); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		f.t.Fatal(err)
	}
}

// client returns a client that trusts the test CA, with keep-alives off
// when fresh is set so that every request is a new handshake.
func (f *tlsFixture) client(fresh bool, h2 bool) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: f.roots},
		DisableKeepAlives: fresh,
		ForceAttemptHTTP2: h2,
	}
	f.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// servedSerial makes a fresh handshake and returns the leaf's serial.
func (f *tlsFixture) servedSerial() int64 {
	f.t.Helper()
	conn, err := tls.Dial("tcp", f.Addr().String(), &tls.Config{RootCAs: f.roots})
	if err != nil {
		f.t.Fatalf("handshake: %v", err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

// TestTLS_RotationUnderLoad keeps a client making requests, each on a new
// handshake, while the certificate is renewed three times with a broken
// pair in between; and one connection opened before the first renewal
// keeps working on its original certificate.
func TestTLS_RotationUnderLoad(t *testing.T) {
	f := startTLS(t, s3Stub, nil)
	long := f.client(false, false)
	resp, err := long.Get(f.url + "/bucket/key")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	firstSerial := resp.TLS.PeerCertificates[0].SerialNumber.Int64()

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	loop := f.client(true, false)
	wg.Go(func() {
		for ctx.Err() == nil {
			resp, err := loop.Get(f.url + "/bucket/key")
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ok.Add(1)
		}
	})

	steps := []struct {
		serial int64 // 0: a broken pair
		want   int64 // the serial handshakes see afterwards
	}{{2, 2}, {0, 2}, {3, 3}, {4, 4}}
	for _, st := range steps {
		before := ok.Load()
		if st.serial == 0 {
			f.replace(f.key, []byte("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"))
			if _, err := settled(f.reloader); !errors.Is(err, tlsreload.ErrInvalidPair) {
				t.Fatalf("Check of a broken key = %v, want ErrInvalidPair", err)
			}
		} else {
			f.renew(st.serial)
			if changed, err := settled(f.reloader); !changed || err != nil {
				t.Fatalf("Check after renewal %d = %v, %v", st.serial, changed, err)
			}
		}
		if got := f.servedSerial(); got != st.want {
			t.Errorf("after step %+v a new handshake sees serial %d, want %d", st, got, st.want)
		}
		waitFor(t, func() bool { return ok.Load() > before+2 }, "client loop to make progress")
	}
	stop()
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d requests failed across renewals; first: %v", n, n+ok.Load(), firstErr.Load())
	}

	// The connection opened before any renewal is still the same one,
	// still on the first certificate.
	resp, err = long.Get(f.url + "/bucket/key")
	if err != nil {
		t.Fatalf("request on the long-lived connection: %v", err)
	}
	resp.Body.Close()
	// A new connection would see serial 4, so the first serial proves the
	// old connection was kept and not renegotiated.
	if got := resp.TLS.PeerCertificates[0].SerialNumber.Int64(); got != firstSerial {
		t.Errorf("long-lived connection now sees serial %d, want %d", got, firstSerial)
	}
}

// settled checks the files twice, as the reloader's loop does over two
// intervals before it judges a change.
func settled(r *tlsreload.Reloader) (bool, error) {
	if changed, err := r.Check(); changed || err != nil {
		return changed, err
	}
	return r.Check()
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTLS_OldVersionsRefused(t *testing.T) {
	f := startTLS(t, s3Stub, nil)
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		conn, err := tls.Dial("tcp", f.Addr().String(), &tls.Config{RootCAs: f.roots, MinVersion: v, MaxVersion: v})
		if err == nil {
			conn.Close()
			t.Errorf("handshake with %s succeeded, want refused", tls.VersionName(v))
		}
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		conn, err := tls.Dial("tcp", f.Addr().String(), &tls.Config{RootCAs: f.roots, MinVersion: v, MaxVersion: v})
		if err != nil {
			t.Errorf("handshake with %s: %v", tls.VersionName(v), err)
			continue
		}
		conn.Close()
	}
}

// TestTLS_CipherSuites offers each TLS 1.2 suite Go knows, one at a time,
// to a server with an ECDSA and one with an RSA certificate, and checks
// that exactly the allowed suites for that key type negotiate.
func TestTLS_CipherSuites(t *testing.T) {
	rsaCert, rsaRoots := rsaSelfSigned(t)
	ecdsaSrv := startTLS(t, s3Stub, nil)
	rsaSrv := start(t, s3Stub, func(o *Options) {
		o.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return rsaCert, nil }
	})
	servers := []struct {
		name  string
		addr  string
		roots *x509.CertPool
	}{
		{"ECDSA", ecdsaSrv.Addr().String(), ecdsaSrv.roots},
		{"RSA", rsaSrv.Addr().String(), rsaRoots},
	}
	allowed := TLSCipherSuites()
	all := append(tls.CipherSuites(), tls.InsecureCipherSuites()...)
	for _, srv := range servers {
		negotiated := 0
		for _, cs := range all {
			if !slices.Contains(cs.SupportedVersions, tls.VersionTLS12) {
				continue
			}
			conn, err := tls.Dial("tcp", srv.addr, &tls.Config{RootCAs: srv.roots, ServerName: "127.0.0.1",
				MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{cs.ID}})
			want := slices.Contains(allowed, cs.ID) && strings.Contains(cs.Name, "_"+srv.name+"_")
			switch {
			case err == nil && !want:
				t.Errorf("%s certificate: %s negotiated, want refused", srv.name, cs.Name)
			case err != nil && want:
				t.Errorf("%s certificate: %s refused: %v", srv.name, cs.Name, err)
			}
			if err == nil {
				negotiated++
				conn.Close()
			}
		}
		if negotiated != 3 {
			t.Errorf("%s certificate: %d TLS 1.2 suites negotiated, want 3 (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305)", srv.name, negotiated)
		}
	}
}

// rsaSelfSigned returns a self-signed RSA certificate for 127.0.0.1 and a
// pool trusting it (certgen makes ECDSA keys only).
func rsaSelfSigned(t *testing.T) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestTLS_HTTP2(t *testing.T) {
	var proto atomic.Value
	f := startTLS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "s3")
	}), nil)
	resp, err := f.client(false, true).Post(f.url+"/b/k", "application/octet-stream", strings.NewReader("data"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || proto.Load() != "HTTP/2.0" {
		t.Errorf("response %s, handler saw %v; want HTTP/2.0 by ALPN", resp.Proto, proto.Load())
	}
}

func TestTLS_PlainHTTPOnTLSListenerFails(t *testing.T) {
	f := startTLS(t, s3Stub, nil)
	resp, err := http.Get("http://" + f.Addr().String() + "/b/k")
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP on the TLS listener answered 200")
		}
	}
}

func TestHealthListener(t *testing.T) {
	f := startTLS(t, s3Stub, func(o *Options) { o.Config.HealthAddress = "127.0.0.1:0" })
	base := "http://" + f.HealthAddr().String()
	for _, p := range []string{PathLive, PathReady, PathMetrics} {
		if code, _, _ := get(t, base+p, nil); code != http.StatusOK {
			t.Errorf("GET %s on the health listener = %d, want 200", p, code)
		}
	}
	if code, body, _ := get(t, base+"/bucket/key", nil); code != http.StatusNotFound || body == "s3" {
		t.Errorf("GET /bucket/key on the health listener = %d %q, want 404 and no S3", code, body)
	}
	req, _ := http.NewRequest(http.MethodPut, base+PathLive, nil)
	if code, _, _ := do(t, req); code != http.StatusMethodNotAllowed {
		t.Errorf("PUT %s on the health listener = %d, want 405", PathLive, code)
	}
	if err := f.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + PathLive); err == nil {
		t.Error("health listener still answers after Shutdown")
	}
}
