// Package operatorapi is coffer's operator API: account management
// (CreateAccount, ListAccounts), scrubbing (ListDamagedObjects,
// RunScrub), re-encryption of objects stored in plaintext
// (GetReencryptionStatus, RunReencryption) and master key management
// (RotateMasterKey, GetMasterKeyStatus, RetireMasterKeyVersion) for the
// operator of a coffer, served on the S3 listener in AWS's query protocol
// to requests whose SigV4 credential scope names the service "coffer". It
// also holds the Client that `coffer account`, `coffer scrub`, `coffer
// reencrypt` and `coffer master-key` use. It keeps no accounts, objects
// or keys itself (iam, scrub, reencrypt and rekey do) and answers only
// the first account's root user.
//
// Why a service of its own rather than an AWS API: the nearest AWS
// counterpart, Organizations' CreateAccount, is asynchronous, takes an
// e-mail address, speaks the JSON protocol and never returns root keys,
// so serving it under that name would mislead any client written for AWS.
// An own SigV4 service name keeps the signatures apart (a key signed for
// "coffer" cannot be replayed to S3, IAM or STS, and the reverse), reuses
// the query wire (queryapi) and its error envelopes, and lets any SigV4
// signer call it.
package operatorapi
