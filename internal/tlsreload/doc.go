// Package tlsreload loads a server certificate and its key from PEM files and
// serves them to new TLS handshakes, re-reading the files when they change on
// disk so that a renewed certificate takes effect without a restart or a
// signal.
//
// Change detection polls: every interval it reads both files and compares a
// hash of their contents with the last pair it tried. Reading the contents
// (rather than trusting a modification time) catches every way a renewal
// replaces the files: written in place, renamed over the old ones
// (certbot's and most tools' atomic rename), or a symbolic link swapped to a
// new directory (Kubernetes secret volumes, which cert-manager fills). A few
// kilobytes read every couple of seconds cost nothing measurable.
//
// A change is judged once the contents have stayed the same across two
// checks, so that a renewal caught between writing the certificate and
// writing the key is not mistaken for a broken pair. A changed pair is
// accepted only if it is whole: both files parse, the key matches the
// certificate, and the certificate has not expired. Otherwise the
// previous pair keeps serving, one warning is logged for that content, and
// the failure is counted; the same broken content is not retried or logged
// again until the files change once more. Files that cannot be read are
// retried, with one warning if they are still unreadable at the next check.
// Connections already established
// are never touched: only handshakes after a reload see the new pair.
//
// The package owns no listener and no TLS policy (versions, cipher suites):
// those are the server's. It must not log key material.
package tlsreload
