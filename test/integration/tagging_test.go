package integration_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

func tagMap(tags []types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func TestPutObject_tagging(t *testing.T) {
	e := newEnv(t)
	e.put(t, "tagged", []byte("x"), func(in *s3.PutObjectInput) { in.Tagging = aws.String("project=coffer&team=storage%20ops") })
	out, err := e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("tagged")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"project": "coffer", "team": "storage ops"}, tagMap(out.TagSet)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	get, err := e.s3.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("tagged")})
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if got := aws.ToInt32(get.TagCount); got != 2 {
		t.Errorf("GetObject x-amz-tagging-count = %d, want 2", got)
	}
}

func TestPutObjectTagging_replaceAndDelete(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("x"), func(in *s3.PutObjectInput) { in.Tagging = aws.String("old=1") })
	_, err := e.s3.PutObjectTagging(ctx(t), &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("new"), Value: aws.String("2")}, {Key: aws.String("empty"), Value: aws.String("")}}}})
	if err != nil {
		t.Fatalf("PutObjectTagging: %v", err)
	}
	out, err := e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"new": "2", "empty": ""}, tagMap(out.TagSet)); diff != "" {
		t.Errorf("tags after PutObjectTagging (-want +got):\n%s", diff)
	}
	if _, err := e.s3.DeleteObjectTagging(ctx(t), &s3.DeleteObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}); err != nil {
		t.Fatalf("DeleteObjectTagging: %v", err)
	}
	out, err = e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TagSet) != 0 {
		t.Errorf("tags after DeleteObjectTagging = %v, want none", tagMap(out.TagSet))
	}
}

func TestPutObjectTagging_invalid(t *testing.T) {
	e := newEnv(t)
	e.put(t, "k", []byte("x"))
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	eleven := make([]types.Tag, 11)
	for i := range eleven {
		eleven[i] = tag(string(rune('a'+i)), "v")
	}
	tests := []struct {
		name string
		tags []types.Tag
	}{
		{"too many", eleven},
		{"duplicate key", []types.Tag{tag("a", "1"), tag("a", "2")}},
		{"key too long", []types.Tag{tag(strings.Repeat("k", 129), "v")}},
		{"value too long", []types.Tag{tag("k", strings.Repeat("v", 257))}},
		{"aws prefix", []types.Tag{tag("aws:reserved", "v")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s3.PutObjectTagging(ctx(t), &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
				Tagging: &types.Tagging{TagSet: tt.tags}})
			wantCode(t, "PutObjectTagging", err, "InvalidTag", 400)
		})
	}
	_, err := e.s3.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("bad"),
		Body: bytes.NewReader([]byte("x")), Tagging: aws.String("aws:x=1")})
	wantCode(t, "PutObject(x-amz-tagging aws:x)", err, "InvalidTag", 400)
}

func TestGetObjectTagging_noSuchKey(t *testing.T) {
	e := newEnv(t)
	_, err := e.s3.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("missing")})
	wantCode(t, "GetObjectTagging(missing)", err, "NoSuchKey", 404)
}
