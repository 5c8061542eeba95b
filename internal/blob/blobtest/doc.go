// Package blobtest is the conformance suite that defines a correct
// blob.Store. Every implementation runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		blobtest.Run(t, func(t *testing.T) blob.Store { return openTemp(t) })
//	}
//
// The suite only uses the blob.Store interface.
package blobtest
