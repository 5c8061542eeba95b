package tlsreload

import (
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/certgen"
)

// FuzzParsePair feeds arbitrary certificate and key files to the parser
// every reload runs: it must never panic, and whatever it accepts must have
// a leaf that is valid at the time given.
func FuzzParsePair(f *testing.F) {
	ca, err := certgen.NewCA("fuzz", t0, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	p, err := ca.Issue(certgen.Request{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: t0, NotAfter: t0.Add(time.Hour), Serial: big.NewInt(1)})
	if err != nil {
		f.Fatal(err)
	}
	chain := append(append([]byte{}, p.CertPEM...), ca.CertPEM...)
	f.Add(p.CertPEM, p.KeyPEM)           // a good pair
	f.Add(chain, p.KeyPEM)               // leaf and CA
	f.Add(ca.CertPEM, p.KeyPEM)          // key of another certificate
	f.Add(p.CertPEM[:40], p.KeyPEM)      // truncated
	f.Add([]byte("not PEM"), []byte("")) // garbage
	f.Fuzz(func(t *testing.T, certPEM, keyPEM []byte) {
		now := t0.Add(time.Minute)
		c, err := parsePair(certPEM, keyPEM, now)
		if err != nil {
			return
		}
		if c.Leaf == nil || now.After(c.Leaf.NotAfter) {
			t.Errorf("accepted a pair without a valid leaf: %+v", c.Leaf)
		}
	})
}
