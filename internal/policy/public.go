package policy

import (
	"net/netip"
	"strings"
)

// pinningKeys are the condition keys that, compared with fixed values,
// keep a statement naming everyone from being public: S3 User Guide,
// "Blocking public access to your Amazon S3 storage", "The meaning of
// public". Keys are lower case (condition keys are case-insensitive).
var pinningKeys = map[string]bool{
	"aws:sourceip":              true,
	"aws:sourcevpc":             true,
	"aws:sourcevpce":            true,
	"aws:sourcearn":             true,
	"aws:sourceaccount":         true,
	"aws:sourceowner":           true,
	"aws:principalaccount":      true,
	"aws:principalorgid":        true,
	"aws:principalarn":          true,
	"aws:userid":                true,
	"s3:dataaccesspointarn":     true,
	"s3:dataaccesspointaccount": true,
	"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
}

// IsPublic reports whether p grants public access as S3 defines it for
// GetBucketPolicyStatus and Block Public Access: some Allow statement
// names everyone ("*", {"AWS":"*"} or a NotPrincipal) and is not pinned
// by a condition that compares one of the keys above with fixed values
// (no wildcard, no policy variable, and for aws:SourceIp no /0 range).
// A nil policy is not public.
func IsPublic(p *Policy) bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		if publicStatement(&p.Statements[i]) {
			return true
		}
	}
	return false
}

func publicStatement(s *Statement) bool {
	if s.Effect != Allow || s.Principal == nil {
		return false
	}
	if !s.NotPrincipal && !s.Principal.everyone() {
		return false
	}
	for _, c := range s.Condition {
		if pins(c) {
			return false
		}
	}
	return true
}

// everyone reports whether a Principal element names any caller.
func (ps *Principals) everyone() bool {
	if ps.All {
		return true
	}
	for _, a := range ps.AWS {
		if a == "*" {
			return true
		}
	}
	return false
}

// pins reports whether condition c limits a statement to fixed
// principals or sources.
func pins(c Condition) bool {
	key := strings.ToLower(c.Key)
	if !pinningKeys[key] || len(c.Values) == 0 {
		return false
	}
	op := c.Operator
	if strings.HasPrefix(op, "ForAllValues:") {
		// True for a request without the key: pins nothing.
		return false
	}
	op = strings.TrimPrefix(op, "ForAnyValue:")
	if strings.HasSuffix(op, "IfExists") {
		return false // a request without the key passes
	}
	switch op {
	case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
	case "IpAddress":
		if key != "aws:sourceip" {
			return false
		}
	default:
		return false
	}
	for _, v := range c.Values {
		if strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
			return false
		}
		if key == "aws:sourceip" && !fixedRange(v) {
			return false
		}
		if key == "aws:userid" && strings.HasSuffix(v, ":*") {
			return false
		}
	}
	return true
}

// fixedRange reports whether v is an address or a CIDR range narrower
// than the whole address space.
func fixedRange(v string) bool {
	if pfx, err := netip.ParsePrefix(v); err == nil {
		return pfx.Bits() > 0
	}
	_, err := netip.ParseAddr(v)
	return err == nil
}
