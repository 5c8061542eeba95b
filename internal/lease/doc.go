// Package lease lets several coffer nodes sharing one meta store agree on
// which of them runs a background engine (garbage collection, the
// scrubber, the master key re-wrap job): a lease is a meta record naming
// its holder, when it expires by the injected clock, and a fencing token
// that grows on every change of holder. A holder renews it well before it
// expires; when the holder dies, another node takes it over after expiry,
// and the engine continues from the cursor it keeps in meta.
//
// It owns the meta table byte 'H'. It knows no engine. Expiry compares
// the clocks of different nodes, so their skew must stay well below the
// lease's TTL (NTP keeps it to milliseconds; the default TTL is 15 s).
package lease
