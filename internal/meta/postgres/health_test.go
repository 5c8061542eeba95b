package postgres

import (
	"context"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// TestHealthFollowsTheDatabase: Health is nil while the database answers
// and an error once it is gone, so /health/ready turns false.
func TestHealthFollowsTheDatabase(t *testing.T) {
	pgtest.Shared(t) // skips without PostgreSQL
	srv, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	s, err := Open(context.Background(), srv.AdminURL(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Health(); err != nil {
		t.Fatalf("Health with the database up = %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Health(); err == nil {
		t.Errorf("Health with the database stopped = nil, want an error")
	}
	err = s.Update(context.Background(), func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) })
	if err == nil {
		t.Errorf("Update with the database stopped = nil")
	}
}
