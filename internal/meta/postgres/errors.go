package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coffer-s3/coffer/internal/meta"
)

// SQLSTATEs this package acts on.
const (
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeReadOnlyTransaction  = "25006"
)

// retryable reports whether err means the transaction lost a race and
// running it again may succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == codeSerializationFailure || pe.Code == codeDeadlockDetected
	}
	return false
}

// classify maps PostgreSQL errors onto meta's: a database that accepts no
// writes (a hot standby, default_transaction_read_only) is the
// meta.ErrReadOnly that the object layer answers with 503.
func classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == codeReadOnlyTransaction {
		return errors.Join(meta.ErrReadOnly, err)
	}
	return err
}
