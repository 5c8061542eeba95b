// Package scrub is the background scrubber: it walks every stored object
// version at a bounded rate, has the object service check its bytes
// (authentication of encrypted packages, stored MD5s and full-object
// checksums, blob presence and size), marks damaged versions so reads
// of them fail, and reports what it found in the log and as metrics. Its
// cursor is kept in meta, so a pass resumes where it stopped after a
// restart. It never repairs anything and never reads key material
// itself.
package scrub
