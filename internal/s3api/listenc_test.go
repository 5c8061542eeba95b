package s3api

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"testing"

	"github.com/coffer-s3/coffer/internal/object"
)

func TestFormEncodeKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain-key_1.txt", "plain-key_1.txt"},
		{"photos/a b.jpg", "photos/a+b.jpg"}, // '/' kept, space as '+'
		{"a+b", "a%2Bb"},                     // so a literal '+' differs from a space
		{"100%.csv", "100%25.csv"},
		{"test_file(3).png", "test_file%283%29.png"}, // AWS's EncodingType example
		{"a*b", "a*b"},
		{"a~b", "a%7Eb"},
		{"k=v&x;y:z,", "k%3Dv%26x%3By%3Az%2C"},
		{"ctl\x01\n", "ctl%01%0A"},
		{"ü", "%C3%BC"},
		{"한글/x.txt", "%ED%95%9C%EA%B8%80/x.txt"},
		{"bad\xff", "bad%FF"},
	}
	for _, tc := range tests {
		if got := formEncodeKey(tc.in); got != tc.want {
			t.Errorf("formEncodeKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// listEncodingKey is a key whose every encoded form differs from it.
const listEncodingKey = "a b+c"

// TestListEncodingElements pins, for each listing, which elements
// encoding-type=url encodes (the ones AWS's API reference names for it)
// and which it leaves alone (tokens and version or upload id markers,
// which are opaque values the client sends back unchanged).
func TestListEncodingElements(t *testing.T) {
	const enc = "a+b%2Bc"
	tests := []struct {
		name   string
		target string
		setup  func(env *testEnv)
		want   map[string]string // element path -> value
	}{
		{
			name:   "ListObjects",
			target: "/b?encoding-type=url&prefix=a%20b%2Bc&delimiter=%20&marker=a%20b%2Bc",
			setup: func(env *testEnv) {
				env.obj.list = &object.ListOutput{Objects: []object.ObjectInfo{{Key: listEncodingKey}},
					CommonPrefixes: []string{listEncodingKey}, Truncated: true, Next: listEncodingKey}
			},
			want: map[string]string{"Prefix": enc, "Delimiter": "+", "Marker": enc, "NextMarker": enc,
				"Contents/Key": enc, "CommonPrefixes/Prefix": enc, "EncodingType": "url"},
		},
		{
			name:   "ListObjectsV2",
			target: "/b?list-type=2&encoding-type=url&prefix=a%20b%2Bc&delimiter=%20&start-after=a%20b%2Bc",
			setup: func(env *testEnv) {
				env.obj.list = &object.ListOutput{Objects: []object.ObjectInfo{{Key: listEncodingKey}},
					CommonPrefixes: []string{listEncodingKey}, Truncated: true, Next: listEncodingKey}
			},
			want: map[string]string{"Prefix": enc, "Delimiter": "+", "StartAfter": enc,
				"Contents/Key": enc, "CommonPrefixes/Prefix": enc, "EncodingType": "url",
				"NextContinuationToken": encodeToken(listEncodingKey)},
		},
		{
			name:   "ListObjectVersions",
			target: "/b?versions&encoding-type=url&prefix=a%20b%2Bc&delimiter=%20&key-marker=a%20b%2Bc&version-id-marker=v%201",
			setup: func(env *testEnv) {
				env.obj.versions = &object.ListVersionsOutput{
					Versions: []object.ObjectInfo{
						{Key: listEncodingKey, VersionID: "v 2", IsLatest: true, DeleteMarker: true},
						{Key: listEncodingKey, VersionID: "v 3"},
					},
					CommonPrefixes: []string{listEncodingKey},
					Truncated:      true, NextKeyMarker: listEncodingKey, NextVersionIDMarker: "v 3"}
			},
			want: map[string]string{"Prefix": enc, "Delimiter": "+", "KeyMarker": enc, "NextKeyMarker": enc,
				"VersionIdMarker": "v 1", "NextVersionIdMarker": "v 3",
				"DeleteMarker/Key": enc, "Version/Key": enc, "CommonPrefixes/Prefix": enc, "EncodingType": "url"},
		},
		{
			name:   "ListMultipartUploads",
			target: "/b?uploads&encoding-type=url&prefix=a%20b%2Bc&delimiter=%20&key-marker=a%20b%2Bc&upload-id-marker=u%201",
			setup: func(env *testEnv) {
				env.obj.uploads = &object.ListUploadsOutput{
					Uploads:        []object.Upload{{Key: listEncodingKey, UploadID: "u 2"}},
					CommonPrefixes: []string{listEncodingKey},
					Truncated:      true, NextKeyMarker: listEncodingKey, NextUploadIDMarker: "u 2"}
			},
			want: map[string]string{"Prefix": enc, "Delimiter": "+", "KeyMarker": enc, "NextKeyMarker": enc,
				"UploadIdMarker": "u 1", "NextUploadIdMarker": "u 2",
				"Upload/Key": enc, "Upload/UploadId": "u 2", "CommonPrefixes/Prefix": enc, "EncodingType": "url"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, &fakeObjects{})
			tc.setup(env)
			rec := env.do(newReq(http.MethodGet, tc.target, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body: %s", rec.Code, rec.Body)
			}
			got := xmlLeaves(t, rec.Body.Bytes())
			for path, want := range tc.want {
				if got[path] != want {
					t.Errorf("%s = %q, want %q", path, got[path], want)
				}
			}
		})
	}
}

// xmlLeaves maps the path below the root of each text-bearing element of
// doc (the first of each path) to its text.
func xmlLeaves(t *testing.T, doc []byte) map[string]string {
	t.Helper()
	var node struct {
		XMLName xml.Name
		Nodes   []struct {
			XMLName xml.Name
			Text    string `xml:",chardata"`
			Nodes   []struct {
				XMLName xml.Name
				Text    string `xml:",chardata"`
			} `xml:",any"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(doc, &node); err != nil {
		t.Fatalf("response is not XML: %v\n%s", err, doc)
	}
	out := map[string]string{}
	set := func(path, text string) {
		if _, ok := out[path]; !ok {
			out[path] = text
		}
	}
	for _, n := range node.Nodes {
		if len(n.Nodes) == 0 {
			set(n.XMLName.Local, n.Text)
		}
		for _, c := range n.Nodes {
			set(n.XMLName.Local+"/"+c.XMLName.Local, c.Text)
		}
	}
	return out
}

// FuzzFormEncodeKey checks that every key survives encoding-type=url for a
// client that decodes as minio-go and rclone do (url.QueryUnescape), and
// that the encoded form is plain ASCII that XML carries unchanged.
func FuzzFormEncodeKey(f *testing.F) {
	for _, s := range []string{"photos/a b.jpg", "a+b", "100%.csv", "test_file(3).png", "~*", "ctl\x01", "한글/x", "bad\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := formEncodeKey(s)
		if dec, err := url.QueryUnescape(enc); err != nil || dec != s {
			t.Fatalf("QueryUnescape(formEncodeKey(%q) = %q) = %q, %v", s, enc, dec, err)
		}
		for i := 0; i < len(enc); i++ {
			if c := enc[i]; c != '%' && c != '+' && !formSafe(c) {
				t.Fatalf("formEncodeKey(%q) = %q holds %q", s, enc, c)
			}
		}
	})
}
