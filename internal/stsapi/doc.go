// Package stsapi is the STS wire (query protocol, API version
// 2011-06-15): its action table, XML result shapes and error table. It
// issues no credentials itself: iam does.
//
// Actions are added as in iamapi: a handler in the actions table, its name
// removed from unimplemented.go, new domain errors mapped in errors.go.
package stsapi
