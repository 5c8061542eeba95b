package s3api

import (
	"bytes"
	"encoding/xml"
	"testing"
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
		Key: key, LastModified: "2026-11-27T08:00:00.000Z", ETag: `"` + token + `"`,
		Size: size, StorageClass: "STANDARD",
	}
	if truncated {
		obj.ChecksumAlgorithm, obj.ChecksumType = "CRC64NVME", "FULL_OBJECT"
	}
	if withOwner {
		obj.Owner = &owner{ID: prefix, DisplayName: key}
	}
	contents := []objectXML{obj, {Key: prefix + key, ETag: token, StorageClass: "DEEP_ARCHIVE"}}
	prefixes := []commonPrefix{{Prefix: prefix}, {Prefix: key + "/"}}
	return []xmlAppender{
		&listBucketResultV2{
			Name: "bucket", Prefix: prefix, Delimiter: prefix, MaxKeys: 1000, KeyCount: 4,
			IsTruncated: truncated, EncodingType: token, ContinuationToken: &token,
			NextContinuationToken: key, StartAfter: key, Contents: contents, CommonPrefixes: prefixes,
		},
		&listBucketResultV2{Name: "b", Prefix: prefix},
		&listBucketResultV1{
			Name: "bucket", Prefix: prefix, Marker: key, NextMarker: token, MaxKeys: int(size % 1001),
			Delimiter: token, IsTruncated: truncated, EncodingType: prefix, Contents: contents, CommonPrefixes: prefixes,
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
