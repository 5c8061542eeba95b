// Package integration_test drives a real coffer, started in-process by
// coffertest on 127.0.0.1:0, with aws-sdk-go-v2 and minio-go, and asserts
// AWS's documented behaviour: status codes, S3 error codes, headers and
// listings. Test names read Operation_condition.
package integration_test
