package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/coffer-s3/coffer/internal/certgen"
)

// Files `coffer tls init` writes into its directory.
const (
	tlsCAFile    = "ca.pem"     // the CA certificate clients trust
	tlsCAKeyFile = "ca-key.pem" // the CA's key, kept to renew cert.pem
	tlsCertFile  = "cert.pem"   // the server certificate (--tls-cert)
	tlsKeyFile   = "key.pem"    // its key (--tls-key)
)

// runTLS is `coffer tls <subcommand>`.
func runTLS(ctx context.Context, env environment, args []string) int {
	if len(args) == 0 || args[0] != "init" {
		fmt.Fprintf(env.stderr, "Usage: coffer tls init [flags]\n\n"+
			"Creates a local certificate authority and a server certificate signed by it.\n"+
			"Run 'coffer tls init -help' for the flags.\n")
		return 2
	}
	return runTLSInit(ctx, env, args[1:])
}

// runTLSInit writes a local CA (unless the directory already has one) and
// a fresh server certificate signed by it. Run again on the same
// directory, it renews cert.pem and key.pem from the same CA, replacing
// each by a rename, so a server reading them picks the new pair up and
// clients keep trusting ca.pem.
func runTLSInit(_ context.Context, env environment, args []string) int {
	fset := flag.NewFlagSet("tls init", flag.ContinueOnError)
	fset.SetOutput(env.stderr)
	dir := fset.String("dir", "coffer-tls", "`directory` to write ca.pem, ca-key.pem, cert.pem and key.pem into")
	var names, ips []string
	fset.Func("name", "DNS `name` the server certificate is for; repeatable (default localhost when no -name or -ip)",
		func(v string) error { names = append(names, v); return nil })
	fset.Func("ip", "IP `address` the server certificate is for; repeatable (default 127.0.0.1 and ::1 when no -name or -ip)",
		func(v string) error {
			if net.ParseIP(v) == nil {
				return fmt.Errorf("not an IP address: %q", v)
			}
			ips = append(ips, v)
			return nil
		})
	days := fset.Int("days", 397, "validity of the server certificate in `days`")
	fset.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: coffer tls init [flags]\n\n"+
			"Creates a local certificate authority and a server certificate signed by it,\n"+
			"for first tries of HTTPS and tests. Give clients ca.pem (aws --ca-bundle,\n"+
			"boto3 verify=, curl --cacert) and start the server with\n"+
			"--tls-cert DIR/cert.pem --tls-key DIR/key.pem. Run it again on the same\n"+
			"directory to renew the server certificate from the same CA.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() > 0 || *days <= 0 {
		fset.Usage()
		return 2
	}
	if len(names) == 0 && len(ips) == 0 {
		names, ips = []string{"localhost"}, []string{"127.0.0.1", "::1"}
	}
	req := certgen.Request{DNSNames: names}
	for _, ip := range ips {
		req.IPs = append(req.IPs, net.ParseIP(ip))
	}
	created, err := tlsInit(*dir, req, time.Duration(*days)*24*time.Hour, time.Now())
	if err != nil {
		fmt.Fprintf(env.stderr, "coffer tls init: %v\n", err)
		return 1
	}
	what := "reused the CA in"
	if created {
		what = "created a CA in"
	}
	fmt.Fprintf(env.stdout, "coffer tls init: %s %s; issued %s and %s for %v %v\n\n"+
		"  coffer server --tls-cert %s --tls-key %s\n"+
		"  aws --endpoint-url https://%s:9000 --ca-bundle %s s3 ls\n",
		what, *dir, tlsCertFile, tlsKeyFile, names, ips,
		filepath.Join(*dir, tlsCertFile), filepath.Join(*dir, tlsKeyFile),
		endpointHost(names, ips), filepath.Join(*dir, tlsCAFile))
	return 0
}

// caValidity is how long a CA made by tls init lasts: longer than any
// certificate it will sign, so renewing never needs a new trust anchor.
const caValidity = 10 * 365 * 24 * time.Hour

// tlsInit loads or creates the CA in dir and writes a new server pair
// signed by it. It reports whether it created the CA.
func tlsInit(dir string, req certgen.Request, validity time.Duration, now time.Time) (bool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	ca, created, err := loadOrCreateCA(dir, now)
	if err != nil {
		return false, err
	}
	req.NotBefore, req.NotAfter = now.Add(-time.Hour), now.Add(validity)
	pair, err := ca.Issue(req)
	if err != nil {
		return false, err
	}
	// The key first: a server that polls between the two renames sees a
	// mismatched pair, refuses it and keeps the old one until the
	// certificate arrives a moment later.
	if err := writeAtomic(filepath.Join(dir, tlsKeyFile), pair.KeyPEM, 0o600); err != nil {
		return false, err
	}
	return created, writeAtomic(filepath.Join(dir, tlsCertFile), pair.CertPEM, 0o644)
}

func loadOrCreateCA(dir string, now time.Time) (*certgen.CA, bool, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, tlsCAFile))
	if err == nil {
		keyPEM, err := os.ReadFile(filepath.Join(dir, tlsCAKeyFile))
		if err != nil {
			return nil, false, fmt.Errorf("%s exists but its key cannot be read: %w", tlsCAFile, err)
		}
		ca, err := certgen.LoadCA(certPEM, keyPEM)
		return ca, false, err
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	ca, err := certgen.NewCA("coffer local CA", now, caValidity)
	if err != nil {
		return nil, false, err
	}
	if err := writeAtomic(filepath.Join(dir, tlsCAKeyFile), ca.KeyPEM, 0o600); err != nil {
		return nil, false, err
	}
	return ca, true, writeAtomic(filepath.Join(dir, tlsCAFile), ca.CertPEM, 0o644)
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path, so a reader sees the old file or the new one, never a part.
func writeAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(perm), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func endpointHost(names, ips []string) string {
	if len(names) > 0 {
		return names[0]
	}
	if ip := net.ParseIP(ips[0]); ip.To4() == nil {
		return "[" + ips[0] + "]"
	}
	return ips[0]
}
