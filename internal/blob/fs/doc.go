// Package fs implements blob.Store on a local (or shared) file system under
// one directory. It is coffer's default byte store.
//
// Layout under the store directory:
//
//	tmp/<id>          a blob being written; never visible to readers
//	ab/cd/<id>        a committed blob, fanned out by the first four
//	                  characters of its id
//
// Every blob file starts with a fixed header (header.go) holding a magic, a
// format version and flags; readers never see it.
//
// The package owns bytes only: it must not know about objects, buckets or
// encryption, which happen above it.
package fs
