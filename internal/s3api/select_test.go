package s3api

import "testing"

// TestSelectObjectContent pins the refusal an account without S3 Select
// gets: 405 MethodNotAllowed, after authorization.
func TestSelectObjectContent(t *testing.T) {
	body := `<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>SELECT * FROM S3Object</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`
	runHandlerCases(t, []handlerCase{
		{name: "refused", method: "POST", target: "/b/data.csv?select&select-type=2", body: body,
			status: 405, code: "MethodNotAllowed"},
	})
}
