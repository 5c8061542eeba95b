package integration_test

import (
	"encoding/xml"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestPutObject_unicodeMetadata pins S3's answer for user metadata outside
// US-ASCII ("Working with object metadata": values are RFC 2047 decoded
// before storing and encoded before returning; US-ASCII is presented as
// is). An encoded-word comes back byte for byte; raw header bytes are read
// as ISO-8859-1, so the SDK's raw UTF-8 "ö" comes back as the encoded-word
// of "Ã¶", as AWS answers it.
func TestPutObject_unicodeMetadata(t *testing.T) {
	e := newEnv(t)
	tests := []struct{ name, sent, want string }{
		{"ascii", "plain value", "plain value"},
		{"encoded-word", "=?UTF-8?B?TWluacO2?=", "=?UTF-8?B?TWluacO2?="},
		{"Q encoded-word comes back B", "=?UTF-8?Q?Mini=C3=B6?=", "=?UTF-8?B?TWluacO2?="},
		{"raw UTF-8", "Miniö", "=?UTF-8?B?TWluacODwrY=?="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "meta-" + tt.name
			e.put(t, key, []byte("x"), func(in *s3.PutObjectInput) { in.Metadata = map[string]string{"v": tt.sent} })
			head, err := e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			if got := head.Metadata["v"]; got != tt.want {
				t.Errorf("HeadObject metadata v = %q, want %q", got, tt.want)
			}
			get, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			get.Body.Close()
			if got := get.Metadata["v"]; got != tt.want {
				t.Errorf("GetObject metadata v = %q, want %q", got, tt.want)
			}
			// What S3 returned, sent again, is kept as it is.
			cp := "copy-" + key
			_, err = e.s3.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(cp),
				CopySource: aws.String(e.bucket + "/" + key), MetadataDirective: types.MetadataDirectiveReplace,
				Metadata: map[string]string{"v": tt.want}})
			if err != nil {
				t.Fatal(err)
			}
			head, err = e.s3.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(cp)})
			if err != nil {
				t.Fatal(err)
			}
			if got := head.Metadata["v"]; got != tt.want {
				t.Errorf("CopyObject(REPLACE with %q) metadata v = %q, want it unchanged", tt.want, got)
			}
		})
	}
}

// TestPutObject_unicodeMetadataRaw sends header bytes the SDK would not:
// ISO-8859-1, and checks the response bytes on the wire for HEAD, GET and
// a multipart upload's object.
func TestPutObject_unicodeMetadataRaw(t *testing.T) {
	e := newEnv(t)
	const want = "=?UTF-8?B?TWluacO2?=" // "Miniö"
	put := signedRaw(t, e.srv, "PUT", "/"+e.bucket+"/raw", http.Header{"X-Amz-Meta-V": {"Mini\xf6"}}, []byte("x"), "")
	if put.status != 200 {
		t.Fatalf("PutObject = %d %s", put.status, put.code)
	}
	for _, method := range []string{"HEAD", "GET"} {
		got := signedRaw(t, e.srv, method, "/"+e.bucket+"/raw", nil, nil, "")
		if v := got.header.Values("X-Amz-Meta-V"); len(v) != 1 || v[0] != want {
			t.Errorf("%s x-amz-meta-v = %q, want [%q]", method, v, want)
		}
	}
	create := signedRaw(t, e.srv, "POST", "/"+e.bucket+"/mpu?uploads", http.Header{"X-Amz-Meta-V": {"Mini\xf6"}}, nil, "")
	if create.status != 200 {
		t.Fatalf("CreateMultipartUpload = %d %s", create.status, create.code)
	}
	u := &upload{e: e, key: "mpu", id: uploadIDOf(t, create.body)}
	u.part(t, 1, []byte("part"))
	if _, err := u.complete(t); err != nil {
		t.Fatal(err)
	}
	got := signedRaw(t, e.srv, "HEAD", "/"+e.bucket+"/mpu", nil, nil, "")
	if v := got.header.Get("X-Amz-Meta-V"); v != want {
		t.Errorf("HEAD of the multipart object x-amz-meta-v = %q, want %q", v, want)
	}
}

// uploadIDOf reads the UploadId of an InitiateMultipartUploadResult.
func uploadIDOf(t *testing.T, body []byte) string {
	t.Helper()
	var r struct{ UploadId string }
	if err := xml.Unmarshal(body, &r); err != nil || r.UploadId == "" {
		t.Fatalf("InitiateMultipartUploadResult %q: %v", body, err)
	}
	return r.UploadId
}
