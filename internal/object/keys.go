package object

import (
	"encoding/binary"
)

// Key schema in the meta store. Every key starts with one table byte; the
// bytes that follow are listed per table. Bucket names never contain 0x00,
// so "bucket 0x00" cleanly separates the bucket from what follows, and the
// records of one bucket form one contiguous range per table.
//
//	'B' bucket                                    → bucketRecord
//	'O' bucket 0x00 key                           → objectRecord: the current
//	                                                version of key (raw key
//	                                                bytes, so a scan of this
//	                                                table is a listing in key
//	                                                order)
//	'V' bucket 0x00 esc(key) 0x00 0x01 seq        → objectRecord: the
//	                                                noncurrent versions and
//	                                                every delete marker of
//	                                                key, newest first (seq,
//	                                                versionid.go)
//	'N' bucket 0x00 esc(key) 0x00 0x01            → the seq of key's null
//	                                                version while that one
//	                                                is a 'V' record
//	'D' dataID                                    → the bytes of a small
//	                                                object stored inline
//	'L' dataID be32(index)                        → segmentRecord: part
//	                                                index (1..N) of a
//	                                                multipart object, whose
//	                                                data id is its upload id
//	                                                (so all have one length)
//	'U' bucket 0x00 esc(key) 0x00 0x01 uploadID   → uploadRecord; upload ids
//	                                                start with the initiation
//	                                                time, so a scan yields
//	                                                uploads by key, then age
//	'P' uploadID be32(partNumber)                 → partRecord
//	'R' blobID                                    → refRecord: the owner of a
//	                                                committed blob; a blob
//	                                                without one is garbage
//	'G' dataID                                    → aclRecord: the ACL of
//	                                                the object version whose
//	                                                data id it is; absent for
//	                                                the owner's FULL_CONTROL
//	'C' bucket 0x00 name                          → a bucket configuration
//	                                                sub-resource: "tagging"
//	                                                (bucketTagsRecord), "cors"
//	                                                (corsRecord), "acl"
//	                                                (aclRecord), "policy"
//	                                                (policyRecord),
//	                                                "publicAccessBlock"
//	                                                (publicAccessBlockRecord),
//	                                                "lifecycle" (a rules.Config
//	                                                as JSON);
//	                                                deleted with the bucket
//	'A' account 0x00 name                         → an account-level S3
//	                                                setting (S3 Control):
//	                                                "publicAccessBlock"
//	'X' dataID                                    → damageRecord: the
//	                                                version whose bytes are
//	                                                dataID failed the
//	                                                scrubber's checks
//	'Y' "scrub"                                   → ScrubState: the
//	                                                scrubber's cursor
//	'J' be64(expiry) dataID                       → restoreItem: the version
//	                                                whose restored copy
//	                                                expires then
//	                                                (restoresweep.go)
//
// The table bytes 'I' (internal/iam), 'W' (internal/rekey: the re-wrap
// job's cursor), 'Q' (internal/queue: background engines' cursors), 'E'
// (internal/reencrypt: the re-encryption job's cursor), 'K'
// (internal/kms), 'S' (internal/cachesync: change generations) and 'H'
// (internal/lease) belong to other packages sharing the store.
//
// esc(key) escapes 0x00 as 0x00 0xFF and the key is terminated by 0x00 0x01,
// so that a key never is a prefix of another key's encoding and the byte order
// of encodings is the order of keys.
//
// The current object record lives apart from older versions so that GET and
// listing read exactly one record per key whatever the version history.
// Invariants: a key has an 'O' record exactly when its newest version is
// not a delete marker, and that record is newer than all of the key's 'V'
// records; so when 'O' is absent the key's first 'V' record, if any, is a
// delete marker and is the latest version.
//
// Every value starts with a format version byte (see records.go). The table
// bytes and layouts above are an on-disk format: they must never change.
const (
	tableBucket  = 'B'
	tableObject  = 'O'
	tableVersion = 'V'
	tableNull    = 'N'
	tableInline  = 'D'
	tableSegment = 'L'
	tableUpload  = 'U'
	tablePart    = 'P'
	tableRef     = 'R'
	tableACL     = 'G'
	// tableBucketConfig holds a bucket's configuration sub-resources apart
	// from its bucket record, which every object request reads.
	tableBucketConfig = 'C'
	// tableAccountConfig holds account-level S3 settings (S3 Control).
	tableAccountConfig = 'A'
	// tableDamage marks versions the scrubber found damaged, by DataID.
	tableDamage = 'X'
	// tableScrub holds the scrubber's durable state.
	tableScrub = 'Y'
)

