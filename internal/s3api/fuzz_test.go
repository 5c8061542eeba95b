package s3api

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coffer-s3/coffer/internal/object"
)

func FuzzParseRange(f *testing.F) {
	// Seeds from RFC 9110 section 14.1.2 and the GetObject reference.
	for _, s := range []string{"bytes=0-9", "bytes=500-999", "bytes=-500", "bytes=9500-", "bytes=0-0,-1",
		"bytes=0-", "bytes=-0", "bytes= 1-2", "items=0-1", "bytes=99999999999999999999-", "bytes=1-0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := parseRange(s)
		if r == nil {
			return
		}
		valid := (r.Start >= 0 && (r.End == -1 || r.End >= r.Start)) || (r.Start == -1 && r.End > 0)
		if !valid {
			t.Fatalf("parseRange(%q) = %+v, not a form object.Range allows", s, *r)
		}
		if got := parseRange(formatRange(r)); got == nil || *got != *r {
			t.Fatalf("round trip of %+v through %q = %v", *r, formatRange(r), got)
		}
	})
}

func formatRange(r *object.Range) string {
	switch {
	case r.Start == -1:
		return "bytes=-" + strconv.FormatInt(r.End, 10)
	case r.End == -1:
		return "bytes=" + strconv.FormatInt(r.Start, 10) + "-"
	}
	return "bytes=" + strconv.FormatInt(r.Start, 10) + "-" + strconv.FormatInt(r.End, 10)
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in   string
		want *object.Range
	}{
		{"bytes=0-9", &object.Range{Start: 0, End: 9}},
		{"bytes=9500-", &object.Range{Start: 9500, End: -1}},
		{"bytes=-500", &object.Range{Start: -1, End: 500}},
		{" bytes=1-1 ", &object.Range{Start: 1, End: 1}},
		{"bytes=-0", nil},
		{"bytes=5-1", nil},
		{"bytes=0-1,3-4", nil},
		{"bytes=a-b", nil},
		{"bytes=+1-2", nil},
		{"bytes=-", nil},
		{"items=0-1", nil},
		{"bytes=99999999999999999999-", nil},
	}
	for _, tc := range tests {
		got := parseRange(tc.in)
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("parseRange(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzDeleteObjectsXML(f *testing.F) {
	// Seed from the DeleteObjects reference.
	f.Add(`<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>sample1.txt</Key></Object><Object><Key>sample2.txt</Key><VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId></Object></Delete>`)
	f.Add(`<Delete><Object><Key>&lt;&amp;</Key></Object></Delete>`)
	// A conditional entry, as the DeleteObjects reference shapes it.
	f.Add(`<Delete><Object><Key>k</Key><ETag>"e"</ETag><LastModifiedTime>2025-01-01T00:00:00Z</LastModifiedTime><Size>5</Size></Object></Delete>`)
	f.Add(`<Delete><Object>`)
	f.Add(`<!DOCTYPE x [<!ENTITY a "aaaa">]><Delete><Object><Key>&a;</Key></Object></Delete>`)
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := parseDeleteXML([]byte(s))
		if err != nil {
			if ae, _ := lookupError(err); ae.Code != "MalformedXML" {
				t.Fatalf("parseDeleteXML error %v maps to %s, want MalformedXML", err, ae.Code)
			}
			return
		}
		if n := len(doc.Objects); n < 1 || n > maxDeleteObjects {
			t.Fatalf("accepted %d objects", n)
		}
	})
}

