package sigv4

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxPolicySize bounds the base64 policy form field. AWS documents no
// limit; real policies are well under a kilobyte.
const maxPolicySize = 64 << 10

// PostResult is a successful authentication of a browser POST upload.
type PostResult struct {
	Principal Principal
	// Method is PostPolicy, or Anonymous for a form without credentials.
	Method Method
	// Expiration is the policy's expiration (zero for anonymous forms).
	Expiration time.Time
	// Conditions are the policy's conditions, in document order. Check
	// enforces them.
	Conditions []PolicyCondition
	bucket     string
}

// Policy condition operators.
const (
	CondEq                 = "eq"
	CondStartsWith         = "starts-with"
	CondContentLengthRange = "content-length-range"
)

// PolicyCondition is one condition of a POST policy.
type PolicyCondition struct {
	// Op is CondEq, CondStartsWith or CondContentLengthRange.
	Op string
	// Field is the lowercase form field name, without '$' (empty for
	// content-length-range).
	Field string
	// Value is the expected value (eq) or prefix (starts-with).
	Value string
	// Min and Max bound the file size in bytes (content-length-range).
	Min, Max int64
	// spelled is the field as the policy wrote it ("$Content-Type"), for
	// the message of a failed condition.
	spelled string
	// unmatchable marks a condition whose field lacks its '$': S3
	// accepts the policy and fails the condition whatever the form holds.
	unmatchable bool
}

// postFieldsExempt are form fields a policy need not cover: the signature
// and credential carriers of SigV2 and SigV4 that cannot sign themselves,
// the policy and the file (AWS's POST documentation).
var postFieldsExempt = map[string]bool{
	"policy": true, "file": true, "x-amz-signature": true,
	"signature": true, "awsaccesskeyid": true,
}

// VerifyPost authenticates a browser POST upload to bucket from its form
// fields (names in any letter case; the file itself excluded). It checks
// the policy's signature (SigV4: x-amz-algorithm, x-amz-credential,
// x-amz-date, x-amz-signature; SigV2: AWSAccessKeyId, signature) and
// expiration, and returns the conditions; the caller must then call
// PostResult.Check with the file's size before storing anything. A form
// without credentials is anonymous and carries no conditions.
func (v *Verifier) VerifyPost(ctx context.Context, bucket string, fields map[string]string) (*PostResult, error) {
	f, err := lowerFields(fields)
	if err != nil {
		return nil, err
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := f[n]; ok {
				return true
			}
		}
		return false
	}
	var cred Credential
	switch {
	case has("x-amz-signature", "x-amz-credential", "x-amz-algorithm"):
		cred, err = v.verifyPostV4(ctx, f)
	case has("signature", "awsaccesskeyid") && v.noV2:
		return nil, fmt.Errorf("%w: use AWS4-HMAC-SHA256", ErrSignatureVersionMismatch)
	case has("signature", "awsaccesskeyid"):
		cred, err = v.verifyPostV2(ctx, f)
	case has("policy"):
		return nil, fmt.Errorf("%w: policy without credentials or signature", ErrMalformedPostRequest)
	default:
		return &PostResult{Principal: Principal{Anonymous: true}, Method: Anonymous, bucket: bucket}, nil
	}
	if err != nil {
		return nil, err
	}
	exp, conds, err := parsePolicy(f["policy"])
	if err != nil {
		return nil, err
	}
	if !v.clock.Now().Before(exp) {
		return nil, policyViolation("Invalid according to Policy: Policy expired.")
	}
	return &PostResult{
		Principal:  principalOf(cred),
		Method:     PostPolicy,
		Expiration: exp,
		Conditions: conds,
		bucket:     bucket,
	}, nil
}

