// Package rekey rotates and retires the master key of a running coffer
// and runs the re-wrap job: a durable walk, with its cursor in meta, that
// moves every data key and sealed secret to the current master key
// version, so that old versions can be retired. It does not know the
// records it walks: each Source (the object service, the identity store)
// re-wraps its own. It never touches object bytes.
package rekey
