// Package policy is the IAM policy language: it parses and validates policy
// documents (identity policies, resource policies such as bucket and key
// policies, trust policies, permissions boundaries and session policies) and
// evaluates requests against them as AWS documents its evaluation logic.
//
// It is pure: no I/O, no clock of its own (the caller puts aws:CurrentTime
// and aws:EpochTime in the request context), no knowledge of where policies
// are stored or of the wire that asked. iam and kms call it.
package policy
