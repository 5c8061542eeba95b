package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/meta/postgres/pgtest"
)

// TestOpenConcurrently starts several stores on one empty database at
// once, as nodes of a cluster do: every Open must succeed and the schema
// must be migrated exactly once.
func TestOpenConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	const nodes = 6
	var wg sync.WaitGroup
	stores := make([]*Store, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), url, Options{MaxConns: 2}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ctx := context.Background()
	if err := stores[0].Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	err := stores[nodes-1].View(ctx, func(r meta.Reader) error {
		v, err := r.Get([]byte("k"))
		if err == nil && string(v) != "v" {
			err = errors.New("wrong value " + string(v))
		}
		return err
	})
	if err != nil {
		t.Errorf("another node's View: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, version int
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM coffer_schema_version").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || version != SchemaVersion {
		t.Errorf("coffer_schema_version has %d rows, version %d; want 1 row, version %d", rows, version, SchemaVersion)
	}
}

// TestOpenRefusesNewerSchema: a coffer must not write into a schema a
// newer release migrated, whose meaning it does not know.
func TestOpenRefusesNewerSchema(t *testing.T) {
	url := pgtest.URL(t)
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "UPDATE coffer_schema_version SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, url, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open on a newer schema = %v, want a refusal", err)
	}
}

// TestReadOnlyDatabase: a database that accepts no writes (a standby, or
// default_transaction_read_only) makes Update fail with meta.ErrReadOnly,
// which the object layer answers with 503, while View goes on.
func TestReadOnlyDatabase(t *testing.T) {
	url := pgtest.URL(t)
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := Open(context.Background(), url+"&default_transaction_read_only=on", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = ro.Update(context.Background(), func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) })
	if !errors.Is(err, meta.ErrReadOnly) {
		t.Errorf("Update on a read-only database = %v, want ErrReadOnly", err)
	}
	err = ro.View(context.Background(), func(r meta.Reader) error {
		_, err := r.Get([]byte("k"))
		return err
	})
	if !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("View on a read-only database = %v, want ErrNotFound", err)
	}
}

// TestPasswordNotInErrors: the URL's password must not leak through an
// error that gets logged.
func TestPasswordNotInErrors(t *testing.T) {
	const secret = "s3cr3t-pa55"
	for _, url := range []string{
		"postgres://coffer:" + secret + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"postgres://coffer:" + secret + "@127.0.0.1:1/db?sslmode=bogus",
	} {
		_, err := Open(context.Background(), url, Options{})
		if err == nil {
			t.Fatalf("Open(%s) succeeded", url)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Open error shows the password: %v", err)
		}
	}
}
