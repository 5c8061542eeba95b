package iam

// Key schema in the meta store. Every IAM key starts with tablePrefix
// ('I', a table byte the object service does not use) and one sub-table
// byte. Names are case-insensitive in IAM (a user "Bob" blocks "bob"), so
// keys hold the lower-case name and records the name as written.
//
//	'I' 'a' account                              → accountRecord
//	'I' 'k' accessKeyID                          → keyRecord (root and user keys)
//	'I' 'K' account 0x00 lower(user) 0x00 accessKeyID → "" (a user's keys)
//	'I' 'u' account 0x00 lower(user)             → userRecord
//	'I' 'g' account 0x00 lower(group)            → groupRecord
//	'I' 'r' account 0x00 lower(role)             → roleRecord
//	'I' 'p' account 0x00 lower(policy name)      → policyRecord (customer managed)
//	'I' 'm' account 0x00 lower(user) 0x00 lower(group) → "" (user's groups)
//	'I' 'M' account 0x00 lower(group) 0x00 lower(user) → "" (group's users)
//	'I' 'e' policyARN 0x00 kind 0x00 account 0x00 lower(name) → "" (policy's entities)
//	'I' 's' accessKeyID (ASIA…)                  → sessionRecord
//	'I' 'x' expiry 0x00 accessKeyID              → "" (sessions by expiry: 16
//	                                               hex digits of Unix seconds)
//	'I' 'A' account                              → alias
//	'I' 'L' alias                                → account
//	'I' 'v' account 0x00 lower(device)           → mfaRecord (virtual MFA device)
//	'I' 'V' account 0x00 lower(user) 0x00 lower(device) → "" (a user's enabled
//	                                               MFA devices; user "" is the root)
//
// A device is named by its serial number's resource after "mfa/": its
// path without the leading slash, then its name ("eng/bob-phone").
//
// Account ids, names and ARNs never contain 0x00. Every value starts with
// a format version byte (records.go). The bytes and layouts above are an
// on-disk format: they must never change.
const (
	tablePrefix = 'I'

	subAccount     = 'a'
	subKey         = 'k'
	subUserKeys    = 'K'
	subUser        = 'u'
	subGroup       = 'g'
	subRole        = 'r'
	subPolicy      = 'p'
	subUserGroups  = 'm'
	subGroupUsers  = 'M'
	subPolicyUsers = 'e'
	subSession     = 's'
	subAlias       = 'A'
	subAliasOwner  = 'L'
	subMFA         = 'v'
	subUserMFA     = 'V'
)

// subSessionExpiry indexes sessions by expiry, for their collection.
const subSessionExpiry = 'x'

func key(sub byte, parts ...string) []byte {
	b := []byte{tablePrefix, sub}
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// prefixEnd returns the first key after every key starting with p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// scope is the key prefix of the sub-table sub within one account (or
// one policy for subPolicyUsers): sub parts... 0x00.
func scope(sub byte, parts ...string) []byte {
	return append(key(sub, parts...), 0)
}
