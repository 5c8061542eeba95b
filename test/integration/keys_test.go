package integration_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestPutObject_unusualKeys stores keys that path handling commonly breaks
// (dot segments, doubled and leading slashes, escapes, reserved URL
// characters) and reads each back by name and by listing.
func TestPutObject_unusualKeys(t *testing.T) {
	e := newEnv(t)
	keys := []string{
		"a/../b", "./x", "a/./b", "a//b", "/leading", "trailing/", "..", ".",
		"percent%2Fliteral", "q?mark", "hash#tag", "semi;colon", "plus+sign", "space here",
		"tab\there", "unicode/日本語", "emoji/😀", "amp&and=eq", "quote\"s", "angle<>",
	}
	for _, k := range keys {
		e.put(t, k, []byte("key:"+k))
	}
	for _, k := range keys {
		if got := e.getBody(t, k); string(got) != "key:"+k {
			t.Errorf("GetObject(%q) = %q, want %q", k, got, "key:"+k)
		}
	}
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(keys)
	slices.Sort(want)
	if got := keysOf(out.Contents); !slices.Equal(got, want) {
		t.Errorf("listing = %q, want %q", got, want)
	}
}

func TestGetObject_rangeAndPartNumber(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("0123456789"))
	_, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		PartNumber: aws.Int32(1), Range: aws.String("bytes=0-1")})
	wantCode(t, "GetObject(partNumber and Range)", err, "InvalidRequest", 400)
}
