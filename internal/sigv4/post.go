package sigv4

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
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
		return nil, fmt.Errorf("%w: policy expired at %s", ErrPostPolicyViolation, exp.Format(time.RFC3339))
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
	if sc.region != v.region {
		return Credential{}, fmt.Errorf("%w: region %q is wrong; expecting %q", ErrMalformedPostRequest, sc.region, v.region)
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
// ErrInvalidPolicyDocument.
func parsePolicy(b64 string) (time.Time, []PolicyCondition, error) {
	if len(b64) > maxPolicySize {
		return time.Time{}, nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidPolicyDocument, maxPolicySize)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: not base64", ErrInvalidPolicyDocument)
	}
	var doc struct {
		Expiration *string           `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: %v", ErrInvalidPolicyDocument, err)
	}
	if doc.Expiration == nil {
		return time.Time{}, nil, fmt.Errorf("%w: no expiration", ErrInvalidPolicyDocument)
	}
	exp, err := time.Parse(time.RFC3339Nano, *doc.Expiration)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: bad expiration", ErrInvalidPolicyDocument)
	}
	var conds []PolicyCondition
	for _, c := range doc.Conditions {
		got, err := parseCondition(c)
		if err != nil {
			return time.Time{}, nil, err
		}
		conds = append(conds, got...)
	}
	return exp, conds, nil
}

// parseCondition decodes {"field":"value"} (one eq per member) or
// [op, "$field", value] or ["content-length-range", min, max].
func parseCondition(c json.RawMessage) ([]PolicyCondition, error) {
	c = bytes.TrimSpace(c)
	if len(c) > 0 && c[0] == '{' {
		var m map[string]string
		if err := json.Unmarshal(c, &m); err != nil {
			return nil, fmt.Errorf("%w: condition object: %v", ErrInvalidPolicyDocument, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%w: empty condition object", ErrInvalidPolicyDocument)
		}
		out := make([]PolicyCondition, 0, len(m))
		for k, val := range m {
			out = append(out, PolicyCondition{Op: CondEq, Field: strings.ToLower(strings.TrimPrefix(k, "$")), Value: val})
		}
		return out, nil
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(c, &arr); err != nil || len(arr) != 3 {
		return nil, fmt.Errorf("%w: condition must be an object or a 3-element array", ErrInvalidPolicyDocument)
	}
	var op string
	if err := json.Unmarshal(arr[0], &op); err != nil {
		return nil, fmt.Errorf("%w: condition operator is not a string", ErrInvalidPolicyDocument)
	}
	switch op = strings.ToLower(op); op {
	case CondEq, CondStartsWith:
		var field, val string
		if json.Unmarshal(arr[1], &field) != nil || json.Unmarshal(arr[2], &val) != nil || !strings.HasPrefix(field, "$") || len(field) < 2 {
			return nil, fmt.Errorf("%w: %s needs \"$field\" and a string", ErrInvalidPolicyDocument, op)
		}
		return []PolicyCondition{{Op: op, Field: strings.ToLower(field[1:]), Value: val}}, nil
	case CondContentLengthRange:
		lo, err1 := policyInt(arr[1])
		hi, err2 := policyInt(arr[2])
		if err1 != nil || err2 != nil || lo < 0 || hi < lo {
			return nil, fmt.Errorf("%w: bad content-length-range", ErrInvalidPolicyDocument)
		}
		return []PolicyCondition{{Op: op, Min: lo, Max: hi}}, nil
	}
	return nil, fmt.Errorf("%w: unknown condition %q", ErrInvalidPolicyDocument, op)
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
// letter case, the file excluded) and the file's size in bytes: every
// condition must hold, and every field except policy, file, the
// signature fields and x-ignore-* must be named by a condition. The
// bucket conditions are checked against the bucket given to VerifyPost.
// Violations wrap ErrPostPolicyViolation. An anonymous form passes.
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
		switch c.Op {
		case CondEq:
			if got != c.Value {
				return fmt.Errorf("%w: condition failed: [\"eq\", \"$%s\", %q]", ErrPostPolicyViolation, c.Field, c.Value)
			}
		case CondStartsWith:
			if !strings.HasPrefix(got, c.Value) {
				return fmt.Errorf("%w: condition failed: [\"starts-with\", \"$%s\", %q]", ErrPostPolicyViolation, c.Field, c.Value)
			}
		case CondContentLengthRange:
			if contentLength < c.Min || contentLength > c.Max {
				return fmt.Errorf("%w: file size %d outside [%d, %d]", ErrPostPolicyViolation, contentLength, c.Min, c.Max)
			}
		}
	}
	for name := range f {
		if name == "bucket" || postFieldsExempt[name] || strings.HasPrefix(name, "x-ignore-") {
			continue
		}
		if !covered[name] {
			return fmt.Errorf("%w: extra input field %q not in policy", ErrPostPolicyViolation, name)
		}
	}
	return nil
}
