package queryapi

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func params(t testing.TB, raw string) Params {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return NewParams(v)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("%s: error %v, want success", what, err)
		}
		return
	}
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
		code string
	}{
		{raw: "", want: nil},
		// AWS's example: ClientIDList.member.1=… (CreateOpenIDConnectProvider).
		{raw: "ClientIDList.member.1=my-application-ID&ClientIDList.member.2=b", want: []string{"my-application-ID", "b"}},
		{raw: "ClientIDList.member.2=b&ClientIDList.member.1=a", want: []string{"a", "b"}},
		{raw: "ClientIDList.member.2=b", code: "InvalidParameterValue"},
		{raw: "ClientIDList.member.0=a", code: "InvalidParameterValue"},
		{raw: "ClientIDList.member.01=a", code: "InvalidParameterValue"},
		{raw: "ClientIDList.member.x=a", code: "InvalidParameterValue"},
		{raw: "ClientIDList.member.1001=a", code: "InvalidParameterValue"},
		{raw: "Other.member.1=a", want: nil},
	}
	for _, tt := range tests {
		got, err := params(t, tt.raw).List("ClientIDList")
		wantCode(t, "List("+tt.raw+")", err, tt.code)
		if diff := cmp.Diff(tt.want, got); tt.code == "" && diff != "" {
			t.Errorf("List(%s) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		raw  string
		want []Tag
		code string
	}{
		// AWS's TagUser example.
		{raw: "Tags.member.1.Key=Dept&Tags.member.1.Value=Accounting&Tags.member.2.Key=CostCenter&Tags.member.2.Value=12345",
			want: []Tag{{"Dept", "Accounting"}, {"CostCenter", "12345"}}},
		{raw: "Tags.member.1.Key=k", want: []Tag{{Key: "k"}}},
		{raw: "Tags.member.1.Value=v", code: "InvalidParameterValue"},
		{raw: "Tags.member.1.Name=k", code: "InvalidParameterValue"},
		{raw: "Tags.member.1=k", code: "InvalidParameterValue"},
		{raw: "Tags.member.2.Key=k", code: "InvalidParameterValue"},
	}
	for _, tt := range tests {
		got, err := params(t, tt.raw).Tags("Tags")
		wantCode(t, "Tags("+tt.raw+")", err, tt.code)
		if diff := cmp.Diff(tt.want, got); tt.code == "" && diff != "" {
			t.Errorf("Tags(%s) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestString(t *testing.T) {
	userName := String{Name: "UserName", Field: "userName", Required: true, Min: 1, Max: 64, Pattern: regexp.MustCompile(`[\w+=,.@-]+`)}
	status := String{Name: "Status", Field: "status", Required: true, Enum: []string{"Active", "Inactive"}}
	tests := []struct {
		s        String
		raw      string
		want     string
		code     string
		wantText string
	}{
		{s: userName, raw: "UserName=Bob", want: "Bob"},
		{s: userName, raw: "", code: "MissingParameter", wantText: "The request must contain the parameter UserName"},
		{s: userName, raw: "UserName=" + strings.Repeat("a", 65), code: "ValidationError",
			wantText: "1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{s: userName, raw: "UserName=", code: "ValidationError",
			wantText: "1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{s: userName, raw: "UserName=a%20b", code: "ValidationError",
			wantText: `1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{s: status, raw: "Status=Active", want: "Active"},
		{s: status, raw: "Status=active", code: "ValidationError",
			wantText: "1 validation error detected: Value 'active' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"},
	}
	for _, tt := range tests {
		got, _, err := params(t, tt.raw).String(tt.s)
		wantCode(t, "String("+tt.raw+")", err, tt.code)
		if err != nil && err.(*Error).Message != tt.wantText {
			t.Errorf("String(%s) message = %q, want %q", tt.raw, err.(*Error).Message, tt.wantText)
		}
		if err == nil && got != tt.want {
			t.Errorf("String(%s) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		raw  string
		want int64
		code string
	}{
		{raw: "MaxItems=100", want: 100},
		{raw: "MaxItems=0", code: "ValidationError"},
		{raw: "MaxItems=1001", code: "ValidationError"},
		{raw: "MaxItems=ten", code: "InvalidParameterValue"},
	}
	for _, tt := range tests {
		got, _, err := params(t, tt.raw).Int("MaxItems", "maxItems", 1, 1000)
		wantCode(t, "Int("+tt.raw+")", err, tt.code)
		if err == nil && got != tt.want {
			t.Errorf("Int(%s) = %d, want %d", tt.raw, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, method, target, ctype, body string
		wantAction                        string
		code                              string
	}{
		{name: "form post", method: "POST", target: "/", ctype: "application/x-www-form-urlencoded; charset=utf-8",
			body: "Action=ListUsers&Version=2010-05-08", wantAction: "ListUsers"},
		{name: "get query", method: "GET", target: "/?Action=GetUser&Version=2010-05-08", wantAction: "GetUser"},
		{name: "action in a presigned post's query", method: "POST", target: "/?Action=GetUser&Version=2010-05-08",
			ctype: "application/x-www-form-urlencoded", wantAction: "GetUser"},
		{name: "json body", method: "POST", target: "/", ctype: "application/json", body: "{}", code: "InvalidParameterValue"},
		{name: "put", method: "PUT", target: "/", code: "InvalidAction"},
		{name: "bad escape", method: "POST", target: "/", body: "Action=%zz", code: "MalformedQueryString"},
		{name: "too large", method: "POST", target: "/", body: strings.Repeat("a", MaxBody+1), code: "RequestEntityTooLarge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			p, err := Parse(r)
			wantCode(t, "Parse", err, tt.code)
			if got, _ := p.Get("Action"); err == nil && got != tt.wantAction {
				t.Errorf("Parse Action = %q, want %q", got, tt.wantAction)
			}
		})
	}
}
