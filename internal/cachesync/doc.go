// Package cachesync keeps the per-node caches of several coffer nodes that
// share one meta store coherent with it. Every write that changes what a
// cache domain (credentials and identity policies, buckets' access state,
// the master keyring) derives from also bumps a change-generation record of
// that domain, in the same transaction (Bump). A Syncer on each node reads
// all generation records with one Scan every interval, and calls the
// domain's subscribers when a record changed, so a change made through any
// node reaches every node's caches within one interval plus one Scan.
//
// It owns the meta table byte 'S' and nothing else: it knows no cache, and
// the caches on the request path never wait for it.
package cachesync
