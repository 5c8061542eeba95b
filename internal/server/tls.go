package server

import (
	"crypto/tls"
	"net"
)

// tlsCipherSuites are the TLS 1.2 suites coffer negotiates: ephemeral ECDHE
// key exchange (forward secrecy) with an AEAD cipher, for ECDSA and RSA
// certificates. No CBC, no RSA key exchange, no 3DES or RC4. TLS 1.3's
// suites are all AEAD and not configurable in Go. Order does not matter:
// Go picks by the client's preference and hardware support.
var tlsCipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// TLSCipherSuites returns the TLS 1.2 cipher suites the server accepts, for
// tests and documentation.
func TLSCipherSuites() []uint16 { return append([]uint16(nil), tlsCipherSuites...) }

// tlsConfig is coffer's TLS policy: TLS 1.2 and 1.3 only, the suites above,
// HTTP/2 or HTTP/1.1 by ALPN, and the certificate asked from getCert at
// every handshake (so a reloaded certificate serves the next handshake
// while established connections keep theirs). Go's TLS stack has no
// compression and no client-initiated renegotiation, and always supports
// the secure renegotiation extension.
func tlsConfig(getCert func(*tls.ClientHelloInfo) (*tls.Certificate, error)) *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   TLSCipherSuites(),
		GetCertificate: getCert,
		NextProtos:     []string{"h2", "http/1.1"},
	}
}

// tlsListener serves TLS on ln when the server has a certificate source.
func (s *Server) tlsListener(ln net.Listener) net.Listener {
	if s.opts.GetCertificate == nil {
		return ln
	}
	return tls.NewListener(ln, tlsConfig(s.opts.GetCertificate))
}
