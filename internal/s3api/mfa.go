package s3api

import (
	"errors"
	"strings"

	"github.com/coffer-s3/coffer/internal/object"
)

// headerMFA is S3's header of MFA Delete: a device serial number, a
// space, and the device's current code.
const headerMFA = "X-Amz-Mfa"

// errMFAOverHTTP refuses x-amz-mfa on a plain-HTTP request: S3 takes MFA
// only over HTTPS, so a code sent in the clear is never accepted.
var errMFAOverHTTP = withMessage(errInvalidRequest, "Requests specifying x-amz-mfa must be made over a secure connection.")

// checkMFATransport refuses a request that carries x-amz-mfa without TLS,
// whatever its operation, before anything reads the code.
func checkMFATransport(req *request) error {
	if req.r.TLS == nil && len(req.r.Header.Values(headerMFA)) > 0 {
		return errMFAOverHTTP
	}
	return nil
}

// mfa returns the x-amz-mfa of the request and its caller for the object
// service's MFA Delete checks; the zero MFA without the header. A header
// that is not "SERIAL CODE" is InvalidArgument; the service judges the
// serial and the code.
func (req *request) mfa() (object.MFA, error) {
	v := strings.TrimSpace(req.r.Header.Get(headerMFA))
	if v == "" {
		return object.MFA{}, nil
	}
	p := req.principal()
	m := object.MFA{Account: p.AccountID, Root: p.Root && !p.Anonymous}
	f := strings.Fields(v)
	if len(f) != 2 {
		return m, withMessage(errInvalidArgument, "The x-amz-mfa header must be a device serial number, a space and an authentication code.")
	}
	serial, code := f[0], f[1]
	m.Serial, m.Code = serial, code
	return m, nil
}

// mfaDenial reports whether err is an MFA Delete refusal, which the
// server log explains as it explains every other denial.
func mfaDenial(err error) bool {
	return errors.Is(err, object.ErrMFARequired) || errors.Is(err, object.ErrMFANotOwner) || errors.Is(err, object.ErrMFAInvalid)
}
