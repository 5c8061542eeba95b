// Command coffer is a self-hosted, S3-compatible object store.
//
// Usage:
//
//	coffer server [flags]   serve the S3 API (see coffer server -help);
//	                        --config FILE reads settings from a TOML file,
//	                        --print-config shows the effective settings
//	coffer account create NAME --endpoint URL [--json]
//	                        create an account on a running coffer
//	coffer account list --endpoint URL [--json]
//	                        list its accounts (see coffer account -help)
//	coffer scrub list|run --endpoint URL [--json]
//	                        list damaged objects, or run a scrub pass now
//	coffer reencrypt status|run --endpoint URL [--json]
//	                        show, or run now, the encryption of objects
//	                        stored in plaintext
//	coffer cse put --key-id KEY FILE s3://BUCKET/KEY
//	coffer cse get s3://BUCKET/KEY FILE
//	                        encrypt or decrypt on this machine, in the AWS
//	                        S3 Encryption Client's v2 format (see coffer
//	                        cse -help)
//	coffer tls init --dir DIR [--name HOST]... [--ip ADDR]... [--days N]
//	                        create a local CA and a server certificate for
//	                        --tls-cert/--tls-key (see coffer tls init -help)
//	coffer health [--url URL]
//	                        exit 0 if a running coffer is ready (container
//	                        HEALTHCHECK)
//	coffer version          print the version, commit and Go version
//	coffer help             print this help
//
// `coffer server` with no flags serves on 127.0.0.1:9000 with data in
// ./coffer-data. On first start it generates root credentials, prints them
// once and stores them in the data directory.
//
// This is the only package that imports every component: it builds each one
// explicitly from the configuration and wires them together.
package main
