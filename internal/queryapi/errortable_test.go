package queryapi

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/coffer-s3/coffer/internal/iam"
)

// TestErrorTable pins how a wire's table answers: the first row whose
// error matches, with the store's client-safe message when it has one and
// the row's default otherwise; nothing for an error no row names.
func TestErrorTable(t *testing.T) {
	errFoo := errors.New("foo")
	table := ErrorTable([]ErrorRow{
		{Err: iam.ErrNoSuchEntity, Answer: Error{Status: http.StatusNotFound, Code: "NoSuchEntity"}},
		{Err: errFoo, Answer: Error{Status: http.StatusForbidden, Code: "Foo", Message: "default text"}},
	})
	tests := []struct {
		name      string
		err       error
		ok        bool
		code, msg string
	}{
		{"wrapped sentinel", fmt.Errorf("get: %w", errFoo), true, "Foo", "default text"},
		{"store message", &iam.Error{Err: iam.ErrNoSuchEntity, Message: "The user with name x cannot be found."}, true, "NoSuchEntity", "The user with name x cannot be found."},
		{"unlisted", errors.New("disk"), false, "", ""},
	}
	for _, tt := range tests {
		e, ok := table(tt.err)
		if ok != tt.ok || (ok && (e.Code != tt.code || e.Message != tt.msg)) {
			t.Errorf("%s: table(%v) = %+v, %v; want %s %q, %v", tt.name, tt.err, e, ok, tt.code, tt.msg, tt.ok)
		}
	}
}
