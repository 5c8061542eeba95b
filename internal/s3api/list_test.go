package s3api

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/object"
)

func TestListObjects(t *testing.T) {
	lm := time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	page := &object.ListOutput{
		Objects: []object.ObjectInfo{
			{Key: "photos/a b.jpg", Size: 10, ETag: "e1", LastModified: lm, Owner: "000000000000", StorageClass: "STANDARD"},
			{Key: "photos/c", Size: 0, ETag: "e2-2", LastModified: lm, Owner: "000000000000",
				Checksum: &object.Checksum{Algorithm: checksum.CRC64NVME, Type: checksum.FullObject, Value: make([]byte, 8)}},
		},
		CommonPrefixes: []string{"photos/2006/"},
		Truncated:      true,
		Next:           "photos/c",
	}
	set := func(env *testEnv) { env.obj.list = page }
	runHandlerCases(t, []handlerCase{
		{name: "v2", method: "GET", target: "/b?list-type=2&prefix=photos/&delimiter=/&max-keys=3&start-after=photos/0", setup: set,
			status: 200,
			call:   object.ListInput{Bucket: "b", Prefix: "photos/", Delimiter: "/", After: "photos/0", MaxKeys: 3},
			golden: "list-v2.xml"},
		{name: "v2 continuation", method: "GET", target: "/b?list-type=2&continuation-token=" + encodeToken("photos/c") + "&start-after=ignored&fetch-owner=true",
			setup: set, status: 200,
			call:   object.ListInput{Bucket: "b", After: "photos/c", MaxKeys: 1000},
			golden: "list-v2-continued.xml"},
		{name: "v2 url encoding", method: "GET", target: "/b?list-type=2&encoding-type=url&prefix=photos/%20x", setup: set,
			status: 200, golden: "list-v2-url.xml"},
		{name: "v2 bad token", method: "GET", target: "/b?list-type=2&continuation-token=***", status: 400, code: "InvalidArgument"},
		{name: "v2 empty token", method: "GET", target: "/b?list-type=2&continuation-token=&start-after=photos/a", setup: set, status: 200,
			call: object.ListInput{Bucket: "b", After: "photos/a", MaxKeys: 1000}},
		{name: "v2 max-keys clipped", method: "GET", target: "/b?list-type=2&max-keys=5000", setup: set, status: 200,
			call: object.ListInput{Bucket: "b", MaxKeys: 1000}},
		{name: "v2 max-keys zero", method: "GET", target: "/b?list-type=2&max-keys=0", setup: set, status: 200,
			call: object.ListInput{Bucket: "b", MaxKeys: 0}},
		{name: "v2 max-keys negative", method: "GET", target: "/b?list-type=2&max-keys=-1", status: 400, code: "InvalidArgument"},
		{name: "v2 max-keys junk", method: "GET", target: "/b?list-type=2&max-keys=ten", status: 400, code: "InvalidArgument"},
		{name: "v2 bad encoding", method: "GET", target: "/b?list-type=2&encoding-type=base64", status: 400, code: "InvalidArgument"},
		{name: "v2 no bucket", method: "GET", target: "/b?list-type=2",
			setup: func(env *testEnv) { env.obj.err = object.ErrNoSuchBucket }, status: 404, code: "NoSuchBucket"},
		{name: "v1 with delimiter", method: "GET", target: "/b?prefix=photos/&delimiter=/&marker=photos/0&max-keys=3", setup: set,
			status: 200,
			call:   object.ListInput{Bucket: "b", Prefix: "photos/", Delimiter: "/", After: "photos/0", MaxKeys: 3},
			golden: "list-v1.xml"},
		{name: "v1 without delimiter", method: "GET", target: "/b", setup: set, status: 200, golden: "list-v1-nodelim.xml"},
		{name: "v1 empty", method: "GET", target: "/b",
			setup: func(env *testEnv) { env.obj.list = &object.ListOutput{} }, status: 200, golden: "list-v1-empty.xml"},
	})
}

func TestEncodeKey(t *testing.T) {
	p := listParams{encodeURL: true}
	tests := []struct{ in, want string }{
		{"photos/a b.jpg", "photos/a+b.jpg"},
		{"a+b", "a%2Bb"},
		{"ctl\x01", "ctl%01"},
		{"ü", "%C3%BC"},
	}
	for _, tc := range tests {
		if got := p.enc(tc.in); string(got) != tc.want {
			t.Errorf("enc(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseOptionalAttributes(t *testing.T) {
	tests := []struct {
		values  []string
		want    bool
		wantErr bool
	}{
		{nil, false, false},
		{[]string{"RestoreStatus"}, true, false},
		{[]string{" RestoreStatus ,"}, true, false},
		{[]string{"", "RestoreStatus"}, true, false},
		{[]string{"RestoreStatus,Owner"}, false, true},
		{[]string{"restorestatus"}, false, true},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, v := range tt.values {
			h.Add(headerOptionalAttributes, v)
		}
		got, err := parseOptionalAttributes(h)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseOptionalAttributes(%q) = %v, %v; want %v, error %v", tt.values, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, errInvalidArgument) {
			t.Errorf("parseOptionalAttributes(%q) error %v, want InvalidArgument", tt.values, err)
		}
	}
}

func FuzzParseOptionalAttributes(f *testing.F) {
	for _, s := range []string{"RestoreStatus", "RestoreStatus,RestoreStatus", ",", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Set(headerOptionalAttributes, v)
		got, err := parseOptionalAttributes(h)
		if err == nil && got != strings.Contains(v, "RestoreStatus") {
			t.Fatalf("parseOptionalAttributes(%q) = %v without an error", v, got)
		}
	})
}
