// Package config holds coffer's typed server configuration: its defaults,
// its validation, and how flags and COFFER_* environment variables fill it.
// It also owns the root credentials file in the data directory, because the
// root key pair is configuration the server creates for itself on first
// start.
//
// It must not construct stores or servers; cmd/coffer does that from a
// Config.
package config
