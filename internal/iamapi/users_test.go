package iamapi

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/queryapi"
	"github.com/coffer-s3/coffer/internal/sigv4"
)

func TestGetUser(t *testing.T) {
	created := time.Date(2013, 12, 27, 12, 1, 18, 0, time.UTC)
	h := &handlers{created: func(string) time.Time { return created }}
	root := sigv4.Principal{AccountID: "123456789012", Name: "root", ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Root: true}
	bob := sigv4.Principal{AccountID: "123456789012", Name: "Bob", ARN: "arn:aws:iam::123456789012:user/Bob", UserID: "AIDAEXAMPLE"}
	tests := []struct {
		name   string
		caller sigv4.Principal
		params string
		want   any
		code   string
		msg    string
	}{
		{name: "root without a name", caller: root, want: getUserResult{User: user{
			UserID: "123456789012", Arn: "arn:aws:iam::123456789012:root", CreateDate: "2013-12-27T12:01:18Z"}}},
		{name: "root naming a user", caller: root, params: "UserName=Bob", code: "NoSuchEntity",
			msg: "The user with name Bob cannot be found."},
		{name: "a user without a name", caller: bob, code: "NoSuchEntity", msg: "The user with name Bob cannot be found."},
		{name: "name too long", caller: root, params: "UserName=" + strings.Repeat("a", 129),
			code: "ValidationError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			got, err := h.getUser(context.Background(), &queryapi.Call{Principal: tt.caller, Params: queryapi.NewParams(v)})
			if tt.code != "" {
				e, ok := errors.AsType[*queryapi.Error](err)
				if !ok || e.Code != tt.code || (tt.msg != "" && e.Message != tt.msg) {
					t.Errorf("getUser = %v, want %s %q", err, tt.code, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("getUser: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(getUserResult{}, user{})); diff != "" {
				t.Errorf("getUser (-want +got):\n%s", diff)
			}
		})
	}
}
