// Package postgres is a meta.Store in PostgreSQL, so that several coffer
// nodes can share one metadata engine.
//
// All keys live in one table, coffer_kv (key bytea primary key, value
// bytea). bytea compares byte by byte with no collation, so the primary
// key index gives exactly meta's byte order; Scan is a range scan of that
// index, fetched page by page.
//
// Update runs a SERIALIZABLE transaction and retries it, with jittered
// backoff, when PostgreSQL reports a serialization failure (40001) or a
// deadlock (40P01); after maxAttempts it returns meta.ErrConflict. Writes
// are buffered on the client and sent in the same round trip as the next
// read or the COMMIT, so a blind write is one round trip and a
// read-modify-write two. Every session sets synchronous_commit=on, so a
// COMMIT returns only after its WAL record is flushed: Update returning
// nil means durable.
//
// View runs a REPEATABLE READ READ ONLY transaction: one snapshot for all
// of fn, taken at its first read and containing every transaction that
// committed before, which never blocks writers nor fails with a
// serialization error. Its BEGIN travels with the first read, and its
// COMMIT is sent after View returns, so a View with one Get costs its
// caller one round trip. See docs/postgres.md for why this and not
// SERIALIZABLE READ ONLY DEFERRABLE.
//
// Open creates and migrates the schema (migrate.go) under an advisory
// lock, so several nodes may start at once.
//
// The store implements meta.Notifier with LISTEN/NOTIFY (notify.go,
// listener.go): an Update that wrote under one of Options.NotifyPrefixes
// sends one pg_notify with its COMMIT, and one listening connection per
// store wakes the watchers. Other Updates send nothing.
package postgres
