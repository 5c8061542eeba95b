package s3api

import (
	"bytes"
	"encoding/xml"
	"testing"
	"unicode/utf8"
)

// encodingXML renders v the way writeXML does for bodies without a fast
// path.
func encodingXML(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// listResults builds both listing bodies from a few strings, covering every
// optional field.
func listResults(key, prefix, token string, size int64, truncated, withOwner bool) []xmlAppender {
	obj := objectXML{
		Key: xmlText(key), LastModified: "2026-11-27T08:00:00.000Z", ETag: `"` + token + `"`,
		Size: size, StorageClass: "STANDARD",
	}
	if truncated {
		obj.ChecksumAlgorithm, obj.ChecksumType = "CRC64NVME", "FULL_OBJECT"
	}
	if withOwner {
		obj.Owner = &owner{ID: prefix, DisplayName: key}
		obj.Restore = &restoreStatusXML{RestoreExpiryDate: token}
	}
	archived := objectXML{Key: xmlText(prefix + key), ETag: token, StorageClass: "DEEP_ARCHIVE"}
	if truncated {
		archived.Restore = &restoreStatusXML{IsRestoreInProgress: true}
	}
	contents := []objectXML{obj, archived}
	prefixes := []commonPrefix{{Prefix: xmlText(prefix)}, {Prefix: xmlText(key + "/")}}
	return []xmlAppender{
		&listBucketResultV2{
			Name: "bucket", Prefix: xmlText(prefix), Delimiter: xmlText(prefix), MaxKeys: 1000, KeyCount: 4,
			IsTruncated: truncated, EncodingType: token, ContinuationToken: &token,
			NextContinuationToken: key, StartAfter: xmlText(key), Contents: contents, CommonPrefixes: prefixes,
		},
		&listBucketResultV2{Name: "b", Prefix: xmlText(prefix)},
		&listBucketResultV1{
			Name: "bucket", Prefix: xmlText(prefix), Marker: xmlText(key), NextMarker: xmlText(token), MaxKeys: int(size % 1001),
			Delimiter: xmlText(token), IsTruncated: truncated, EncodingType: prefix, Contents: contents, CommonPrefixes: prefixes,
		},
		&listBucketResultV1{Name: "b"},
	}
}

func checkSameXML(t *testing.T, key, prefix, token string, size int64, truncated, withOwner bool) {
	t.Helper()
	for _, v := range listResults(key, prefix, token, size, truncated, withOwner) {
		want := encodingXML(t, v)
		if got := v.appendXML(nil); !bytes.Equal(got, want) {
			t.Fatalf("%T: appendXML differs from encoding/xml\n got: %q\nwant: %q", v, got, want)
		}
	}
}

func TestListXMLMatchesEncodingXML(t *testing.T) {
	keys := []string{
		"", "plain/key.txt", `quote"apos'amp&lt<gt>`, "tab\tnl\ncr\r", "ctl\x00\x01\x1f\x7f",
		"bad utf8 \xff\xfe", "surrogate \xed\xa0\x80", "replacement \uFFFD", "nonchar \uFFFE\uFFFF",
		"astral \U0001F600 \U0010FFFF", "é ü ß 日本", "trailing byte \xe6\x97",
	}
	for _, k := range keys {
		for _, b := range []bool{false, true} {
			checkSameXML(t, k, "pre/"+k, "tok&"+k, int64(len(k))*1e9, b, !b)
		}
	}
}

func FuzzListXMLMatchesEncodingXML(f *testing.F) {
	f.Add("photos/2026/a.jpg", "photos/", "token", int64(5), true, true)
	f.Add("a\x00b\"c'd&e<f>g\th\ni\rj", "\xff", "\uFFFE", int64(-1), false, false)
	f.Fuzz(func(t *testing.T, key, prefix, token string, size int64, truncated, withOwner bool) {
		checkSameXML(t, key, prefix, token, size, truncated, withOwner)
	})
}

// TestAppendEscaped pins the escaping of character data: encoding/xml's,
// except that characters XML 1.0 cannot carry are character references
// (as S3 writes them) rather than U+FFFD, so distinct keys stay distinct.
func TestAppendEscaped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain/key.txt", "plain/key.txt"},
		{`q"a'&<>`, "q&#34;a&#39;&amp;&lt;&gt;"},
		{"tab\tnl\ncr\r", "tab&#x9;nl&#xA;cr&#xD;"},
		{"ctl\x00\x01\x08\x1f\x7f", "ctl&#x0;&#x1;&#x8;&#x1F;\x7f"},
		{"nonchar \uFFFE\uFFFF", "nonchar &#xfffe;&#xffff;"},
		{"bad utf8 \xff", "bad utf8 \uFFFD"},
		{"é 日本 \U0001F600", "é 日本 \U0001F600"},
	}
	for _, tc := range tests {
		if got := string(appendEscaped(nil, tc.in)); got != tc.want {
			t.Errorf("appendEscaped(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// The encoding/xml path of a listing (xmlText fields) writes the same.
	got := encodingXML(t, commonPrefix{Prefix: "a\x01b"})
	if want := "<commonPrefix><Prefix>a&#x1;b</Prefix></commonPrefix>"; string(got) != want {
		t.Errorf("encoding/xml of an xmlText = %s, want %s", got, want)
	}
}

// FuzzAppendEscaped checks that appendEscaped differs from encoding/xml
// only where encoding/xml writes U+FFFD for a valid character XML cannot
// carry, and that distinct strings of valid UTF-8 stay distinct.
func FuzzAppendEscaped(f *testing.F) {
	f.Add("plain", "pla\x01n")
	f.Add("tab\tnl\ncr\r", "\x01\x02")
	f.Add("\uFFFE", "\uFFFF")
	f.Fuzz(func(t *testing.T, a, b string) {
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(a)); err != nil {
			t.Fatal(err)
		}
		got := appendEscaped(nil, a)
		if !bytes.Contains(want.Bytes(), []byte("\uFFFD")) && !bytes.Equal(got, want.Bytes()) {
			t.Errorf("appendEscaped(%q) = %q, encoding/xml %q", a, got, want.Bytes())
		}
		if a != b && utf8.ValidString(a) && utf8.ValidString(b) && bytes.Equal(got, appendEscaped(nil, b)) {
			t.Errorf("%q and %q escape alike: %q", a, b, got)
		}
	})
}
