package s3api

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/coffer-s3/coffer/internal/cors"
)

const (
	xmlOrigin  = "<AllowedOrigin>https://example.com</AllowedOrigin>"
	xmlMethod  = "<AllowedMethod>GET</AllowedMethod>"
	xmlMinimal = xmlOrigin + xmlMethod
)

// corsDocOf is a configuration whose rules have the contents given.
func corsDocOf(rules ...string) string {
	var b strings.Builder
	b.WriteString(`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for _, r := range rules {
		b.WriteString("<CORSRule>" + r + "</CORSRule>")
	}
	b.WriteString("</CORSConfiguration>")
	return b.String()
}

func TestParseCORSXML(t *testing.T) {
	age := func(v int32) *int32 { return &v }
	minimal := cors.Rule{AllowedOrigins: []string{"https://example.com"}, AllowedMethods: []string{"GET"}}
	tests := []struct {
		name string
		doc  string
		want []cors.Rule
	}{
		{"namespace", corsDocOf(xmlMinimal), []cors.Rule{minimal}},
		{"no namespace", "<CORSConfiguration><CORSRule>" + xmlMinimal + "</CORSRule></CORSConfiguration>", []cors.Rule{minimal}},
		{"declaration and whitespace", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration>\n\t<CORSRule>\n\t\t" +
			xmlOrigin + "\n\t\t" + xmlMethod + "\n\t</CORSRule>\n</CORSConfiguration>\n", []cors.Rule{minimal}},
		{"namespace prefix", `<s3:CORSConfiguration xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:CORSRule>` +
			`<s3:AllowedOrigin>https://example.com</s3:AllowedOrigin><s3:AllowedMethod>GET</s3:AllowedMethod></s3:CORSRule></s3:CORSConfiguration>`,
			[]cors.Rule{minimal}},
		{"comments and CDATA", corsDocOf("<!-- c --><AllowedOrigin><![CDATA[https://example.com]]></AllowedOrigin>" + xmlMethod), []cors.Rule{minimal}},
		{"every element in any order", corsDocOf("<MaxAgeSeconds>0042</MaxAgeSeconds><AllowedMethod>GET</AllowedMethod>" +
			"<AllowedOrigin>https://a</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><AllowedMethod>PUT</AllowedMethod>" +
			"<AllowedHeader>*</AllowedHeader><AllowedOrigin>https://b</AllowedOrigin><ID>r1</ID>"),
			[]cors.Rule{{ID: "r1", AllowedOrigins: []string{"https://a", "https://b"}, AllowedMethods: []string{"GET", "PUT"},
				AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: age(42)}}},
		{"values kept as sent", corsDocOf("<AllowedOrigin> https://example.com\n</AllowedOrigin>" + xmlMethod + "<ID/>"),
			[]cors.Rule{{AllowedOrigins: []string{" https://example.com\n"}, AllowedMethods: []string{"GET"}}}},
		{"largest max age", corsDocOf(xmlMinimal + "<MaxAgeSeconds>2147483647</MaxAgeSeconds>"),
			[]cors.Rule{{AllowedOrigins: minimal.AllowedOrigins, AllowedMethods: minimal.AllowedMethods, MaxAgeSeconds: age(2147483647)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCORSXML([]byte(tt.doc))
			if err != nil {
				t.Fatalf("parseCORSXML(%s) = %v", tt.doc, err)
			}
			if diff := cmp.Diff(tt.want, got.Rules); diff != "" {
				t.Fatalf("parseCORSXML(%s) (-want +got):\n%s", tt.doc, diff)
			}
		})
	}
}

