package s3api

import (
	"encoding/xml"
	"testing"

	"github.com/coffer-s3/coffer/internal/access"
)

func TestParsePublicAccessBlockXML(t *testing.T) {
	tests := []struct {
		doc  string
		want access.PublicAccessBlock
		ok   bool
	}{
		// The S3 API Reference's PutPublicAccessBlock example.
		{`<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`,
			access.All, true},
		// What botocore sends to S3 Control.
		{`<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>`,
			access.PublicAccessBlock{BlockPublicPolicy: true}, true},
		{`<PublicAccessBlockConfiguration/>`, access.PublicAccessBlock{}, true},
		{`<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>`, access.PublicAccessBlock{}, false},
		{`<Other><BlockPublicAcls>true</BlockPublicAcls></Other>`, access.PublicAccessBlock{}, false},
		{`<PublicAccessBlockConfiguration>`, access.PublicAccessBlock{}, false},
	}
	for _, tt := range tests {
		got, err := parsePublicAccessBlockXML([]byte(tt.doc))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parsePublicAccessBlockXML(%s) = %+v, %v; want %+v, ok %v", tt.doc, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzPublicAccessBlockXML: no input panics, and what parses renders to a
// document that parses to the same settings.
func FuzzPublicAccessBlockXML(f *testing.F) {
	f.Add([]byte(`<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`))
	f.Add([]byte(`<PublicAccessBlockConfiguration><BlockPublicPolicy>false</BlockPublicPolicy></PublicAccessBlockConfiguration>`))
	f.Add([]byte(`<PublicAccessBlockConfiguration>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parsePublicAccessBlockXML(data)
		if err != nil {
			return
		}
		out, err := xmlMarshal(publicAccessBlockDoc(s3Namespace, b))
		if err != nil {
			t.Fatal(err)
		}
		again, err := parsePublicAccessBlockXML(out)
		if err != nil || again != b {
			t.Errorf("round trip of %q: %+v, %v; want %+v", data, again, err, b)
		}
	})
}

func xmlMarshal(v any) ([]byte, error) { return xml.Marshal(v) }
