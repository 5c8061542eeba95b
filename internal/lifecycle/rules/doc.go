// Package rules holds S3 lifecycle configurations: the rule types, their
// validation against S3's limits, which rules apply to an object, and the
// date arithmetic that says when an action becomes due. It is pure: no
// I/O, no clock of its own, no net/http, no XML. The wire layer parses
// and renders, the object service stores, and the lifecycle engine acts.
package rules
