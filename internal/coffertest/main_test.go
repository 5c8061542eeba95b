package coffertest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that a shut-down test server leaves no goroutine behind:
// stores closed, listener closed, background work stopped.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	)
}
