package acl

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/policy"
)

// The IAM actions each permission allows, from AWS's "ACL permission to
// access policy permission mapping" (S3 User Guide, Access control list
// overview). A bucket's WRITE acts on the bucket's objects; an object's
// WRITE means nothing.
var (
	bucketActions = map[Permission][]string{
		Read:     {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
		Write:    {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
		ReadACP:  {"s3:GetBucketAcl"},
		WriteACP: {"s3:PutBucketAcl"},
	}
	objectActions = map[Permission][]string{
		Read:     {"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent"},
		ReadACP:  {"s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
		WriteACP: {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
	}
)

// Target is what an ACL is attached to.
type Target int

// The two targets.
const (
	Bucket Target = iota
	Object
)

// Actions returns the IAM actions p allows on t, in a fixed order.
func Actions(t Target, p Permission) []string {
	m := bucketActions
	if t == Object {
		m = objectActions
	}
	if p != FullControl {
		return m[p]
	}
	var all []string
	for _, q := range []Permission{Read, Write, ReadACP, WriteACP} {
		all = append(all, m[q]...)
	}
	return all
}

// Input is what Policy translates: a bucket's grants and, for an object
// request, the grants of the object version it addresses.
type Input struct {
	Bucket       string
	BucketGrants []Grant
	// Object is true for an object request; ObjectGrants are then the
	// version's grants (nil for a key with no version yet).
	Object       bool
	ObjectGrants []Grant
	// Authenticated says the caller signed its request: only then do
	// AuthenticatedUsers grants apply.
	Authenticated bool
}

// Policy translates grants into the resource-based policy AWS evaluates
// them as: one Allow statement per grantee and resource, naming the
// grantee as a CanonicalUser, AllUsers as "*" and LogDelivery as S3's
// logging service. Object grants are written against every object of the
// bucket: the policy is made for one request, whose object they belong
// to. It returns nil when the grants allow nothing.
func Policy(in Input) (*policy.Policy, error) {
	var stmts []statement
	stmts = appendStatements(stmts, in.BucketGrants, Bucket, in.Bucket, in.Authenticated)
	if in.Object {
		stmts = appendStatements(stmts, in.ObjectGrants, Object, in.Bucket, in.Authenticated)
	}
	if len(stmts) == 0 {
		return nil, nil
	}
	doc, err := json.Marshal(document{Version: policy.Version2008, Statement: stmts})
	if err != nil {
		return nil, err
	}
	p, err := policy.Parse(doc, policy.Bucket)
	if err != nil {
		return nil, fmt.Errorf("acl: translate grants: %w", err)
	}
	return p, nil
}

type document struct {
	Version   string
	Statement []statement
}

type statement struct {
	Sid       string
	Effect    string
	Principal any
	Action    []string
	Resource  string
}

// appendStatements adds the statements of grants on t: the grantees
// with the same actions on the same resource share one statement, so
// that even MaxGrants grants to distinct accounts stay a small policy.
func appendStatements(stmts []statement, grants []Grant, t Target, bucket string, authenticated bool) []statement {
	objects := "arn:aws:s3:::" + bucket + "/*"
	resource := "arn:aws:s3:::" + bucket
	sid := "BucketACL"
	if t == Object {
		resource, sid = objects, "ObjectACL"
	}
	// The actions of each grantee on each resource, in grant order.
	type target struct{ who, res string }
	actions := map[target][]string{}
	principals := map[string]principal{}
	var order []target
	for _, g := range grants {
		pr, ok := principalOf(g.Grantee, authenticated)
		if !ok {
			continue
		}
		principals[pr.key] = pr
		for _, a := range Actions(t, g.Permission) {
			res := resource
			if t == Bucket && slices.Contains(bucketActions[Write], a) {
				// A bucket's WRITE is on its objects.
				res = objects
			}
			k := target{pr.key, res}
			if _, seen := actions[k]; !seen {
				order = append(order, k)
			}
			if !slices.Contains(actions[k], a) {
				actions[k] = append(actions[k], a)
			}
		}
	}
	// One statement per (kind of principal, resource, action set).
	byShape := map[string]*statement{}
	var shapes []string
	for _, k := range order {
		pr := principals[k.who]
		shape := pr.kind + " " + k.res + " " + strings.Join(actions[k], ",")
		st, seen := byShape[shape]
		if !seen {
			st = &statement{Effect: "Allow", Action: actions[k], Resource: k.res}
			byShape[shape] = st
			shapes = append(shapes, shape)
		}
		switch pr.kind {
		case "CanonicalUser":
			ids, _ := st.Principal.(map[string][]string)
			if ids == nil {
				ids = map[string][]string{"CanonicalUser": nil}
				st.Principal = ids
			}
			ids["CanonicalUser"] = append(ids["CanonicalUser"], pr.id)
		case "*":
			st.Principal = "*"
		default:
			st.Principal = map[string]string{"Service": pr.id}
		}
	}
	for _, shape := range shapes {
		st := *byShape[shape]
		// Sids must be unique within a policy.
		st.Sid = sid + strconv.Itoa(len(stmts)+1)
		stmts = append(stmts, st)
	}
	return stmts
}

// principal is a grantee as a policy names it.
type principal struct {
	kind string // "CanonicalUser", "*" or "Service"
	id   string
	key  string
}

// principalOf names grantee as a policy Principal; ok is false for a
// grantee that names no one the request could come from.
func principalOf(g Grantee, authenticated bool) (principal, bool) {
	switch {
	case g.Type == CanonicalUser && g.ID != "":
		return principal{kind: "CanonicalUser", id: g.ID, key: "id:" + g.ID}, true
	case g.Type == Group && g.URI == AllUsers:
		return principal{kind: "*", key: "all"}, true
	case g.Type == Group && g.URI == AuthenticatedUsers && authenticated:
		return principal{kind: "*", key: "all"}, true
	case g.Type == Group && g.URI == LogDelivery:
		return principal{kind: "Service", id: "logging.s3.amazonaws.com", key: "logs"}, true
	}
	return principal{}, false
}
