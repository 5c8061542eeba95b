package object

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that the service leaves no goroutine behind: it starts
// none of its own, and the stores the tests open are closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
