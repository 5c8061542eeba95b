package policy

import (
	"fmt"
	"strings"
)

// statementElements are the members a statement may have.
var statementElements = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
	"Condition": true,
}

// parseStatement parses the i-th statement of a document of kind k.
func parseStatement(k Kind, v jvalue, i int) (Statement, error) {
	var s Statement
	if v.kind != jObject {
		return s, malformed(k, probShape, "", "statement %d is a %s, not an object", i, v.kind)
	}
	m := map[string]jvalue{}
	for _, e := range v.obj {
		if !statementElements[e.name] {
			return s, malformed(k, probShape, "", "statement %d: unknown element %q", i, e.name)
		}
		m[e.name] = e.val
	}
	if err := parseSid(k, m, i, &s); err != nil {
		return s, err
	}
	if err := parseEffect(k, m, i, &s); err != nil {
		return s, err
	}
	if err := parsePrincipalElement(k, m, i, &s); err != nil {
		return s, err
	}
	if err := parseActions(k, m, i, &s); err != nil {
		return s, err
	}
	if err := parseResources(k, m, i, &s); err != nil {
		return s, err
	}
	if c, ok := m["Condition"]; ok {
		conds, err := parseCondition(k, c, i)
		if err != nil {
			return s, err
		}
		s.Condition = conds
	}
	return s, nil
}

func parseSid(k Kind, m map[string]jvalue, i int, s *Statement) error {
	v, ok := m["Sid"]
	if !ok {
		return nil
	}
	if v.kind != jString {
		return malformed(k, probShape, "", "statement %d: Sid is a %s, not a string", i, v.kind)
	}
	// IAM's own documents (identity and trust policies) take only
	// [0-9A-Za-z]; S3 and KMS accept any text ("Enable IAM User
	// Permissions" is KMS's default key policy Sid).
	if k.identity() || k == Trust {
		for _, r := range v.text {
			if !isAlnum(r) {
				return malformed(k, probSidChars, "", "statement %d: Sid %q is not alphanumeric", i, v.text)
			}
		}
	}
	s.Sid = v.text
	return nil
}

func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func parseEffect(k Kind, m map[string]jvalue, i int, s *Statement) error {
	v, ok := m["Effect"]
	if !ok {
		return malformed(k, probMissingEffect, "", "statement %d: missing Effect", i)
	}
	if v.kind != jString {
		return malformed(k, probShape, "", "statement %d: Effect is a %s, not a string", i, v.kind)
	}
	if v.text != string(Allow) && v.text != string(Deny) {
		return malformed(k, probEffect, v.text, "statement %d: Effect %q is neither \"Allow\" nor \"Deny\"", i, v.text)
	}
	s.Effect = Effect(v.text)
	return nil
}

// pair returns the one member of a Name/NotName pair that is present.
func pair(k Kind, m map[string]jvalue, i int, name string) (v jvalue, not, ok bool, err error) {
	a, hasA := m[name]
	b, hasB := m["Not"+name]
	switch {
	case hasA && hasB:
		return v, false, false, malformed(k, probShape, "", "statement %d: both %s and Not%s", i, name, name)
	case hasA:
		return a, false, true, nil
	case hasB:
		return b, true, true, nil
	}
	return v, false, false, nil
}

func parsePrincipalElement(k Kind, m map[string]jvalue, i int, s *Statement) error {
	v, not, ok, err := pair(k, m, i, "Principal")
	if err != nil {
		return err
	}
	switch {
	case ok && k.identity():
		return malformed(k, probPrincipalForbidden, "", "statement %d: a %s policy names no principal", i, k)
	case !ok && !k.identity():
		return malformed(k, probMissingPrincipal, "", "statement %d: missing Principal", i)
	case !ok:
		return nil
	}
	ps, err := parsePrincipals(k, v, i)
	if err != nil {
		return err
	}
	s.Principal, s.NotPrincipal = ps, not
	return nil
}

func parseActions(k Kind, m map[string]jvalue, i int, s *Statement) error {
	v, not, ok, err := pair(k, m, i, "Action")
	if err != nil {
		return err
	}
	if !ok {
		return malformed(k, probMissingAction, "", "statement %d: missing Action", i)
	}
	list, isList := v.strings()
	if !isList {
		return malformed(k, probShape, "", "statement %d: Action must be a string or a list of strings", i)
	}
	if len(list) == 0 {
		return malformed(k, probMissingAction, "", "statement %d: empty Action", i)
	}
	for _, a := range list {
		if err := checkAction(k, a, i); err != nil {
			return err
		}
	}
	s.Action, s.NotAction = list, not
	return nil
}

