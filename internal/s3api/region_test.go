package s3api

import (
	"testing"

	"github.com/coffer-s3/coffer/internal/sigv4"
)

// A request signed for another region is told which region to sign for,
// in S3's words and in a <Region> element, so the user can fix the client.
func TestWrongRegionAnswer(t *testing.T) {
	scope := func(wire error, region, service string) func(*testEnv) {
		return func(env *testEnv) {
			env.ver.err = &sigv4.ScopeError{Service: service, Region: region, WantService: "s3", WantRegion: "us-east-1", Wire: wire}
		}
	}
	runHandlerCases(t, []handlerCase{
		{name: "header", method: "GET", target: "/b/k", setup: scope(sigv4.ErrMalformedAuthorization, "us-west-2", "s3"),
			status: 400, code: "AuthorizationHeaderMalformed", golden: "wrong-region-header.xml"},
		{name: "presigned", method: "GET", target: "/b/k", setup: scope(sigv4.ErrMalformedPresigned, "us-west-2", "s3"),
			status: 400, code: "AuthorizationQueryParametersError", golden: "wrong-region-presigned.xml"},
		// A wrong service is not a region problem: the plain message.
		{name: "wrong service", method: "GET", target: "/b/k", setup: scope(sigv4.ErrMalformedAuthorization, "us-east-1", "sqs"),
			status: 400, code: "AuthorizationHeaderMalformed", golden: "wrong-service-header.xml"},
	})
}
