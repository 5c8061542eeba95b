package integration_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestSelectObjectContent_notAvailable pins the answer an AWS account
// without S3 Select gets (closed to new customers since July 2024): 405
// MethodNotAllowed, and never a 501 that a client might retry elsewhere.
func TestSelectObjectContent_notAvailable(t *testing.T) {
	e := newEnv(t)
	e.put(t, "data.csv", []byte("a,b\n1,2\n"))
	_, err := e.s3.SelectObjectContent(ctx(t), &s3.SelectObjectContentInput{
		Bucket: aws.String(e.bucket), Key: aws.String("data.csv"),
		Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
	})
	wantCode(t, "SelectObjectContent", err, "MethodNotAllowed", 405)
}