// checkAction validates one action pattern: "*" or "vendor:name" where
// vendor has no wildcard and name may have them.
func checkAction(k Kind, a string, i int) error {
	if a == "*" {
		if k == Trust {
			return malformed(k, probTrustAction, a, "statement %d: action %q is not an sts action", i, a)
		}
		return nil
	}
	vendor, name, ok := strings.Cut(a, ":")
	if !ok || vendor == "" || name == "" {
		return malformed(k, probActionVendor, a, "statement %d: action %q has no service prefix", i, a)
	}
	if strings.Contains(name, ":") {
		return malformed(k, probActionColons, a, "statement %d: action %q has more than one colon", i, a)
	}
	for _, r := range vendor {
		if !isAlnum(r) && r != '-' {
			return malformed(k, probActionVendor, a, "statement %d: action %q has an invalid service prefix", i, a)
		}
	}
	if k == Trust && !strings.EqualFold(vendor, "sts") {
		return malformed(k, probTrustAction, a, "statement %d: action %q is not an sts action", i, a)
	}
	return nil
}

func parseResources(k Kind, m map[string]jvalue, i int, s *Statement) error {
	v, not, ok, err := pair(k, m, i, "Resource")
	if err != nil {
		return err
	}
	switch {
	case ok && k == Trust:
		return malformed(k, probResourceForbidden, "", "statement %d: a trust policy names no resource", i)
	case !ok && k == Trust:
		return nil
	case !ok:
		return malformed(k, probMissingResource, "", "statement %d: missing Resource", i)
	}
	list, isList := v.strings()
	if !isList {
		return malformed(k, probShape, "", "statement %d: Resource must be a string or a list of strings", i)
	}
	if len(list) == 0 {
		return malformed(k, probMissingResource, "", "statement %d: empty Resource", i)
	}
	for _, r := range list {
		if !validResource(r) {
			return malformed(k, probResource, r, "statement %d: resource %q is neither \"*\" nor an ARN", i, r)
		}
	}
	s.Resource, s.NotResource = list, not
	return nil
}

// validResource reports whether r is "*" or has an ARN's six parts
// (arn:partition:service:region:account:resource) with partition and
// service present.
func validResource(r string) bool {
	if r == "*" {
		return true
	}
	parts := strings.SplitN(r, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

// parseCondition parses a Condition block: operator → key → value(s).
func parseCondition(k Kind, v jvalue, i int) ([]Condition, error) {
	if v.kind != jObject {
		return nil, malformed(k, probShape, "", "statement %d: Condition is a %s, not an object", i, v.kind)
	}
	var out []Condition
	for _, op := range v.obj {
		if err := checkOperator(op.name); err != nil {
			return nil, &SyntaxError{Message: err.Error(), Detail: fmt.Sprintf("statement %d: %v", i, err)}
		}
		if op.val.kind != jObject {
			return nil, malformed(k, probShape, "", "statement %d: condition %s is a %s, not an object", i, op.name, op.val.kind)
		}
		for _, key := range op.val.obj {
			prefix, rest, ok := strings.Cut(key.name, ":")
			if !ok || prefix == "" || rest == "" {
				return nil, malformed(k, probConditionKey, key.name, "statement %d: condition key %q has no prefix", i, key.name)
			}
			vals, ok := conditionValues(key.val)
			if !ok {
				return nil, malformed(k, probShape, "", "statement %d: condition %s %s: values must be strings, numbers, booleans or a list of them", i, op.name, key.name)
			}
			if err := checkConditionValues(k, op.name, key.name, vals, i); err != nil {
				return nil, err
			}
			c := Condition{Operator: op.name, Key: key.name, Values: vals}
			if !hasVariable(vals) {
				c.compiled = compileCondition(c.Operator, c.Key, c.Values)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func conditionValues(v jvalue) ([]string, bool) {
	scalar := func(e jvalue) bool { return e.kind == jString || e.kind == jNumber || e.kind == jBool }
	if scalar(v) {
		return []string{v.text}, true
	}
	if v.kind != jArray {
		return nil, false
	}
	out := make([]string, 0, len(v.arr))
	for _, e := range v.arr {
		if !scalar(e) {
			return nil, false
		}
		out = append(out, e.text)
	}
	return out, true
}
