package integration_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/coffer-s3/coffer/internal/iam"
)

// TestIAM_simulateMatchedAndResourcePolicy runs both simulate actions
// through the SDK: every allowing statement is listed with its source
// and position, a denial lists only the Deny, and ResourcePolicy,
// CallerArn and ResourceOwner decide as IAM documents them.
func TestIAM_simulateMatchedAndResourcePolicy(t *testing.T) {
	e := newEnv(t)
	admin := e.srv.IAM()
	acct := iam.RootAccountID
	if _, err := admin.CreateUser(ctx(t), &awsiam.CreateUserInput{UserName: aws.String("sim")}); err != nil {
		t.Fatal(err)
	}
	inline := "{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},\n{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::b/*\"},\n{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/secret\"}]}"
	if _, err := admin.PutUserPolicy(ctx(t), &awsiam.PutUserPolicyInput{UserName: aws.String("sim"), PolicyName: aws.String("reads"), PolicyDocument: aws.String(inline)}); err != nil {
		t.Fatal(err)
	}
	userArn := "arn:aws:iam::" + acct + ":user/sim"
	principal := func(in *awsiam.SimulatePrincipalPolicyInput) iamtypes.EvaluationResult {
		t.Helper()
		in.PolicySourceArn = aws.String(userArn)
		out, err := admin.SimulatePrincipalPolicy(ctx(t), in)
		if err != nil || len(out.EvaluationResults) != 1 {
			t.Fatalf("SimulatePrincipalPolicy = %+v, %v", out, err)
		}
		return out.EvaluationResults[0]
	}
	r := principal(&awsiam.SimulatePrincipalPolicyInput{ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/k"}})
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(r.MatchedStatements) != 2 {
		t.Fatalf("allowed by two statements = %+v", r)
	}
	for i, m := range r.MatchedStatements {
		if aws.ToString(m.SourcePolicyId) != "reads" || m.SourcePolicyType != iamtypes.PolicySourceTypeUser || m.StartPosition == nil || m.StartPosition.Line != int32(i+2) || m.StartPosition.Column != 1 {
			t.Errorf("statement %d = %+v %+v", i, m, m.StartPosition)
		}
	}
	r = principal(&awsiam.SimulatePrincipalPolicyInput{ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/secret"}})
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeExplicitDeny || len(r.MatchedStatements) != 1 || r.MatchedStatements[0].StartPosition.Line != 4 {
		t.Errorf("denied = %+v", r)
	}

	// A resource policy naming the caller allows what no identity policy
	// does; another account's caller needs it across accounts.
	other := "arn:aws:iam::111122223333:user/bob"
	bucketPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	custom := func(in *awsiam.SimulateCustomPolicyInput) (iamtypes.EvaluationResult, error) {
		t.Helper()
		in.PolicyInputList = []string{identity}
		in.ActionNames = []string{"s3:PutObject"}
		in.ResourceArns = []string{"arn:aws:s3:::b/k"}
		out, err := admin.SimulateCustomPolicy(ctx(t), in)
		if err != nil {
			return iamtypes.EvaluationResult{}, err
		}
		return out.EvaluationResults[0], nil
	}
	r, err := custom(&awsiam.SimulateCustomPolicyInput{ResourcePolicy: aws.String(bucketPolicy), CallerArn: aws.String(other), ResourceOwner: aws.String("arn:aws:iam::" + acct + ":root")})
	if err != nil || r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(r.MatchedStatements) != 2 ||
		aws.ToString(r.MatchedStatements[1].SourcePolicyId) != "ResourcePolicy" || r.MatchedStatements[1].SourcePolicyType != iamtypes.PolicySourceTypeResource {
		t.Errorf("cross-account with resource policy = %+v, %v", r, err)
	}
	r, err = custom(&awsiam.SimulateCustomPolicyInput{CallerArn: aws.String(other), ResourceOwner: aws.String("arn:aws:iam::" + acct + ":root")})
	if err != nil || r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("cross-account without resource policy = %+v, %v", r, err)
	}
	r, err = custom(&awsiam.SimulateCustomPolicyInput{CallerArn: aws.String(other)})
	if err != nil || r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
		t.Errorf("caller's own account = %+v, %v", r, err)
	}
	_, err = custom(&awsiam.SimulateCustomPolicyInput{ResourcePolicy: aws.String(bucketPolicy)})
	wantCode(t, "ResourcePolicy without CallerArn", err, "InvalidInput", 400)
	_, err = custom(&awsiam.SimulateCustomPolicyInput{CallerArn: aws.String(other), ResourceOwner: aws.String(acct)})
	wantCode(t, "ResourceOwner without ARN", err, "InvalidInput", 400)
	_, err = custom(&awsiam.SimulateCustomPolicyInput{CallerArn: aws.String("arn:aws:iam::" + acct + ":role/r")})
	wantCode(t, "CallerArn of a role", err, "InvalidInput", 400)

	// SimulatePrincipalPolicy of a user needs no CallerArn for a
	// resource policy; a Deny there decides.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	r = principal(&awsiam.SimulatePrincipalPolicyInput{ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/k"}, ResourcePolicy: aws.String(deny),
		ResourceHandlingOption: aws.String("EC2-VPC-EBS")})
	if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeExplicitDeny || len(r.MatchedStatements) != 1 || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "ResourcePolicy" {
		t.Errorf("resource policy deny = %+v", r)
	}
}
