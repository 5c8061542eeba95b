package cluster_test

import (
	"testing"

	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// TestMain stops the PostgreSQL server the cluster test starts.
func TestMain(m *testing.M) { pgtest.Main(m) }
