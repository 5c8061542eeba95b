package certgen

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"testing"
	"time"
)

func TestIssue_VerifiesAgainstCA(t *testing.T) {
	now := time.Now()
	ca, err := NewCA("test", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ca.Issue(Request{DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(p.CertPEM, p.KeyPEM); err != nil {
		t.Fatalf("issued pair does not load: %v", err)
	}
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := p.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: name}); err != nil {
			t.Errorf("Verify(%s) = %v", name, err)
		}
	}
	if _, err := p.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "example.com"}); err == nil {
		t.Error("certificate verifies for a name it was not issued for")
	}
	if _, err := ca.Issue(Request{NotAfter: now.Add(time.Hour)}); !errors.Is(err, ErrNoNames) {
		t.Errorf("Issue without names = %v, want ErrNoNames", err)
	}
}

func TestLoadCA_RoundTrip(t *testing.T) {
	now := time.Now()
	ca, err := NewCA("test", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadCA(ca.CertPEM, ca.KeyPEM)
	if err != nil {
		t.Fatalf("LoadCA: %v", err)
	}
	p, err := again.Issue(Request{DNSNames: []string{"localhost"}, NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "localhost"}); err != nil {
		t.Errorf("certificate from the reloaded CA does not verify against the original: %v", err)
	}
	other, _ := NewCA("other", now, time.Hour)
	if _, err := LoadCA(ca.CertPEM, other.KeyPEM); err == nil {
		t.Error("LoadCA accepted a key of another CA")
	}
	leaf, _ := ca.Issue(Request{DNSNames: []string{"x"}, NotBefore: now, NotAfter: now.Add(time.Hour)})
	if _, err := LoadCA(leaf.CertPEM, leaf.KeyPEM); !errors.Is(err, ErrNotCA) {
		t.Errorf("LoadCA of a leaf = %v, want ErrNotCA", err)
	}
}
