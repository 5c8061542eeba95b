// Package pebble implements meta.Store on an embedded Pebble database in a
// local directory. It is coffer's default metadata store.
//
// Transactions are serialised by a single writer lock and committed through
// Pebble's synced write-ahead log; concurrent committers share fsyncs (group
// commit). See update.go for the exact ordering and durability argument.
//
// The package must not know what the keys mean; that is the object service's
// business.
package pebble
