package s3api

import (
	"encoding/xml"
	"reflect"
	"testing"
)

func FuzzLifecycleXML(f *testing.F) {
	// Seeds from the S3 User Guide's lifecycle examples and the
	// PutBucketLifecycleConfiguration reference.
	f.Add(lc(`<Rule><ID>example-id</ID><Filter><Prefix>tax/</Prefix></Filter><Status>Enabled</Status><Transition><Days>365</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>3650</Days></Expiration></Rule>`))
	f.Add(lc(`<Rule><ID>1</ID><Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>b</Value></Tag><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>`))
	f.Add(lc(`<Rule><Prefix>logs/</Prefix><Status>Disabled</Status><Expiration><Date>2027-01-01T00:00:00.000Z</Date></Expiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>`))
	f.Add(lc(`<Rule><Filter/><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition></Rule>`))
	f.Add(`<!DOCTYPE x [<!ENTITY a "aaaa">]><LifecycleConfiguration><Rule><ID>&a;</ID></Rule></LifecycleConfiguration>`)
	f.Add(lc(`<Rule><Filter><ObjectSizeLessThan>99999999999999999999</ObjectSizeLessThan></Filter></Rule>`))
	f.Fuzz(func(t *testing.T, doc string) {
		cfg, code := parseAndValidate(doc)
		switch code {
		case "":
		case "MalformedXML", "InvalidArgument", "InvalidRequest":
			return
		default:
			t.Fatalf("error maps to %s", code)
		}
		out, err := xml.Marshal(lifecycleConfigurationXML(cfg))
		if err != nil {
			t.Fatal(err)
		}
		again, code := parseAndValidate(string(out))
		if code != "" {
			t.Fatalf("accepted %q but not its rendering %s: %s", doc, out, code)
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("round trip of %q through %s changed it:\n%+v\n%+v", doc, out, cfg, again)
		}
	})
}
