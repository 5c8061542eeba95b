package iamapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
	"github.com/coffer-s3/coffer/internal/policy"
	"github.com/coffer-s3/coffer/internal/queryapi"
)

// resourcePolicyName names the simulated ResourcePolicy in the policy set
// and in MatchedStatements' SourcePolicyId.
const resourcePolicyName = "ResourcePolicy"

// resourceHandlingOptions are the values IAM's model lists for
// ResourceHandlingOption. They select EC2 launch scenarios, which name
// resources coffer does not have, so a valid one changes nothing.
var resourceHandlingOptions = []string{
	"EC2-VPC-InstanceStore", "EC2-VPC-InstanceStore-Subnet", "EC2-VPC-EBS", "EC2-VPC-EBS-Subnet",
	"EC2-Classic-InstanceStore", "EC2-Classic-EBS",
}

// resourceOptions reads the parameters both simulate actions share about
// who calls and who owns the resources, as the IAM API reference
// documents them:
//
//   - CallerArn: an IAM user of any account, simulated as the caller with
//     the simulated policies ("as if Bob had David's policies"); by
//     default the user of PolicySourceArn, or the caller.
//   - ResourcePolicy: a resource-based policy (as a bucket policy is)
//     evaluated with the identity policies. Its Principal element needs a
//     user to name, so it requires CallerArn unless PolicySourceArn is a
//     user.
//   - ResourceOwner: arn:aws:iam::ACCOUNT:root, the account owning the
//     resources and the ResourcePolicy; by default the caller's. A
//     different account makes the simulation cross-account, where the
//     resource policy must allow too.
//   - ResourceHandlingOption: checked against IAM's list and otherwise
//     without effect.
func (s *simulation) resourceOptions(c *queryapi.Call, docs map[string]string) error {
	callerArn, err := str(c, queryapi.String{Name: "CallerArn", Field: "callerArn", Min: 1, Max: 2048})
	if err != nil {
		return err
	}
	doc, err := str(c, queryapi.String{Name: "ResourcePolicy", Field: "resourcePolicy", Min: 1, Max: 131072})
	if err != nil {
		return err
	}
	owner, err := str(c, queryapi.String{Name: "ResourceOwner", Field: "resourceOwner", Min: 1, Max: 2048})
	if err != nil {
		return err
	}
	if _, err := str(c, queryapi.String{Name: "ResourceHandlingOption", Field: "resourceHandlingOption", Min: 1, Max: 64, Enum: resourceHandlingOptions}); err != nil {
		return err
	}
	if callerArn != "" {
		account, ok := userARNAccount(callerArn)
		if !ok {
			return invalidInput("Invalid ARN: %s", callerArn)
		}
		s.principal = policy.Principal{Type: policy.User, Account: account, ARN: callerArn}
		s.callerIsUser = true
	}
	s.owner = s.principal.Account
	if owner != "" {
		account, ok := rootARNAccount(owner)
		if !ok {
			return invalidInput("'%s' is not a valid as a Resource Owner.", owner)
		}
		s.owner = account
	}
	if doc == "" {
		return nil
	}
	if !s.callerIsUser {
		return invalidInput("CallerArn is required when ResourcePolicy is specified and PolicySourceArn is not a user.")
	}
	p, err := parseResourcePolicy(doc)
	if err != nil {
		return err
	}
	s.set.Resource = &policy.Attached{Name: resourcePolicyName, Policy: p}
	s.sources[resourcePolicyName] = policySource{id: resourcePolicyName, typ: "resource"}
	docs[resourcePolicyName] = doc
	return nil
}

// parseResourcePolicy reads ResourcePolicy as a resource-based policy
// (Principal required, evaluated as a bucket policy is). Its complaints
// are worded as IAM words them for a policy document.
func parseResourcePolicy(doc string) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(doc), policy.Bucket)
	if err == nil {
		return p, nil
	}
	if _, ok := errors.AsType[*policy.SizeError](err); ok {
		return nil, &iam.PolicyError{Err: iam.ErrLimitExceeded, Message: "Cannot exceed quota for PolicySize.", Cause: err}
	}
	msg := "Syntax errors in policy."
	// The key policy kind has a resource policy's rules with IAM's texts.
	if _, kerr := policy.Parse([]byte(doc), policy.Key); kerr != nil {
		if syn, ok := errors.AsType[*policy.SyntaxError](kerr); ok {
			msg = syn.Message
		}
	}
	return nil, &iam.PolicyError{Err: iam.ErrMalformedPolicyDocument, Message: msg, Cause: err}
}

// userARNAccount returns the account of an IAM user's ARN.
func userARNAccount(arn string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", false
	}
	account, res, ok := strings.Cut(rest, ":")
	if !ok || !isAccountID(account) || !strings.HasPrefix(res, "user/") || strings.HasSuffix(res, "/") {
		return "", false
	}
	return account, true
}

// rootARNAccount returns the account of arn:aws:iam::ACCOUNT:root.
func rootARNAccount(arn string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", false
	}
	account, ok := strings.CutSuffix(rest, ":root")
	return account, ok && isAccountID(account)
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func invalidInput(format string, a ...any) error {
	return &queryapi.Error{Status: http.StatusBadRequest, Code: "InvalidInput", Message: fmt.Sprintf(format, a...)}
}
