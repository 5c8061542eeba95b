package s3api

import "net/http"

// selectObjectContent answers SelectObjectContent as AWS answers an
// account that S3 Select is closed to: AWS stopped offering S3 Select to
// new customers on 25 July 2024 and serves it only to accounts that used
// it before, so a client written against AWS today must already handle
// this refusal. The caller is authorized (s3:GetObject) first, so that a
// request it may not make is AccessDenied as it would be on AWS.
func (h *Handler) selectObjectContent(w http.ResponseWriter, req *request) error {
	return errMethodNotAllowed
}
