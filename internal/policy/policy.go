package policy

import "errors"

// The policy language versions AWS accepts. A document without Version is
// read as 2008-10-17, where ${...} is plain text rather than a variable.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect is a statement's Effect: exactly "Allow" or "Deny" (AWS refuses
// other spellings such as "allow").
type Effect string

// The two effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed, valid policy document.
type Policy struct {
	// Kind is the kind the document was parsed as.
	Kind Kind
	// Version as written: Version2012, Version2008, or "" when absent.
	Version string
	// ID is the optional Id element.
	ID string
	// Statements in document order; a single statement object is a
	// list of one.
	Statements []Statement
}

// Statement is one statement. Exactly one of each pair Action/NotAction
// and Resource/NotResource is set; Principal holds either Principal or,
// with NotPrincipal true, NotPrincipal.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal is nil when the statement names none (identity
	// policies).
	Principal    *Principals
	NotPrincipal bool
	// Action lists action patterns such as "s3:Get*" or "*".
	Action    []string
	NotAction bool
	// Resource lists ARN patterns; nil when absent (trust policies).
	Resource    []string
	NotResource bool
	// Condition lists the condition block in document order; all must
	// hold.
	Condition []Condition
}

// Condition is one operator and key of a Condition block, with the values
// the key is compared against (any one may match, as the operator says).
// JSON numbers and booleans are kept as their JSON text.
type Condition struct {
	Operator string
	Key      string
	Values   []string
	// compiled is the condition compiled by Parse when Values hold no
	// policy variable (whatever the policy version, their text is then
	// what every request is tested against); nil otherwise, and for a
	// Condition built by hand, which is compiled at each evaluation.
	compiled *compiledCondition
}

// ErrKind is returned for a Kind that is not one of the constants.
var ErrKind = errors.New("policy: unknown policy kind")

// maxDocument bounds what Parse reads whatever the kind: IAM refuses
// policy parameters over 131,072 characters, and no kind allows more.
const maxDocument = 128 * 1024

// Parse parses and validates doc as a policy of kind k. It returns a
// *SizeError when doc is larger than k allows and a *SyntaxError when doc
// is not a valid policy of kind k.
func Parse(doc []byte, k Kind) (*Policy, error) {
	if _, ok := kindNames[k]; !ok {
		return nil, ErrKind
	}
	if len(doc) > maxDocument {
		return nil, &SizeError{Kind: k, Size: k.Size(doc[:maxDocument+1]), Limit: k.Limit()}
	}
	if n := k.Size(doc); n > k.Limit() {
		return nil, &SizeError{Kind: k, Size: n, Limit: k.Limit()}
	}
	return parse(doc, k)
}

// parse is Parse without the size limit.
func parse(doc []byte, k Kind) (*Policy, error) {
	v, err := decodeJSON(doc)
	var dup errDuplicate
	switch {
	case errors.As(err, &dup):
		return nil, malformed(k, probShape, "", "%v", err)
	case err != nil:
		return nil, malformed(k, probJSON, "", "%v", err)
	}
	if v.kind != jObject {
		return nil, malformed(k, probJSON, "", "document is a JSON %s, not an object", v.kind)
	}
	p := &Policy{Kind: k}
	var stmts *jvalue
	for i := range v.obj {
		m := &v.obj[i]
		switch m.name {
		case "Version":
			if m.val.kind != jString || (m.val.text != Version2012 && m.val.text != Version2008) {
				return nil, malformed(k, probVersion, "", "Version must be %q or %q", Version2012, Version2008)
			}
			p.Version = m.val.text
		case "Id":
			if m.val.kind != jString {
				return nil, malformed(k, probShape, "", "Id is a %s, not a string", m.val.kind)
			}
			p.ID = m.val.text
		case "Statement":
			stmts = &m.val
		default:
			return nil, malformed(k, probShape, "", "unknown element %q", m.name)
		}
	}
	if stmts == nil {
		return nil, malformed(k, probShape, "", "missing Statement")
	}
	list := []jvalue{*stmts}
	if stmts.kind == jArray {
		list = stmts.arr
	}
	if len(list) == 0 {
		return nil, malformed(k, probEmptyStatement, "", "Statement is empty")
	}
	sids := map[string]bool{}
	for i, sv := range list {
		s, err := parseStatement(k, sv, i)
		if err != nil {
			return nil, err
		}
		if s.Sid != "" {
			if sids[s.Sid] {
				return nil, malformed(k, probSidUnique, "", "statement %d: Sid %q used twice", i, s.Sid)
			}
			sids[s.Sid] = true
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}

// substitutes reports whether p's ${...} are policy variables.
func (p *Policy) substitutes() bool { return p.Version == Version2012 }
