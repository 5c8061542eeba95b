package policy

import "fmt"

// SyntaxError reports a document that is not a valid policy of its kind.
// Message is AWS's text for the client (the message of IAM's
// MalformedPolicyDocument or S3's MalformedPolicy); Detail says exactly
// what was wrong and where, for logs and for people writing policies.
type SyntaxError struct {
	Message string
	Detail  string
}

func (e *SyntaxError) Error() string { return "policy: " + e.Detail }

// problem names one way a document can be malformed; messages turns it
// into AWS's text for the document's kind.
type problem int

const (
	probJSON               problem = iota // not JSON
	probShape                             // JSON, but wrong element, type or duplicate
	probEmptyStatement                    // Statement is an empty list
	probEffect                            // Effect other than Allow/Deny
	probMissingEffect                     // no Effect
	probMissingAction                     // no Action/NotAction
	probMissingResource                   // no Resource/NotResource where required
	probMissingPrincipal                  // no Principal/NotPrincipal where required
	probPrincipalForbidden                // Principal in an identity policy
	probResourceForbidden                 // Resource in a trust policy
	probTrustAction                       // non-sts action in a trust policy
	probActionVendor                      // action without a service prefix
	probActionColons                      // action with more than one colon
	probResource                          // resource not "*" nor an ARN
	probPrincipal                         // principal value not valid
	probConditionKey                      // condition key without a prefix
	probSidChars                          // Sid not alphanumeric (IAM)
	probSidUnique                         // the same Sid twice
	probVersion                           // unknown Version
)

// iamText and s3Text are the messages AWS sends. Texts with %s take the
// offending value. Where AWS's exact text for a case is not known the
// nearest general one is used.
var iamText = map[problem]string{
	probJSON:               "Syntax errors in policy.",
	probShape:              "Syntax errors in policy.",
	probEmptyStatement:     "Syntax errors in policy.",
	probEffect:             "Syntax errors in policy.",
	probMissingEffect:      "Missing required field Effect",
	probMissingAction:      "Policy statement must contain actions.",
	probMissingResource:    "Policy statement must contain resources.",
	probMissingPrincipal:   "Missing required field Principal",
	probPrincipalForbidden: "Policy document should not specify a principal.",
	probResourceForbidden:  "Has prohibited field Resource",
	probTrustAction:        "AssumeRole policy may only specify STS AssumeRole actions.",
	probActionVendor:       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
	probActionColons:       "Actions/Condition can contain only one colon.",
	probResource:           `Resource %s must be in ARN format or "*".`,
	probPrincipal:          "Invalid principal in policy: %s",
	probConditionKey:       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
	probSidChars:           "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
	probSidUnique:          "Statement IDs (SID) in a single policy must be unique.",
	probVersion:            "Syntax errors in policy.",
}

var s3Text = map[problem]string{
	probJSON:             "Policies must be valid JSON and the first byte must be '{'",
	probShape:            "This policy contains invalid Json",
	probEmptyStatement:   "Could not parse the policy: Statement is empty!",
	probEffect:           "Invalid effect: %s",
	probMissingEffect:    "Missing required field Effect",
	probMissingAction:    "Missing required field Action",
	probMissingResource:  "Missing required field Resource",
	probMissingPrincipal: "Missing required field Principal",
	probActionVendor:     "Policy has invalid action",
	probActionColons:     "Policy has invalid action",
	probResource:         "Policy has invalid resource",
	probPrincipal:        "Invalid principal in policy",
	probConditionKey:     "Policy has an invalid condition key",
	probSidUnique:        "Statement IDs (SID) in a single policy must be unique.",
	probVersion:          "This policy contains invalid Json",
}

// malformed builds the SyntaxError for problem p in a document of kind k.
// arg fills the message's %s; detail (a format) is for the log.
func malformed(k Kind, p problem, arg string, detail string, a ...any) *SyntaxError {
	table := iamText
	if k.s3() {
		table = s3Text
	}
	msg, ok := table[p]
	if !ok {
		msg = iamText[p]
	}
	if containsVerb(msg) {
		msg = fmt.Sprintf(msg, arg)
	}
	return &SyntaxError{Message: msg, Detail: fmt.Sprintf(detail, a...)}
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 's' {
			return true
		}
	}
	return false
}
