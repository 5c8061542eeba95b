package policy

import (
	"fmt"
	"strings"
)

// The S3 texts of the bucket-specific checks (S3's MalformedPolicy).
const (
	msgInvalidAction   = "Policy has invalid action"
	msgInvalidResource = "Policy has invalid resource"
	msgActionResource  = "Action does not apply to any resource(s) in statement"
)

// CheckBucket checks what a valid policy document must also satisfy to be
// bucket's policy, as S3's PutBucketPolicy does: every action is an S3
// action ("Policy has invalid action"), every resource is the bucket or
// objects in it ("Policy has invalid resource"), and every action applies
// to some resource of its statement ("Action does not apply to any
// resource(s) in statement"). It returns a *SyntaxError.
func CheckBucket(p *Policy, bucket string) error {
	for i := range p.Statements {
		if err := checkBucketStatement(&p.Statements[i], i, bucket); err != nil {
			return err
		}
	}
	return nil
}

func checkBucketStatement(s *Statement, i int, bucket string) error {
	var bucketRes, objectRes, anyRes bool
	for _, r := range s.Resource {
		b, o, ok := bucketResource(r, bucket)
		if !ok {
			return &SyntaxError{Message: msgInvalidResource,
				Detail: fmt.Sprintf("statement %d: resource %q is not bucket %s or its objects", i, r, bucket)}
		}
		bucketRes, objectRes = bucketRes || b, objectRes || o
		anyRes = anyRes || r == "*"
	}
	for _, a := range s.Action {
		types, ok := s3ActionTypes(a)
		if !ok {
			return &SyntaxError{Message: msgInvalidAction, Detail: fmt.Sprintf("statement %d: %q is not an S3 action", i, a)}
		}
		if s.NotAction || s.NotResource {
			continue
		}
		if types&onBucket != 0 && bucketRes || types&onObject != 0 && objectRes || anyRes {
			continue
		}
		return &SyntaxError{Message: msgActionResource,
			Detail: fmt.Sprintf("statement %d: action %q applies to none of its resources", i, a)}
	}
	return nil
}

// bucketResource reports whether resource pattern r can name bucket
// itself (b) or objects in it (o); ok is false when it names neither.
func bucketResource(r, bucket string) (b, o, ok bool) {
	if r == "*" {
		return true, true, true
	}
	rest, found := strings.CutPrefix(r, "arn:aws:s3:::")
	if !found || rest == "" {
		return false, false, false
	}
	name, _, hasKey := strings.Cut(rest, "/")
	// A wildcard in the bucket part may also span the "/", as ARN
	// matching lets "*" match any characters.
	switch {
	case hasKey && globMatch(name, bucket, false):
		return false, true, true
	case globMatch(name, bucket, false):
		return true, strings.ContainsAny(name, "*"), true
	case !hasKey && strings.Contains(name, "*") && globMatch(name, bucket+"/x", false):
		return false, true, true
	}
	return false, false, false
}

// s3ActionTypes returns the resource types the actions that pattern a
// matches apply to; ok is false when a is not an S3 action pattern that
// matches some S3 action.
func s3ActionTypes(a string) (t resourceType, ok bool) {
	if a == "*" {
		return onBucket | onObject, true
	}
	vendor, name, _ := strings.Cut(a, ":")
	if !strings.EqualFold(vendor, "s3") {
		return 0, false
	}
	for n, typ := range s3Actions {
		if globMatch(name, n, true) {
			t |= typ
			ok = true
		}
	}
	return t, ok
}
