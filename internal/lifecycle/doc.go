// Package lifecycle is the engine that applies S3 lifecycle expiration
// rules: it walks each bucket that has rules, restricted to the rules'
// key prefixes, decides with package rules which versions and uploads are
// due, and acts through the object service's conditional Expire and
// AbortMultipartUpload, so that every action is idempotent and happens
// only to the version it judged. Its progress is a cursor in meta
// (package queue): a pass stopped at any point resumes where it was.
//
// The engine decides nothing about access (it acts for the bucket's
// rules, which their owner was authorized to put) and never overrides
// Object Lock or MFA Delete: the object service refuses, and the engine
// logs and counts the refusal. Transitions are stored by the rules but
// not acted on here.
package lifecycle
