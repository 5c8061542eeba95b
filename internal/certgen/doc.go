// Package certgen creates a local certificate authority and server
// certificates signed by it, as PEM, for first tries of HTTPS and for tests.
// Keys are ECDSA P-256 made with crypto/rand; nothing here is meant to
// replace a real CA's issuance (no revocation, no CRL, no OCSP).
package certgen
