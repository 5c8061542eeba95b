// Package iamapi is the IAM wire (query protocol, API version 2010-05-08):
// its action table, parameter constraints, XML result shapes and error
// table. It decides no access and keeps no identities: iam does both.
//
// Adding an action: write a func(ctx, *queryapi.Call) (any, error) that
// reads its parameters with the queryapi.Params helpers, calls iam and
// returns the XML result struct; add it to the actions table in iamapi.go
// with its IAM action name; remove its name from unimplemented.go; map any
// new domain error in errors.go.
package iamapi