func TestParseCORSXML_malformed(t *testing.T) {
	var hundredOne []string
	for range 101 {
		hundredOne = append(hundredOne, xmlMinimal)
	}
	tests := []struct{ name, doc string }{
		{"empty", ""},
		{"not xml", "AllowedOrigin: *"},
		{"unclosed", "<CORSConfiguration><CORSRule>" + xmlMinimal + "</CORSConfiguration>"},
		{"doctype", "<!DOCTYPE CORSConfiguration>" + corsDocOf(xmlMinimal)},
		{"other root", "<CORSRules><CORSRule>" + xmlMinimal + "</CORSRule></CORSRules>"},
		{"root in lower case", "<corsconfiguration><CORSRule>" + xmlMinimal + "</CORSRule></corsconfiguration>"},
		{"rule as root", "<CORSRule>" + xmlMinimal + "</CORSRule>"},
		{"other rule name", "<CORSConfiguration><Rule>" + xmlMinimal + "</Rule></CORSConfiguration>"},
		{"101 rules", corsDocOf(hundredOne...)},
		{"unknown element next to a rule", "<CORSConfiguration><CORSRule>" + xmlMinimal + "</CORSRule><Owner>me</Owner></CORSConfiguration>"},
		{"text next to a rule", "<CORSConfiguration>text<CORSRule>" + xmlMinimal + "</CORSRule></CORSConfiguration>"},
		{"rule in a rule", corsDocOf("<CORSRule>" + xmlMinimal + "</CORSRule>")},
		{"text in a rule", corsDocOf(xmlMinimal + "text")},
		{"unknown element in a rule", corsDocOf(xmlMinimal + "<AllowedHeaders>*</AllowedHeaders>")},
		{"element name case", corsDocOf(xmlMinimal + "<allowedheader>*</allowedheader>")},
		{"element in a value", corsDocOf("<AllowedOrigin><Origin>*</Origin></AllowedOrigin>" + xmlMethod)},
		{"empty max age", corsDocOf(xmlMinimal + "<MaxAgeSeconds></MaxAgeSeconds>")},
		{"negative max age", corsDocOf(xmlMinimal + "<MaxAgeSeconds>-1</MaxAgeSeconds>")},
		{"fractional max age", corsDocOf(xmlMinimal + "<MaxAgeSeconds>1.5</MaxAgeSeconds>")},
		{"max age beyond 32 bits", corsDocOf(xmlMinimal + "<MaxAgeSeconds>2147483648</MaxAgeSeconds>")},
		{"max age twice", corsDocOf(xmlMinimal + "<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>1</MaxAgeSeconds>")},
		{"ID twice", corsDocOf(xmlMinimal + "<ID>a</ID><ID>b</ID>")},
		{"second root", corsDocOf(xmlMinimal) + corsDocOf(xmlMinimal)},
		{"too large", corsDocOf(xmlMinimal + "<ID>" + strings.Repeat("a", cors.MaxConfigSize) + "</ID>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseCORSXML([]byte(tt.doc)); !errors.Is(err, errMalformedXML) {
				t.Fatalf("parseCORSXML(%.200s) = %v, want MalformedXML", tt.doc, err)
			}
		})
	}
}

func FuzzParseCORSXML(f *testing.F) {
	// Seeds: the PutBucketCors examples of the S3 API reference and the
	// shapes of TestParseCORSXML.
	for _, s := range []string{
		corsDoc,
		corsDocOf(xmlMinimal),
		corsDocOf("<AllowedOrigin>http://www.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>"+
			"<AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader>"+
			"<MaxAgeSeconds>3000</MaxAgeSeconds><ExposeHeader>x-amz-server-side-encryption</ExposeHeader>",
			"<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds>"),
		"<CORSConfiguration><CORSRule><ID/></CORSRule></CORSConfiguration>",
		"<!DOCTYPE x><CORSConfiguration/>",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseCORSXML(data)
		if err != nil {
			if !errors.Is(err, errMalformedXML) {
				t.Fatalf("parseCORSXML error %v is not MalformedXML", err)
			}
			return
		}
		if len(cfg.Rules) > cors.MaxRules {
			t.Fatalf("parseCORSXML accepted %d rules", len(cfg.Rules))
		}
		if cfg.Validate() != nil {
			return
		}
		// What validates renders and parses back to itself.
		if !utf8.Valid(data) {
			return // rendering replaces invalid UTF-8
		}
		body, err := xml.Marshal(corsConfigurationXML(cfg))
		if err != nil {
			t.Fatalf("render %+v: %v", cfg, err)
		}
		again, err := parseCORSXML(body)
		if err != nil {
			t.Fatalf("parse of rendered %s: %v", body, err)
		}
		if diff := cmp.Diff(cfg, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

func FuzzParseTaggingXML(f *testing.F) {
	// Seeds: the PutBucketTagging and PutObjectTagging examples of the S3
	// API reference, a duplicate key and broken documents.
	for _, s := range []string{
		`<Tagging><TagSet><Tag><Key>Project</Key><Value>Project One</Value></Tag><Tag><Key>User</Key><Value>jsmith</Value></Tag></TagSet></Tagging>`,
		`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a</Key><Value></Value></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet/></Tagging>`,
		`<Tagging>`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tags, err := parseTaggingXML(data)
		if err != nil {
			if !errors.Is(err, errMalformedXML) && !errors.Is(err, errInvalidTag) {
				t.Fatalf("parseTaggingXML error %v is neither MalformedXML nor InvalidTag", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, tg := range tags {
			if seen[tg.Key] {
				t.Fatalf("parseTaggingXML accepted key %q twice", tg.Key)
			}
			seen[tg.Key] = true
		}
	})
}
