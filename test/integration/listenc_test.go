package integration_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The key and prefix these tests list, and how S3 writes them under
// encoding-type=url: form encoding with '/' kept (a space as '+', a
// literal '+' as %2B, '~' as %7E, '*' as is). aws-sdk-go-v2 does not
// decode listings, so the tests see the wire values.
const (
	encDir     = "dir a+b/"
	encKey     = "dir a+b/k~*(1).txt"
	encDirWire = "dir+a%2Bb/"
	encKeyWire = "dir+a%2Bb/k%7E*%281%29.txt"
)

func TestListObjects_encodingTypeURLElements(t *testing.T) {
	e := newEnv(t)
	e.put(t, encKey, []byte("x"))
	e.put(t, "z", []byte("x"))
	out, err := e.s3.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl,
		Delimiter: aws.String("/"), MaxKeys: aws.Int32(1), Marker: aws.String("a b")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"Prefix": aws.ToString(out.Prefix), "Delimiter": aws.ToString(out.Delimiter),
		"Marker": aws.ToString(out.Marker), "NextMarker": aws.ToString(out.NextMarker),
	}
	if len(out.CommonPrefixes) == 1 {
		got["CommonPrefixes/Prefix"] = aws.ToString(out.CommonPrefixes[0].Prefix)
	}
	want := map[string]string{"Prefix": "", "Delimiter": "/", "Marker": "a+b", "NextMarker": encDirWire,
		"CommonPrefixes/Prefix": encDirWire}
	checkElements(t, "ListObjects", got, want)

	out, err = e.s3.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl,
		Prefix: aws.String(encDir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != encKeyWire || aws.ToString(out.Prefix) != encDirWire {
		t.Errorf("ListObjects(prefix %q): Prefix %q, keys %q; want Prefix %q, keys [%q]",
			encDir, aws.ToString(out.Prefix), keysOf(out.Contents), encDirWire, encKeyWire)
	}
}

func TestListObjectsV2_encodingTypeURLElements(t *testing.T) {
	e := newEnv(t)
	e.put(t, encKey, []byte("x"))
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl,
		Prefix: aws.String("dir "), Delimiter: aws.String("/"), StartAfter: aws.String("a b")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"Prefix": aws.ToString(out.Prefix), "Delimiter": aws.ToString(out.Delimiter),
		"StartAfter": aws.ToString(out.StartAfter), "EncodingType": string(out.EncodingType)}
	if len(out.CommonPrefixes) == 1 {
		got["CommonPrefixes/Prefix"] = aws.ToString(out.CommonPrefixes[0].Prefix)
	}
	checkElements(t, "ListObjectsV2", got, map[string]string{"Prefix": "dir+", "Delimiter": "/", "StartAfter": "a+b",
		"EncodingType": "url", "CommonPrefixes/Prefix": encDirWire})

	out, err = e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl})
	if err != nil {
		t.Fatal(err)
	}
	if keys := keysOf(out.Contents); len(keys) != 1 || keys[0] != encKeyWire {
		t.Errorf("ListObjectsV2 keys = %q, want [%q]", keys, encKeyWire)
	}
}

func TestListObjectVersions_encodingTypeURLElements(t *testing.T) {
	e := newEnv(t)
	e.put(t, encKey, []byte("x"))
	e.put(t, "dz", []byte("x"))
	out, err := e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket),
		EncodingType: types.EncodingTypeUrl, Prefix: aws.String("d"), KeyMarker: aws.String("a b"), MaxKeys: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"Prefix": aws.ToString(out.Prefix), "KeyMarker": aws.ToString(out.KeyMarker),
		"NextKeyMarker": aws.ToString(out.NextKeyMarker), "EncodingType": string(out.EncodingType)}
	if len(out.Versions) == 1 {
		got["Version/Key"] = aws.ToString(out.Versions[0].Key)
	}
	checkElements(t, "ListObjectVersions", got, map[string]string{"Prefix": "d", "KeyMarker": "a+b",
		"NextKeyMarker": encKeyWire, "EncodingType": "url", "Version/Key": encKeyWire})

	out, err = e.s3.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket),
		EncodingType: types.EncodingTypeUrl, Delimiter: aws.String(" ")})
	if err != nil {
		t.Fatal(err)
	}
	if d := aws.ToString(out.Delimiter); d != "+" {
		t.Errorf("ListObjectVersions Delimiter = %q, want %q", d, "+")
	}
}

func TestListMultipartUploads_encodingTypeURLElements(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{encKey, "dz"} {
		if _, err := e.s3.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket),
		EncodingType: types.EncodingTypeUrl, Prefix: aws.String("d"), KeyMarker: aws.String("a b"), MaxUploads: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"Prefix": aws.ToString(out.Prefix), "KeyMarker": aws.ToString(out.KeyMarker),
		"NextKeyMarker": aws.ToString(out.NextKeyMarker), "EncodingType": string(out.EncodingType)}
	if len(out.Uploads) == 1 {
		got["Upload/Key"] = aws.ToString(out.Uploads[0].Key)
	}
	checkElements(t, "ListMultipartUploads", got, map[string]string{"Prefix": "d", "KeyMarker": "a+b",
		"NextKeyMarker": encKeyWire, "EncodingType": "url", "Upload/Key": encKeyWire})

	out, err = e.s3.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket),
		EncodingType: types.EncodingTypeUrl, Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CommonPrefixes) != 1 || aws.ToString(out.CommonPrefixes[0].Prefix) != encDirWire {
		t.Errorf("ListMultipartUploads CommonPrefixes = %v, want [%q]", out.CommonPrefixes, encDirWire)
	}
}

func TestListObjectsV2_invalidEncodingType(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), EncodingType: "base64"})
	wantCode(t, "ListObjectsV2(encoding-type=base64)", err, "InvalidArgument", 400)
}

// TestListObjectsV2_emptyContinuationToken pins S3's answer to
// continuation-token= sent empty: no token, so the listing starts at the
// beginning, and the empty token is echoed back (ceph s3-tests
// test_bucket_listv2_continuationtoken_empty, which runs against S3).
func TestListObjectsV2_emptyContinuationToken(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("x"))
	out, err := e.s3.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), ContinuationToken: aws.String("")})
	if err != nil {
		t.Fatalf("ListObjectsV2(continuation-token=) = %v, want a listing", err)
	}
	if out.ContinuationToken == nil || *out.ContinuationToken != "" {
		t.Errorf("ContinuationToken = %v, want the empty token echoed", out.ContinuationToken)
	}
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "k" || aws.ToBool(out.IsTruncated) {
		t.Errorf("listing = %d keys, truncated %v; want just k", len(out.Contents), aws.ToBool(out.IsTruncated))
	}
}

func checkElements(t *testing.T, op string, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s %s = %q, want %q", op, k, got[k], w)
		}
	}
}
