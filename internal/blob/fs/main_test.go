package fs

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if the store leaves goroutines behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