// lowerFields returns fields with lowercase names, rejecting a name given
// twice in different cases.
func lowerFields(fields map[string]string) (map[string]string, error) {
	f := make(map[string]string, len(fields))
	for k, val := range fields {
		lk := strings.ToLower(k)
		if _, dup := f[lk]; dup {
			return nil, fmt.Errorf("%w: field %q given twice", ErrMalformedPostRequest, lk)
		}
		f[lk] = val
	}
	return f, nil
}

func (v *Verifier) verifyPostV4(ctx context.Context, f map[string]string) (Credential, error) {
	for _, name := range []string{"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "policy"} {
		if f[name] == "" {
			return Credential{}, fmt.Errorf("%w: missing %s", ErrMalformedPostRequest, name)
		}
	}
	if algo := f["x-amz-algorithm"]; algo != algoV4 {
		return Credential{}, fmt.Errorf("%w: x-amz-algorithm %q", ErrUnsupportedAlgorithm, algo)
	}
	sc, err := parseCredential(f["x-amz-credential"], ErrMalformedPostRequest)
	if err != nil {
		return Credential{}, err
	}
	if err := v.checkScope(sc, ErrMalformedPostRequest); err != nil {
		return Credential{}, err
	}
	stamp := f["x-amz-date"]
	if _, err := time.Parse(timeFormatV4, stamp); err != nil || stamp[:8] != sc.date {
		return Credential{}, fmt.Errorf("%w: bad x-amz-date", ErrMalformedPostRequest)
	}
	sig := f["x-amz-signature"]
	if !isLowerHex(sig, 64) {
		return Credential{}, fmt.Errorf("%w: x-amz-signature is not 64 lowercase hex digits", ErrMalformedPostRequest)
	}
	cred, err := v.lookup(ctx, sc.accessKey)
	if err != nil {
		return Credential{}, err
	}
	if err := checkSessionToken(cred, f["x-amz-security-token"]); err != nil {
		return Credential{}, err
	}
	if !equalSignature(signHex(v.signingKey(cred.SecretKey, sc), []byte(f["policy"])), sig) {
		v.reject(ctx, PostPolicy, sc.accessKey, ErrSignatureMismatch)
		return Credential{}, ErrSignatureMismatch
	}
	return cred, nil
}

func (v *Verifier) verifyPostV2(ctx context.Context, f map[string]string) (Credential, error) {
	for _, name := range []string{"awsaccesskeyid", "signature", "policy"} {
		if f[name] == "" {
			return Credential{}, fmt.Errorf("%w: missing %s", ErrMalformedPostRequest, name)
		}
	}
	cred, err := v.lookup(ctx, f["awsaccesskeyid"])
	if err != nil {
		return Credential{}, err
	}
	if err := checkSessionToken(cred, f["x-amz-security-token"]); err != nil {
		return Credential{}, err
	}
	if !equalSignature(signV2(cred.SecretKey, []byte(f["policy"])), f["signature"]) {
		v.reject(ctx, PostPolicy, f["awsaccesskeyid"], ErrSignatureMismatch)
		return Credential{}, ErrSignatureMismatch
	}
	return cred, nil
}

// parsePolicy decodes a base64 POST policy document. Errors wrap
// ErrInvalidPolicyDocument and carry the "Invalid Policy: ..." message S3
// gives for them. The top-level member names are matched exactly, as S3
// matches them: "EXPIRATION" is not "expiration".
func parsePolicy(b64 string) (time.Time, []PolicyCondition, error) {
	if len(b64) > maxPolicySize {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Policy document exceeds %d bytes.", maxPolicySize)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: invalid Base64 encoding.")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Invalid JSON.")
	}
	for name := range doc {
		if name != "expiration" && name != "conditions" {
			return time.Time{}, nil, invalidPolicy("Invalid Policy: Unexpected: '%s'", strings.ToLower(name))
		}
	}
	expRaw, ok := doc["expiration"]
	if !ok {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Policy missing expiration.")
	}
	var expText string
	if json.Unmarshal(expRaw, &expText) != nil || isJSONNull(expRaw) {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Invalid 'expiration' value: '%s'", bytes.TrimSpace(expRaw))
	}
	exp, err := time.Parse(time.RFC3339Nano, expText)
	if err != nil {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Invalid 'expiration' value: '%s'", expText)
	}
	condRaw, ok := doc["conditions"]
	if !ok {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Policy missing conditions.")
	}
	var list []json.RawMessage
	if json.Unmarshal(condRaw, &list) != nil || isJSONNull(condRaw) {
		return time.Time{}, nil, invalidPolicy("Invalid Policy: Invalid 'conditions' value: must be a List.")
	}
	var conds []PolicyCondition
	for _, c := range list {
		got, err := parseCondition(c)
		if err != nil {
			return time.Time{}, nil, err
		}
		conds = append(conds, got...)
	}
	return exp, conds, nil
}

