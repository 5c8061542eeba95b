// Package iam decides who may do what. It keeps accounts, users, groups,
// roles, access keys and managed and inline policies in the meta store
// (Store), looks up SigV4 credentials over all of them (Store.Lookup),
// and answers the one Authorize call every operation makes, with AWS's
// policy evaluation logic (package policy) over identity policies,
// permissions boundaries, resource policies and the resource's owner
// account. It knows no wire: IAM and STS requests reach it through
// iamapi and stsapi, S3 requests through s3api.
//
// Secrets are stored sealed under the master keyring (package sse), never
// in plaintext, and never appear in logs or errors.
package iam
