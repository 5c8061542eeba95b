// Package cors holds S3's cross-origin resource sharing rules: checking a
// bucket's CORS configuration against S3's limits and matching a browser's
// request against its rules. It is pure: no I/O, no net/http, no XML; the
// wire layer parses and renders, the object service stores.
package cors