func isJSONNull(m json.RawMessage) bool { return string(bytes.TrimSpace(m)) == "null" }

// parseCondition decodes {"field":"value"} (exactly one member, an eq) or
// [op, "$field", value] or ["content-length-range", min, max]. Operators
// and field names match in any letter case, as s3-tests expects of S3.
func parseCondition(c json.RawMessage) ([]PolicyCondition, error) {
	c = bytes.TrimSpace(c)
	switch {
	case len(c) > 0 && c[0] == '{':
		return parseSimpleCondition(c)
	case len(c) > 0 && c[0] == '[':
	default:
		return nil, invalidPolicy("Invalid Policy: Invalid condition test: must be a List or Object.")
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(c, &arr); err != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid JSON.")
	}
	var op string
	if len(arr) == 0 || json.Unmarshal(arr[0], &op) != nil || isJSONNull(arr[0]) {
		return nil, invalidPolicy("Invalid Policy: Invalid Condition: missing operation identifier.")
	}
	lop := strings.ToLower(op)
	if lop != CondEq && lop != CondStartsWith && lop != CondContentLengthRange {
		return nil, invalidPolicy("Invalid Policy: Invalid Condition: unknown operation '%s'.", op)
	}
	if len(arr) != 3 {
		return nil, invalidPolicy("Invalid Policy: Invalid %s: wrong number of arguments.", op)
	}
	if lop == CondContentLengthRange {
		lo, err1 := policyInt(arr[1])
		hi, err2 := policyInt(arr[2])
		if err1 != nil || err2 != nil || lo < 0 || hi < lo {
			return nil, invalidPolicy("Invalid Policy: Invalid content-length-range: the range is not valid.")
		}
		return []PolicyCondition{{Op: lop, Min: lo, Max: hi}}, nil
	}
	var field, val string
	if json.Unmarshal(arr[1], &field) != nil || json.Unmarshal(arr[2], &val) != nil || isJSONNull(arr[1]) || isJSONNull(arr[2]) {
		return nil, invalidPolicy("Invalid Policy: Invalid JSON.")
	}
	if !strings.HasPrefix(field, "$") || len(field) < 2 {
		// S3 accepts such a condition and fails it against any form.
		return []PolicyCondition{{Op: lop, Value: val, spelled: field, unmatchable: true}}, nil
	}
	return []PolicyCondition{{Op: lop, Field: strings.ToLower(field[1:]), Value: val, spelled: field}}, nil
}

// parseSimpleCondition decodes {"field": "value"}.
func parseSimpleCondition(c json.RawMessage) ([]PolicyCondition, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(c, &m); err != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid JSON.")
	}
	if len(m) != 1 {
		return nil, invalidPolicy("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
	}
	var name string
	var raw json.RawMessage
	for name, raw = range m { // its one member
	}
	if isJSONNull(raw) {
		return nil, invalidPolicy("Invalid Policy: Invalid JSON.")
	}
	var val string
	if json.Unmarshal(raw, &val) != nil {
		return nil, invalidPolicy("Invalid Policy: Invalid Simple-Condition: value must be a string.")
	}
	name = strings.TrimPrefix(name, "$")
	return []PolicyCondition{{Op: CondEq, Field: strings.ToLower(name), Value: val, spelled: "$" + name}}, nil
}

