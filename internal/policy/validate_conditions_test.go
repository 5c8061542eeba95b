package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestParseConditionValues pins what IAM checks of condition values when a
// policy is set: the Date operators' values, by its legacy grammar, and
// nothing of the Numeric, Bool, IpAddress and Arn operators' values.
func TestParseConditionValues(t *testing.T) {
	doc := func(op, vals string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"` + op + `":{"aws:CurrentTime":` + vals + `}}}}`
	}
	trust := func(op, vals string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"` + op + `":{"aws:CurrentTime":` + vals + `}}}}`
	}
	bucket := func(op, vals string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"` + op + `":{"aws:CurrentTime":` + vals + `}}}}`
	}
	tests := []struct {
		name string
		kind Kind
		doc  string
		want string // "" accepted, else SyntaxError.Message
	}{
		{"date iso", Managed, doc("DateGreaterThan", `"2013-06-30T00:00:00Z"`), ""},
		{"date fraction and zone", Managed, doc("DateLessThanEquals", `"2016-12-13T21:20:37.593194+00:00"`), ""},
		{"date lower t short zone", Managed, doc("DateLessThanEquals", `"2016-12-13t2:00:00.593194+23"`), ""},
		{"date west zone", Managed, doc("DateLessThan", `"2016-12-13T21:20:37-05:00"`), ""},
		{"date year only", Managed, doc("DateEquals", `"2013"`), ""},
		{"date day only", Managed, doc("DateEquals", `"2013-06-30"`), ""},
		{"date bare T", Managed, doc("DateGreaterThan", `"01T"`), ""},
		{"date negative year", Managed, doc("DateLessThan", `"-292275054"`), ""},
		{"epoch seconds", Managed, doc("DateGreaterThan", `"1700000000"`), ""},
		{"epoch number", Managed, doc("DateGreaterThan", `1700000000`), ""},
		{"date with variable", Managed, doc("DateGreaterThan", `"${aws:TokenIssueTime}"`), ""},
		{"date list", Managed, doc("DateGreaterThan", `["2013-06-30","2014"]`), ""},
		{"not a date", Managed, doc("DateGreaterThan", `"yesterday"`), legacyParsingText},
		{"not a date in list", UserInline, doc("DateLessThan", `["2013-06-30","soon"]`), legacyParsingText},
		{"bad month", GroupInline, doc("DateLessThanEquals", `"234-13"`), legacyParsingText},
		{"bad zone", RoleInline, doc("DateLessThanEquals", `"2016-12-13t2:00:00.593194+1"`), legacyParsingText},
		{"long fraction", Managed, doc("DateLessThanEquals", `"2016-12-13t2:00:00.1999999999+10:59"`), legacyParsingText},
		{"epoch past int64", Managed, doc("DateLessThan", `"9223372036854775808"`), legacyParsingText},
		{"epoch fraction", Managed, doc("DateLessThan", `"1700000000.5"`), legacyParsingText},
		{"bad hour", Managed, doc("DateEquals", `"2019-01-01T24:00:00Z"`), legacyParsingText},
		{"text after z", Managed, doc("DateEquals", `"2019-01-01T00:00:00Zulu"`), legacyParsingText},
		{"four date parts", Managed, doc("DateEquals", `"2019-01-01-01"`), legacyParsingText},
		{"if exists", Session, doc("DateGreaterThanIfExists", `"later"`), legacyParsingText},
		{"set qualifier", Managed, doc("ForAnyValue:DateNotEquals", `"later"`), legacyParsingText},
		{"trust policy", Trust, trust("DateLessThan", `"later"`), legacyParsingText},
		{"bucket policy not checked here", Bucket, bucket("DateLessThan", `"later"`), ""},
		// IAM takes these; the condition never holds when evaluated.
		{"numeric text", Managed, doc("NumericEquals", `"abc"`), ""},
		{"bool text", Managed, doc("Bool", `"yes"`), ""},
		{"ip text", Managed, doc("IpAddress", `"10.0.0.0/33"`), ""},
		{"arn text", Managed, doc("ArnLike", `"not-an-arn"`), ""},
		// Operator names are refused whatever the values.
		{"unknown operator", Managed, doc("DateGreaterThen", `"2013"`), "Invalid Condition type : DateGreaterThen"},
		{"qualified null", Managed, doc("ForAllValues:Null", `"true"`), "Invalid Condition type : ForAllValues:Null"},
		{"null if exists", Managed, doc("NullIfExists", `"true"`), "Invalid Condition type : NullIfExists"},
		{"double colon", Managed, doc("ForAnyValue::StringEqualsIfExists", `"a"`), "Invalid Condition type : ForAnyValue::StringEqualsIfExists"},
		{"if exists twice", Managed, doc("StringEqualsIfExistsIfExists", `"a"`), "Invalid Condition type : StringEqualsIfExistsIfExists"},
		{"qualifier after", Managed, doc("StringEqualsIfExists:ForAnyValue", `"a"`), "Invalid Condition type : StringEqualsIfExists:ForAnyValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), tt.kind)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse(%s) = %v, want accepted", tt.doc, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%s) = %v, want a *SyntaxError", tt.doc, err)
			}
			if se.Message != tt.want {
				t.Errorf("message = %q, want %q (detail %q)", se.Message, tt.want, se.Detail)
			}
		})
	}
}

// TestLegacyDateAgreesWithEvaluation: plainly broken dates that IAM's
// grammar refuses are ones evaluation cannot read either, so refusing them
// at parse time takes away no working condition. (IAM also refuses
// fractional epoch seconds, which evaluation would read.)
func TestLegacyDateAgreesWithEvaluation(t *testing.T) {
	for _, s := range []string{"yesterday", "234-13", "2019-13-01", "2019-01-01T25:00Z", "x2019"} {
		if legacyDate(s) {
			t.Errorf("legacyDate(%q) = true, want false", s)
		}
		if _, ok := parseCondDate(s); ok {
			t.Errorf("parseCondDate(%q) reads a date that IAM refuses", s)
		}
	}
}

func FuzzLegacyDate(f *testing.F) {
	for _, s := range []string{"2013-06-30T00:00:00Z", "01T", "-292275054", "1700000000", "2016-12-13t2:00:00.593194+23", "234-13", "", "-", "t", "2019-01-01T00:00:00.5-05:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "${") || len(s) > 1000 {
			return
		}
		v, _ := json.Marshal(s)
		doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateEquals":{"aws:CurrentTime":` + string(v) + `}}}}`
		_, err := Parse([]byte(doc), Managed)
		var se *SyntaxError
		refused := errors.As(err, &se) && se.Message == legacyParsingText
		if ok := legacyDate(s); ok == refused || ok && err != nil {
			t.Fatalf("legacyDate(%q) = %v, Parse error %v", s, ok, err)
		}
	})
}
