package coffertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"time"
)

// WithTLS serves HTTPS with a self-signed certificate for 127.0.0.1 that
// the returned clients trust, through the server's own TLS policy (TLS 1.2+,
// HTTP/2 by ALPN, which the returned clients use). The AWS SDK sends its
// default checksums as aws-chunked trailers only over TLS, so tests of that
// path need it.
func WithTLS() Option {
	return func(s *settings) { s.tls = true }
}

// selfSigned returns a certificate for 127.0.0.1 valid for a day, and a pool
// that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generate key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "coffertest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool, nil
}

// HTTPClient returns an http.Client for the server: it trusts the server's
// certificate when it serves TLS.
func (s *Server) HTTPClient() *http.Client {
	if s.roots == nil {
		return &http.Client{}
	}
	return &http.Client{Transport: s.transport()}
}

func (s *Server) transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if s.roots != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}
	}
	return t
}

// RootCAs returns a pool that trusts the server's certificate, or nil when
// it serves plain HTTP.
func (s *Server) RootCAs() *x509.CertPool { return s.roots }
