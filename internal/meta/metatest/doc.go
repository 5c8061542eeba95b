// Package metatest is the conformance suite that defines a correct
// meta.Store. Every implementation runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		metatest.Run(t, func(t *testing.T) meta.Store { return openTemp(t) })
//	}
//
// The suite only uses the meta.Store interface; it must not depend on any
// implementation's internals.
package metatest
