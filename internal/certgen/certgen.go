package certgen

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// ErrNoNames is returned by Issue without any DNS name or IP address.
var ErrNoNames = errors.New("certgen: a server certificate needs at least one name or IP address")

// CA is a certificate authority that can sign server certificates.
type CA struct {
	Cert *x509.Certificate
	key  crypto.Signer
	// CertPEM and KeyPEM are the CA certificate and its PKCS #8 key.
	CertPEM, KeyPEM []byte
}

// Pair is a PEM certificate and its PKCS #8 private key.
type Pair struct {
	Cert            *x509.Certificate
	CertPEM, KeyPEM []byte
}

// NewCA creates a self-signed CA named name, valid from now for validity.
func NewCA(name string, now time.Time, validity time.Duration) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certgen: generate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"coffer local CA"}},
		NotBefore:             now.Add(-time.Hour), // tolerate clock skew between machines
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certgen: create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certgen: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, key: key, CertPEM: encodeCert(der), KeyPEM: keyPEM}, nil
}

// Request describes a server certificate to issue.
type Request struct {
	// DNSNames and IPs are the subject alternative names clients check.
	DNSNames []string
	IPs      []net.IP
	// NotBefore and NotAfter bound its validity.
	NotBefore, NotAfter time.Time
	// Serial, if set, is the serial number; otherwise a random one.
	Serial *big.Int
}

// Issue signs a server certificate for req with a fresh key.
func (ca *CA) Issue(req Request) (*Pair, error) {
	if len(req.DNSNames) == 0 && len(req.IPs) == 0 {
		return nil, ErrNoNames
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certgen: generate key: %w", err)
	}
	serial := req.Serial
	if serial == nil {
		if serial, err = randomSerial(); err != nil {
			return nil, err
		}
	}
	cn := ""
	if len(req.DNSNames) > 0 {
		cn = req.DNSNames[0]
	} else {
		cn = req.IPs[0].String()
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    req.NotBefore,
		NotAfter:     req.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     req.DNSNames,
		IPAddresses:  req.IPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, fmt.Errorf("certgen: create server certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certgen: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return &Pair{Cert: cert, CertPEM: encodeCert(der), KeyPEM: keyPEM}, nil
}

// Pool returns a pool that trusts only ca.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

func randomSerial() (*big.Int, error) {
	// RFC 5280 allows 20 octets; 128 random bits is what CAs use.
	s, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("certgen: serial: %w", err)
	}
	return s.Add(s, big.NewInt(1)), nil // never zero
}

func encodeCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("certgen: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ErrNotCA is returned by LoadCA for a certificate that cannot sign others.
var ErrNotCA = errors.New("certgen: certificate is not a CA")

// LoadCA reads a CA written earlier (its CertPEM and KeyPEM), so that a
// renewed server certificate chains to the CA clients already trust.
func LoadCA(certPEM, keyPEM []byte) (*CA, error) {
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, errors.New("certgen: CA certificate: no PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certgen: CA certificate: %w", err)
	}
	if !cert.IsCA {
		return nil, ErrNotCA
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil || kb.Type != "PRIVATE KEY" {
		return nil, errors.New("certgen: CA key: no PEM PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certgen: CA key: %w", err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("certgen: CA key does not match the CA certificate")
	}
	return &CA{Cert: cert, key: key, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}
