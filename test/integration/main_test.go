package integration_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// TestMain fails the suite if any goroutine outlives the servers the tests
// started and shut down: stores, listeners and background work must stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// Idle keep-alive connections of the clients end on their own.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		// The PostgreSQL server of the tests on a shared metadata
		// database runs until the end of the binary.
		goleak.IgnoreAnyFunction(pgtest.IgnoreShared),
		goleak.Cleanup(func(code int) {
			pgtest.StopShared()
			os.Exit(code)
		}),
	)
}
