// Package queryapi is the AWS query protocol shared by the IAM and STS
// wires: it parses Action, Version and the other parameters of a form POST
// or a GET query (including member.N lists and Key/Value maps), validates
// them with the service's ValidationError texts, authenticates and
// authorizes each call, dispatches it to an action table and renders the
// XML result and error envelopes. It knows no IAM or STS semantics: the
// iamapi and stsapi packages supply the actions and their error tables.
package queryapi
