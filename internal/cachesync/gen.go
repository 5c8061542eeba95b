package cachesync

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Cache domains. Each names what one family of caches derives from; a
// change bumps its domain and every node drops that domain's caches. The
// names are part of the meta key format and must never change.
const (
	// DomainIAM covers accounts, users, groups, roles, access keys,
	// sessions and policies: the credential and identity caches of iam.
	DomainIAM = "iam"
	// DomainAccess covers each bucket's access state: existence, owner,
	// Object Ownership, bucket policy, and the bucket's and its account's
	// Block Public Access.
	DomainAccess = "access"
	// DomainKeyring covers the master key versions (rotation, retirement).
	DomainKeyring = "keyring"
)

// tableGen is the meta table byte of generation records:
//
//	'S' domain 0x00 be16(shard) → genV1 and 8 bytes that change on every bump
//
// It and the layout must never change.
const tableGen = 'S'

// genV1 starts every generation value. Its encoding must never change.
const genV1 byte = 1

// shards spreads one domain over several records, so that concurrent
// writes of a domain rarely touch the same record (a store with
// optimistic transactions would make them retry). Readers scan all of
// them; invalidation is per domain, so which shard a write bumps does not
// matter.
const shards = 16

// Bump records in tx that domain changed. Call it in the transaction that
// makes the change, so that no node can see the change without the bump.
// It writes a fresh random value (no read), into a shard chosen at random.
func Bump(tx meta.Txn, domain string) error {
	v := make([]byte, 9)
	v[0] = genV1
	binary.BigEndian.PutUint64(v[1:], rand.Uint64())
	return tx.Set(genKey(domain, uint16(rand.IntN(shards))), v)
}

// genKey is the key of one shard of domain.
func genKey(domain string, shard uint16) []byte {
	k := make([]byte, 0, 1+len(domain)+3)
	k = append(k, tableGen)
	k = append(k, domain...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint16(k, shard)
}

// prefix is where every generation record lives.
var prefix = []byte{tableGen}

// Prefix returns the key prefix of every generation record: what a
// Syncer watches (meta.Notifier), so a store that notifies only for
// configured prefixes must be given it (postgres Options.NotifyPrefixes)
// on every node.
func Prefix() []byte { return []byte{tableGen} }

// domainOf returns the domain of a generation key, or "" for a key that
// is not one.
func domainOf(k []byte) string {
	if len(k) < 4 || k[0] != tableGen || k[len(k)-3] != 0 {
		return ""
	}
	return string(k[1 : len(k)-3])
}