func FuzzCompleteMultipartXML(f *testing.F) {
	// Seed from the CompleteMultipartUpload reference.
	f.Add(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a54357aff0632cce46d942af68356b38"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"0c78aef83f66abc1fa1e8477f296d394"</ETag></Part><Part><PartNumber>3</PartNumber><ETag>"acbd18db4cc2f85cedef654fccc4a4d8"</ETag></Part></CompleteMultipartUpload>`)
	f.Add(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><ChecksumCRC32>AAAAAQ==</ChecksumCRC32></Part></CompleteMultipartUpload>`)
	f.Add(`<CompleteMultipartUpload><Part><PartNumber>99999999999999999999</PartNumber></Part></CompleteMultipartUpload>`)
	f.Fuzz(func(t *testing.T, s string) {
		parts, err := parseCompleteXML([]byte(s))
		if err != nil {
			if ae, known := lookupError(err); !known || ae.Status != http.StatusBadRequest {
				t.Fatalf("parseCompleteXML error %v maps to %s %d, want a 400", err, ae.Code, ae.Status)
			}
			return
		}
		if len(parts) == 0 {
			t.Fatal("accepted no parts")
		}
		for _, p := range parts {
			if p.PartNumber < 1 || p.PartNumber > maxPartNumber {
				t.Fatalf("accepted part number %d", p.PartNumber)
			}
			if p.Checksum != nil && len(p.Checksum.Value) != p.Checksum.Algorithm.Size() {
				t.Fatalf("accepted checksum %+v of the wrong size", p.Checksum)
			}
		}
	})
}

func FuzzParseTagging(f *testing.F) {
	// Seeds from the PutObject (x-amz-tagging) and PutObjectTagging references.
	f.Add("tag1=value1&tag2=value2", `<Tagging><TagSet><Tag><Key>Key1</Key><Value>Value1</Value></Tag></TagSet></Tagging>`)
	f.Add("a=%20b&c", `<Tagging><TagSet></TagSet></Tagging>`)
	f.Add("=&&=", `<Tagging>`)
	f.Fuzz(func(t *testing.T, header, doc string) {
		tags, err := parseTagging(header)
		if err == nil {
			// Re-encoding what was parsed gives the same tags back.
			var parts []string
			for _, tag := range tags {
				parts = append(parts, url.QueryEscape(tag.Key)+"="+url.QueryEscape(tag.Value))
			}
			again, err := parseTagging(strings.Join(parts, "&"))
			if err != nil || len(again) != len(tags) {
				t.Fatalf("round trip of %q: %v, %v", header, again, err)
			}
			for i := range tags {
				if again[i] != tags[i] {
					t.Fatalf("round trip of %q: tag %d = %v, want %v", header, i, again[i], tags[i])
				}
			}
		}
		if _, err := parseTaggingXML([]byte(doc)); err != nil {
			if _, known := lookupError(err); !known {
				t.Fatalf("parseTaggingXML error %v has no S3 code", err)
			}
		}
	})
}

func FuzzRouter(f *testing.F) {
	f.Add("GET", "bucket.s3.local", "/photos/2006/a.jpg", "versionId=1")
	f.Add("PUT", "s3.local:9000", "/b/k", "partNumber=1&uploadId=x")
	f.Add("POST", "s3.local", "/b", "delete")
	f.Add("DELETE", "[::1]:80", "//", "acl&uploads")
	f.Add("HEAD", "a.b.s3.local", "", "list-type=2&list-type=1")
	rt := newRouter([]string{"s3.local"})
	f.Fuzz(func(t *testing.T, method, host, path, rawQuery string) {
		if !utf8.ValidString(path) {
			return
		}
		r := &http.Request{Method: method, Host: host, URL: &url.URL{Path: path, RawQuery: rawQuery}, Header: http.Header{}}
		q, _ := url.ParseQuery(rawQuery)
		got := rt.resolve(r, q)
		if got.Op == "" {
			t.Fatalf("resolve(%s %s %s?%s) gave no operation", method, host, path, rawQuery)
		}
		if got.Implemented && got.Op != OpMethodNotAllowed && got.Op != OpPostObject {
			if _, ok := ops[got.Op]; !ok {
				t.Fatalf("resolve gave %s, which has no handler", got.Op)
			}
		}
		if got.Key != "" && got.Bucket == "" && got.Op != OpMethodNotAllowed {
			t.Fatalf("resolve(%s %s) = key %q without a bucket", host, path, got.Key)
		}
	})
}

func FuzzPostForm(f *testing.F) {
	// Seed shaped like the browser form of AWS's POST Object example.
	f.Add("--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuser/user1/${filename}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"KEY\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\ny\r\n--b--\r\n")
	f.Add("--b--\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		r := &http.Request{Header: http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}, Body: io.NopCloser(strings.NewReader(body))}
		form, err := readPostForm(r)
		if err != nil {
			if _, known := lookupError(err); !known {
				t.Fatalf("readPostForm error %v has no S3 code", err)
			}
			return
		}
		if form.file == nil {
			t.Fatal("form without a file accepted")
		}
		seen := map[string]bool{}
		total := 0
		for k, v := range form.fields {
			if seen[strings.ToLower(k)] {
				t.Fatalf("field %q accepted twice", k)
			}
			seen[strings.ToLower(k)] = true
			total += len(k) + len(v)
		}
		if total > maxPostFields {
			t.Fatalf("accepted %d bytes of fields", total)
		}
	})
}

func FuzzParseObjectAttributes(f *testing.F) {
	// Seeds from the GetObjectAttributes reference: the five names, and
	// the request's optional paging headers.
	f.Add("ETag,Checksum,ObjectParts,StorageClass,ObjectSize", "1000", "0")
	f.Add("ETag, ObjectSize", "", "")
	f.Add("", "x", "-1")
	f.Add("ETag,,", "99999999999999999999", "3")
	f.Fuzz(func(t *testing.T, attrs, maxParts, marker string) {
		h := http.Header{}
		h.Set("X-Amz-Object-Attributes", attrs)
		h.Set("X-Amz-Max-Parts", maxParts)
		h.Set("X-Amz-Part-Number-Marker", marker)
		got, err := parseObjectAttributes(h)
		if err != nil {
			if ae, _ := lookupError(err); ae.Code != "InvalidArgument" {
				t.Fatalf("parseObjectAttributes(%q) error maps to %s", attrs, ae.Code)
			}
		}
		for name := range got {
			switch name {
			case attrETag, attrChecksum, attrObjectParts, attrStorageClass, attrObjectSize:
			default:
				t.Fatalf("parseObjectAttributes(%q) accepted %q", attrs, name)
			}
		}
		n, m, err := parsePartsPaging(h)
		if err == nil && (n < 0 || n > maxListKeys || m < 0) {
			t.Fatalf("parsePartsPaging(%q, %q) = %d, %d", maxParts, marker, n, m)
		}
	})
}
