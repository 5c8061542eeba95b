package s3api

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestParseHeaderUserMeta pins what S3 stores for an x-amz-meta-* header:
// encoded-words decoded, other bytes read as ISO-8859-1.
func TestParseHeaderUserMeta(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"ascii", "plain value", "plain value"},
		{"B word", "=?UTF-8?B?TWluacO2?=", "Miniö"},
		{"Q word", "=?UTF-8?Q?Mini=C3=B6?=", "Miniö"},
		{"lower-case charset", "=?utf-8?b?w7Y=?=", "ö"},
		{"words and text", "a =?UTF-8?B?w7Y=?= b", "a ö b"},
		{"adjacent words join", "=?UTF-8?B?w7Y=?= =?UTF-8?B?w7Y=?=", "öö"},
		{"ISO-8859-1 word", "=?ISO-8859-1?Q?Mini=F6?=", "Miniö"},
		{"raw UTF-8 read as ISO-8859-1", "Mini\xc3\xb6", "MiniÃ¶"},
		{"raw ISO-8859-1", "Mini\xf6", "Miniö"},
		{"malformed word kept", "=?UTF-8?B?!!?=", "=?UTF-8?B?!!?="},
		{"unknown charset kept", "=?KOI8-R?B?w7Y=?=", "=?KOI8-R?B?w7Y=?="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseHeaderUserMeta(http.Header{"X-Amz-Meta-V": {tt.value}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]string{"v": tt.want}, got); diff != "" {
				t.Errorf("parseHeaderUserMeta(%q) (-want +got):\n%s", tt.value, diff)
			}
		})
	}
}

// TestParseUserMetaFormText checks that POST form fields, which are text,
// are not read as ISO-8859-1.
func TestParseUserMetaFormText(t *testing.T) {
	got, err := parseUserMeta(http.Header{"X-Amz-Meta-V": {"Miniö"}})
	if err != nil || got["v"] != "Miniö" {
		t.Errorf("parseUserMeta(Miniö) = %q, %v; want Miniö", got["v"], err)
	}
}

func TestParseHeaderUserMetaLimit(t *testing.T) {
	// The limit counts UTF-8 bytes: 1,100 ISO-8859-1 bytes are 2,200.
	_, err := parseHeaderUserMeta(http.Header{"X-Amz-Meta-V": {strings.Repeat("\xe9", 1100)}})
	if err != errMetadataTooLarge {
		t.Errorf("parseHeaderUserMeta(1,100 x é) = %v, want errMetadataTooLarge", err)
	}
}

// TestEncodeMetaValue pins the response form: US-ASCII as is, else RFC
// 2047 B-encoded UTF-8 (S3 answers raw "ö" as "=?UTF-8?B?w4PCtg==?=").
func TestEncodeMetaValue(t *testing.T) {
	tests := []struct{ stored, want string }{
		{"plain value", "plain value"},
		{"", ""},
		{"Miniö", "=?UTF-8?B?TWluacO2?="},
		{"Ã¶", "=?UTF-8?B?w4PCtg==?="},
	}
	for _, tt := range tests {
		if got := encodeMetaValue(tt.stored); got != tt.want {
			t.Errorf("encodeMetaValue(%q) = %q, want %q", tt.stored, got, tt.want)
		}
	}
}

// FuzzUserMeta checks that any header value parses without panic, that
// what is sent back is a valid US-ASCII header value, and that a client
// sending the encoded-words S3 returned gets the same value back.
func FuzzUserMeta(f *testing.F) {
	f.Add("plain")                  // US-ASCII, kept as is
	f.Add("=?UTF-8?B?TWluacO2?=")   // the RFC 2047 form SDKs send
	f.Add("=?UTF-8?Q?Mini=C3=B6?=") // Q encoding
	f.Add("Mini\xc3\xb6")           // raw UTF-8 bytes
	f.Add("=?UTF-8?B?!!?= \xff")    // malformed word and a stray byte
	f.Add(strings.Repeat("ö", 80))  // long enough to split into several words
	f.Fuzz(func(t *testing.T, v string) {
		meta, err := parseHeaderUserMeta(http.Header{"X-Amz-Meta-V": {v}})
		if err != nil {
			return
		}
		out := encodeMetaValue(meta["v"])
		for i := 0; i < len(out); i++ {
			if c := out[i]; c >= utf8.RuneSelf || (c < ' ' && c != '\t') {
				t.Fatalf("encodeMetaValue(%q) = %q: not a US-ASCII header value", meta["v"], out)
			}
		}
		if !utf8.ValidString(meta["v"]) || strings.Contains(meta["v"], "=?") {
			return
		}
		again, err := parseHeaderUserMeta(http.Header{"X-Amz-Meta-V": {out}})
		if err != nil || again["v"] != meta["v"] {
			t.Fatalf("value %q sent back as %q reads as %q, %v", meta["v"], out, again["v"], err)
		}
	})
}
