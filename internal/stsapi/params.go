package stsapi

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// Parameter constraints from botocore's sts model (2011-06-15).
var (
	arnParam             = queryapi.String{Name: "RoleArn", Field: "roleArn", Required: true, Min: 20, Max: 2048}
	roleSessionNameParam = queryapi.String{Name: "RoleSessionName", Field: "roleSessionName", Required: true, Min: 2, Max: 64,
		Pattern: regexp.MustCompile(`[\w+=,.@-]*`)}
	externalIDParam = queryapi.String{Name: "ExternalId", Field: "externalId", Min: 2, Max: 1224,
		Pattern: regexp.MustCompile(`[\w+=,.@:\/-]*`)}
	serialNumberParam = queryapi.String{Name: "SerialNumber", Field: "serialNumber", Min: 9, Max: 256,
		Pattern: regexp.MustCompile(`[\w+=/:,.@-]*`)}
	tokenCodeParam = queryapi.String{Name: "TokenCode", Field: "tokenCode", Min: 6, Max: 6,
		Pattern: regexp.MustCompile(`[\d]*`)}
	policyParam = queryapi.String{Name: "Policy", Field: "policy", Min: 1,
		Pattern: regexp.MustCompile(`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)}
	sourceIdentityParam = queryapi.String{Name: "SourceIdentity", Field: "sourceIdentity", Min: 2, Max: 64,
		Pattern: regexp.MustCompile(`[\w+=,.@-]*`)}
	accessKeyIDParam = queryapi.String{Name: "AccessKeyId", Field: "accessKeyId", Required: true, Min: 16, Max: 128,
		Pattern: regexp.MustCompile(`[\w]*`)}
	tagKeyPattern   = regexp.MustCompile(`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	tagValuePattern = regexp.MustCompile(`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
)

// maxSessionTags is STS's limit of Tags and of TransitiveTagKeys.
const maxSessionTags = 50

// optional returns an optional string parameter.
func optional(p queryapi.Params, s queryapi.String) (string, error) {
	v, _, err := p.String(s)
	return v, err
}

// policyARNs reads PolicyArns.member.N.arn.
func policyARNs(p queryapi.Params) ([]string, error) {
	var out []string
	for i := 1; ; i++ {
		name := "PolicyArns.member." + strconv.Itoa(i) + ".arn"
		v, ok := p.Get(name)
		if !ok {
			return out, nil
		}
		s := queryapi.String{Name: name, Field: fmt.Sprintf("policyArns.%d.member.arn", i), Min: 20, Max: 2048}
		if err := s.Check(v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// sessionTags reads Tags.member.N.Key/Value and TransitiveTagKeys.member.N
// with their constraints. Keys are case-insensitive: two tags whose keys
// differ only in case are refused.
func sessionTags(p queryapi.Params) ([]iam.Tag, []string, error) {
	tags, err := p.Tags("Tags")
	if err != nil {
		return nil, nil, err
	}
	if len(tags) > maxSessionTags {
		return nil, nil, queryapi.Validation(fmt.Sprint(tags), "tags", fmt.Sprintf("Member must have length less than or equal to %d", maxSessionTags))
	}
	out := make([]iam.Tag, 0, len(tags))
	seen := map[string]bool{}
	for i, t := range tags {
		k := queryapi.String{Field: fmt.Sprintf("tags.%d.member.key", i+1), Min: 1, Max: 128, Pattern: tagKeyPattern}
		v := queryapi.String{Field: fmt.Sprintf("tags.%d.member.value", i+1), Max: 256, Pattern: tagValuePattern}
		if err := k.Check(t.Key); err != nil {
			return nil, nil, err
		}
		if err := v.Check(t.Value); err != nil {
			return nil, nil, err
		}
		if lk := strings.ToLower(t.Key); seen[lk] {
			return nil, nil, queryapi.InvalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		} else {
			seen[lk] = true
		}
		out = append(out, iam.Tag{Key: t.Key, Value: t.Value})
	}
	keys, err := p.List("TransitiveTagKeys")
	if err != nil {
		return nil, nil, err
	}
	if len(keys) > maxSessionTags {
		return nil, nil, queryapi.Validation(fmt.Sprint(keys), "transitiveTagKeys", fmt.Sprintf("Member must have length less than or equal to %d", maxSessionTags))
	}
	for i, key := range keys {
		k := queryapi.String{Field: fmt.Sprintf("transitiveTagKeys.%d.member", i+1), Min: 1, Max: 128, Pattern: tagKeyPattern}
		if err := k.Check(key); err != nil {
			return nil, nil, err
		}
	}
	return out, keys, nil
}

// mfaCode reads SerialNumber and TokenCode, which come together.
func mfaCode(p queryapi.Params) (serial, code string, err error) {
	if serial, err = optional(p, serialNumberParam); err != nil {
		return "", "", err
	}
	if code, err = optional(p, tokenCodeParam); err != nil {
		return "", "", err
	}
	switch {
	case serial != "" && code == "":
		return "", "", queryapi.MissingParameter("TokenCode")
	case serial == "" && code != "":
		return "", "", queryapi.MissingParameter("SerialNumber")
	}
	return serial, code, nil
}