// scrubStateKey is the key of the scrubber's state.
var scrubStateKey = []byte{tableScrub, 's', 'c', 'r', 'u', 'b'}

// damageKey is the key of the damage record of a version's data.
func damageKey(dataID string) []byte {
	return append([]byte{tableDamage}, dataID...)
}

// bucketKey is the key of a bucket record.
func bucketKey(bucket string) []byte {
	return append([]byte{tableBucket}, bucket...)
}

// bucketConfigKey is the key of the configuration record name of bucket.
func bucketConfigKey(bucket, name string) []byte {
	return append(bucketPrefix(tableBucketConfig, bucket), name...)
}

// bucketPrefix is the start of the range of table t for one bucket.
func bucketPrefix(t byte, bucket string) []byte {
	k := make([]byte, 0, len(bucket)+2)
	k = append(k, t)
	k = append(k, bucket...)
	return append(k, 0)
}

// bucketEnd is the exclusive end of the range of table t for one bucket.
func bucketEnd(t byte, bucket string) []byte {
	k := bucketPrefix(t, bucket)
	k[len(k)-1] = 1
	return k
}

// objectKey is the key of the current-version record of key.
func objectKey(bucket, key string) []byte {
	return append(bucketPrefix(tableObject, bucket), key...)
}

// escapeKey appends esc(key) (without terminator) to dst.
func escapeKey(dst []byte, key string) []byte {
	for i := 0; i < len(key); i++ {
		dst = append(dst, key[i])
		if key[i] == 0 {
			dst = append(dst, 0xFF)
		}
	}
	return dst
}

// unescapeKey decodes esc(key) 0x00 0x01 at the start of b and returns the key
// and the remaining bytes. ok is false if b is not such an encoding.
func unescapeKey(b []byte) (key string, rest []byte, ok bool) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != 0 {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			return "", nil, false
		}
		switch b[i+1] {
		case 0xFF:
			out = append(out, 0)
			i++
		case 0x01:
			return string(out), b[i+2:], true
		default:
			return "", nil, false
		}
	}
	return "", nil, false
}

// versionKeyPrefix is the start of the 'V' records of key (terminated).
func versionKeyPrefix(bucket, key string) []byte {
	k := escapeKey(bucketPrefix(tableVersion, bucket), key)
	return append(k, 0, 1)
}

// versionKey is the key of the 'V' record of one version.
func versionKey(bucket, key string, seq []byte) []byte {
	return append(versionKeyPrefix(bucket, key), seq...)
}

// nullKey is the key of the pointer to key's noncurrent null version.
func nullKey(bucket, key string) []byte {
	k := escapeKey(bucketPrefix(tableNull, bucket), key)
	return append(k, 0, 1)
}

// uploadKeyPrefix is the start of the upload records of key (terminated).
func uploadKeyPrefix(bucket, key string) []byte {
	k := escapeKey(bucketPrefix(tableUpload, bucket), key)
	return append(k, 0, 1)
}

// uploadKey is the key of an upload record.
func uploadKey(bucket, key, uploadID string) []byte {
	return append(uploadKeyPrefix(bucket, key), uploadID...)
}

// partKey is the key of a part record.
func partKey(uploadID string, partNumber int) []byte {
	k := append([]byte{tablePart}, uploadID...)
	return binary.BigEndian.AppendUint32(k, uint32(partNumber))
}

// partPrefix is the start of the part records of an upload.
func partPrefix(uploadID string) []byte {
	return append([]byte{tablePart}, uploadID...)
}

// inlineKey is the key of the inline bytes of a small object.
func inlineKey(dataID string) []byte {
	return append([]byte{tableInline}, dataID...)
}

// aclKey is the key of the ACL of an object version.
func aclKey(dataID string) []byte {
	return append([]byte{tableACL}, dataID...)
}

// segmentKey is the key of part index i of a multipart object.
func segmentKey(dataID string, i int) []byte {
	k := append([]byte{tableSegment}, dataID...)
	return binary.BigEndian.AppendUint32(k, uint32(i))
}

// segmentPrefix is the start of the segment records of a multipart object.
func segmentPrefix(dataID string) []byte {
	return append([]byte{tableSegment}, dataID...)
}

// refKey is the key of the reference record of a blob.
func refKey(id string) []byte {
	return append([]byte{tableRef}, id...)
}

// prefixEnd returns the smallest key greater than every key that starts with
// p, or nil if there is none (p is empty or all 0xFF).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