// policyInt accepts a JSON integer or a string holding one, as AWS does.
func policyInt(m json.RawMessage) (int64, error) {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return strconv.ParseInt(s, 10, 64)
	}
	var n json.Number
	if err := json.Unmarshal(m, &n); err != nil {
		return 0, err
	}
	return n.Int64()
}

// ContentLengthRange returns the policy's file size bounds, so that the
// caller can stop reading an oversized file early.
func (p *PostResult) ContentLengthRange() (lo, hi int64, ok bool) {
	for _, c := range p.Conditions {
		if c.Op == CondContentLengthRange {
			return c.Min, c.Max, true
		}
	}
	return 0, 0, false
}

// Check enforces the policy on the submitted form fields (names in any
// letter case, the file excluded; the key with ${filename} already
// expanded, as S3 checks it) and the file's size in bytes: every
// condition must hold, and every field except policy, file, the
// signature fields and x-ignore-* must be named by a condition. The
// bucket conditions are checked against the bucket given to VerifyPost.
// Violations wrap ErrPostPolicyViolation and carry S3's "Invalid
// according to Policy: ..." message. An anonymous form passes.
func (p *PostResult) Check(fields map[string]string, contentLength int64) error {
	if p.Method != PostPolicy {
		return nil
	}
	f, err := lowerFields(fields)
	if err != nil {
		return err
	}
	f["bucket"] = p.bucket
	covered := make(map[string]bool, len(p.Conditions))
	for _, c := range p.Conditions {
		covered[c.Field] = true
		got := f[c.Field]
		ok := !c.unmatchable
		switch c.Op {
		case CondEq:
			ok = ok && got == c.Value
		case CondStartsWith:
			ok = ok && strings.HasPrefix(got, c.Value)
		case CondContentLengthRange:
			ok = contentLength >= c.Min && contentLength <= c.Max
		}
		if !ok {
			return policyViolation("Invalid according to Policy: Policy Condition failed: %s", c)
		}
	}
	var extra []string
	for name := range fields {
		lname := strings.ToLower(name)
		if lname == "bucket" || postFieldsExempt[lname] || strings.HasPrefix(lname, "x-ignore-") || covered[lname] {
			continue
		}
		extra = append(extra, name)
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return policyViolation("Invalid according to Policy: Extra input fields: %s", strings.Join(extra, ", "))
	}
	return nil
}

// String renders c as S3 quotes a failed condition: a JSON array in the
// policy's spelling, a simple condition as its "eq" form.
func (c PolicyCondition) String() string {
	if c.Op == CondContentLengthRange {
		return fmt.Sprintf("[%q, %d, %d]", c.Op, c.Min, c.Max)
	}
	spelled := c.spelled
	if spelled == "" && !c.unmatchable {
		spelled = "$" + c.Field
	}
	return "[" + jsonString(c.Op) + ", " + jsonString(spelled) + ", " + jsonString(c.Value) + "]"
}

// jsonString quotes s as JSON does, without escaping HTML characters.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// policyError is a POST policy failure: ErrInvalidPolicyDocument or
// ErrPostPolicyViolation, with the message S3 sends the client for it.
// The message holds only what the client itself sent.
type policyError struct {
	err error
	msg string
}

func (e *policyError) Error() string { return e.err.Error() + ": " + e.msg }
func (e *policyError) Unwrap() error { return e.err }

// ClientMessage is the message S3 gives the client for this failure.
func (e *policyError) ClientMessage() string { return e.msg }

func invalidPolicy(format string, args ...any) error {
	return &policyError{err: ErrInvalidPolicyDocument, msg: fmt.Sprintf(format, args...)}
}

func policyViolation(format string, args ...any) error {
	return &policyError{err: ErrPostPolicyViolation, msg: fmt.Sprintf(format, args...)}
}
