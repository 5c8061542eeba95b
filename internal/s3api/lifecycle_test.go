package s3api

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/lifecycle/rules"
)

// parseAndValidate is what PutBucketLifecycleConfiguration does with a
// body: the error's S3 code, or the configuration.
func parseAndValidate(doc string) (rules.Config, string) {
	cfg, err := parseLifecycleXML([]byte(doc))
	if err == nil {
		err = cfg.Validate(func() string { return "generated-id" })
	}
	if err != nil {
		ae, _ := lookupError(err)
		return cfg, ae.Code
	}
	return cfg, ""
}

func lc(rulesXML ...string) string {
	return `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + strings.Join(rulesXML, "") + `</LifecycleConfiguration>`
}

func i64(v int64) *int64 { return &v }

// TestParseLifecycle_awsExamples: the configurations of the S3 User Guide
// ("Examples of S3 Lifecycle configurations") and the API reference.
func TestParseLifecycle_awsExamples(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want rules.Rule
	}{
		{"example 1: prefix, transition and expiration",
			lc(`<Rule><ID>example-id</ID><Filter><Prefix>tax/</Prefix></Filter><Status>Enabled</Status><Transition><Days>365</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>3650</Days></Expiration></Rule>`),
			rules.Rule{ID: "example-id", Enabled: true, Filter: rules.Filter{Form: rules.FormSingle, Prefix: "tax/"},
				Transitions: []rules.Transition{{Days: 365, StorageClass: "GLACIER"}}, Expiration: &rules.Expiration{Days: 3650}}},
		{"example: every object, empty filter",
			lc(`<Rule><ID>Archive all object same-day upon creation</ID><Filter></Filter><Status>Enabled</Status><Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>`),
			rules.Rule{ID: "Archive all object same-day upon creation", Enabled: true, Filter: rules.Filter{Form: rules.FormNone},
				Transitions: []rules.Transition{{Days: 0, StorageClass: "GLACIER"}}}},
		{"example: prefix and tags in And",
			lc(`<Rule><ID>1</ID><Filter><And><Prefix>key-prefix/</Prefix><Tag><Key>key1</Key><Value>value1</Value></Tag><Tag><Key>key2</Key><Value>value2</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>`),
			rules.Rule{ID: "1", Enabled: true, Filter: rules.Filter{Form: rules.FormAnd, Prefix: "key-prefix/",
				Tags: []rules.Tag{{Key: "key1", Value: "value1"}, {Key: "key2", Value: "value2"}}}, Expiration: &rules.Expiration{Days: 30}}},
		{"example: size range",
			lc(`<Rule><ID>Transition with a prefix and based on size</ID><Filter><And><Prefix>tax/</Prefix><ObjectSizeGreaterThan>500</ObjectSizeGreaterThan><ObjectSizeLessThan>64000</ObjectSizeLessThan></And></Filter><Status>Enabled</Status><Transition><Days>365</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>`),
			rules.Rule{ID: "Transition with a prefix and based on size", Enabled: true, Filter: rules.Filter{Form: rules.FormAnd, Prefix: "tax/",
				SizeGreaterThan: i64(500), SizeLessThan: i64(64000)}, Transitions: []rules.Transition{{Days: 365, StorageClass: "GLACIER"}}}},
		{"example: disabled rule",
			lc(`<Rule><ID>example-id</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>`),
			rules.Rule{ID: "example-id", Filter: rules.Filter{Form: rules.FormSingle, Prefix: "logs/"}, Expiration: &rules.Expiration{Days: 1}}},
		{"example: noncurrent versions",
			lc(`<Rule><ID>sample-rule</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition><NoncurrentVersionExpiration><NewerNoncurrentVersions>5</NewerNoncurrentVersions><NoncurrentDays>365</NoncurrentDays></NoncurrentVersionExpiration></Rule>`),
			rules.Rule{ID: "sample-rule", Enabled: true, Filter: rules.Filter{Form: rules.FormSingle},
				NoncurrentTransitions: []rules.NoncurrentTransition{{Days: 30, StorageClass: "STANDARD_IA"}},
				NoncurrentExpiration:  &rules.NoncurrentExpiration{Days: 365, Newer: 5}}},
		{"example: expired object delete markers",
			lc(`<Rule><ID>Rule 7</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration></Rule>`),
			rules.Rule{ID: "Rule 7", Enabled: true, Filter: rules.Filter{Form: rules.FormSingle, Prefix: "logs/"},
				Expiration: &rules.Expiration{DeleteMarker: true, DeleteMarkerSet: true}, NoncurrentExpiration: &rules.NoncurrentExpiration{Days: 30}}},
		{"example: abort incomplete uploads",
			lc(`<Rule><ID>sample-rule</ID><Filter><Prefix>SomeKeyPrefix/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>`),
			rules.Rule{ID: "sample-rule", Enabled: true, Filter: rules.Filter{Form: rules.FormSingle, Prefix: "SomeKeyPrefix/"}, AbortDays: 7}},
		{"older PutBucketLifecycle shape: top-level Prefix",
			lc(`<Rule><ID>id1</ID><Prefix>documents/</Prefix><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>`),
			rules.Rule{ID: "id1", Enabled: true, Filter: rules.Filter{Form: rules.FormLegacyPrefix, Prefix: "documents/"},
				Transitions: []rules.Transition{{Days: 30, StorageClass: "GLACIER"}}}},
		{"date expiration and generated id",
			lc(`<Rule><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><Date>2027-01-01T00:00:00.000Z</Date></Expiration></Rule>`),
			rules.Rule{ID: "generated-id", Enabled: true, Filter: rules.Filter{Form: rules.FormSingle, Tags: []rules.Tag{{Key: "k", Value: "v"}}},
				Expiration: &rules.Expiration{Date: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, code := parseAndValidate(tt.doc)
			if code != "" {
				t.Fatalf("parse: %s", code)
			}
			if diff := cmp.Diff([]rules.Rule{tt.want}, cfg.Rules); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			// What GET renders parses back to the same configuration.
			out, err := xml.Marshal(lifecycleConfigurationXML(cfg))
			if err != nil {
				t.Fatal(err)
			}
			again, code := parseAndValidate(string(out))
			if code != "" {
				t.Fatalf("re-parse of %s: %s", out, code)
			}
			if diff := cmp.Diff(cfg, again); diff != "" {
				t.Errorf("round trip through %s (-first +second):\n%s", out, diff)
			}
		})
	}
}

// TestParseLifecycle_errors: what S3 refuses, with its codes.
func TestParseLifecycle_errors(t *testing.T) {
	rule := func(body string) string { return lc(`<Rule><ID>r</ID>` + body + `</Rule>`) }
	exp := `<Expiration><Days>1</Days></Expiration>`
	long := strings.Repeat("x", 256)
	tests := []struct {
		name, doc, code string
	}{
		{"not xml", "<Lifecycle", "MalformedXML"},
		{"wrong root", "<CORSConfiguration/>", "MalformedXML"},
		{"no rules", lc(), "MalformedXML"},
		{"unknown element", rule(`<Filter/><Status>Enabled</Status>` + exp + `<Bogus/>`), "MalformedXML"},
		{"no status", rule(`<Filter/>` + exp), "MalformedXML"},
		{"bad status", rule(`<Filter/><Status>enabled</Status>` + exp), "MalformedXML"},
		{"filter and prefix", rule(`<Prefix>a</Prefix><Filter/><Status>Enabled</Status>` + exp), "MalformedXML"},
		{"neither filter nor prefix", rule(`<Status>Enabled</Status>` + exp), "MalformedXML"},
		{"two predicates outside And", rule(`<Filter><Prefix>a</Prefix><ObjectSizeLessThan>5</ObjectSizeLessThan></Filter><Status>Enabled</Status>` + exp), "MalformedXML"},
		{"And with one predicate", rule(`<Filter><And><Prefix>a</Prefix></And></Filter><Status>Enabled</Status>` + exp), "MalformedXML"},
		{"no action", rule(`<Filter/><Status>Enabled</Status>`), "InvalidRequest"},
		{"id too long", lc(`<Rule><ID>` + long + `</ID><Filter/><Status>Enabled</Status>` + exp + `</Rule>`), "InvalidArgument"},
		{"duplicate id", lc(`<Rule><ID>a</ID><Filter/><Status>Enabled</Status>`+exp+`</Rule>`, `<Rule><ID>a</ID><Filter/><Status>Enabled</Status>`+exp+`</Rule>`), "InvalidArgument"},
		{"zero days", rule(`<Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration>`), "InvalidArgument"},
		{"negative days", rule(`<Filter/><Status>Enabled</Status><Expiration><Days>-1</Days></Expiration>`), "InvalidArgument"},
		{"days not a number", rule(`<Filter/><Status>Enabled</Status><Expiration><Days>one</Days></Expiration>`), "MalformedXML"},
		{"date not midnight", rule(`<Filter/><Status>Enabled</Status><Expiration><Date>2027-01-01T10:00:00Z</Date></Expiration>`), "InvalidArgument"},
		{"days and date", rule(`<Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2027-01-01T00:00:00Z</Date></Expiration>`), "MalformedXML"},
		{"delete marker with days", rule(`<Filter/><Status>Enabled</Status><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>`), "MalformedXML"},
		{"delete marker with tags", rule(`<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>`), "InvalidRequest"},
		{"abort with tags", rule(`<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>`), "InvalidRequest"},
		{"abort zero days", rule(`<Filter/><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>`), "InvalidArgument"},
		{"noncurrent zero days", rule(`<Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>`), "InvalidArgument"},
		{"newer noncurrent over 100", rule(`<Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>`), "InvalidArgument"},
		{"duplicate tag keys", rule(`<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter><Status>Enabled</Status>` + exp), "InvalidRequest"},
		{"size range empty", rule(`<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>` + exp), "InvalidArgument"},
		{"unknown storage class", rule(`<Filter/><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>COLD</StorageClass></Transition>`), "MalformedXML"},
		{"standard-ia too soon", rule(`<Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition>`), "InvalidArgument"},
		{"same class twice", rule(`<Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>20</Days><StorageClass>GLACIER</StorageClass></Transition>`), "InvalidRequest"},
		{"mixed date and days", rule(`<Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Date>2027-01-01T00:00:00Z</Date><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>`), "InvalidRequest"},
		{"expiration before transition", rule(`<Filter/><Status>Enabled</Status><Transition><Days>40</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>30</Days></Expiration>`), "InvalidArgument"},
		{"status twice", rule(`<Filter/><Status>Enabled</Status><Status>Enabled</Status>` + exp), "MalformedXML"},
		{"text between elements", rule(`<Filter/>text<Status>Enabled</Status>` + exp), "MalformedXML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, code := parseAndValidate(tt.doc); code != tt.code {
				t.Errorf("code = %q, want %q", code, tt.code)
			}
		})
	}
}

func TestParseLifecycle_tooManyRules(t *testing.T) {
	r := make([]string, rules.MaxRules+1)
	for i := range r {
		r[i] = `<Rule><ID>` + strconv.Itoa(i) + `</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`
	}
	if _, code := parseAndValidate(lc(r...)); code != "MalformedXML" {
		t.Errorf("1001 rules: code = %q, want MalformedXML", code)
	}
	cfg, code := parseAndValidate(lc(r[:rules.MaxRules]...))
	if code != "" || len(cfg.Rules) != rules.MaxRules {
		t.Errorf("1000 rules: code %q, %d rules", code, len(cfg.Rules))
	}
}

func TestBucketLifecycleHandlers(t *testing.T) {
	md5 := func(s string) map[string]string { return map[string]string{"Content-Md5": md5b64(s)} }
	doc := lc(`<Rule><ID>r</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>`)
	bad := lc(`<Rule><ID>r</ID><Filter/><Status>Enabled</Status></Rule>`)
	want := &rules.Config{Rules: []rules.Rule{{ID: "r", Enabled: true, Filter: rules.Filter{Form: rules.FormSingle, Prefix: "logs/"},
		Expiration: &rules.Expiration{Days: 3}}}}
	withMin := md5(doc)
	withMin[headerTransitionMinSize] = rules.MinSizeVaries
	wantMin := want.Clone()
	wantMin.TransitionMinSize = rules.MinSizeVaries
	badMin := md5(doc)
	badMin[headerTransitionMinSize] = "tiny"
	runHandlerCases(t, []handlerCase{
		{name: "put", method: "PUT", target: "/b?lifecycle", body: doc, header: md5(doc), status: 200,
			call: lifecycleCall{Op: "PutBucketLifecycle", Bucket: "b", Config: want}},
		{name: "put with minimum size", method: "PUT", target: "/b?lifecycle", body: doc, header: withMin, status: 200,
			call: lifecycleCall{Op: "PutBucketLifecycle", Bucket: "b", Config: &wantMin}},
		{name: "put bad minimum size", method: "PUT", target: "/b?lifecycle", body: doc, header: badMin, status: 400, code: "InvalidRequest"},
		{name: "put without checksum", method: "PUT", target: "/b?lifecycle", body: doc, status: 400, code: "InvalidRequest"},
		{name: "put without action", method: "PUT", target: "/b?lifecycle", body: bad, header: md5(bad), status: 400, code: "InvalidRequest"},
		{name: "get none", method: "GET", target: "/b?lifecycle", status: 404, code: "NoSuchLifecycleConfiguration"},
		{name: "delete", method: "DELETE", target: "/b?lifecycle", status: 204,
			call: lifecycleCall{Op: "DeleteBucketLifecycle", Bucket: "b"}},
	})
}
