package server

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine outlives them: the
// server owns its goroutines and must stop them all on Shutdown.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// Client-side keep-alive connections of http.DefaultClient end
		// on their own once the server closed them.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	)
}
