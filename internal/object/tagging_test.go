package object

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidTags(t *testing.T) {
	many := make([]Tag, 11)
	for i := range many {
		many[i] = Tag{Key: keyN(i)}
	}
	tests := []struct {
		name string
		tags []Tag
		ok   bool
	}{
		{"none", nil, true},
		{"simple", []Tag{{"project", "blue"}}, true},
		{"allowedPunctuation", []Tag{{"a+b-c=d.e_f:g/h@i", "x y+z"}}, true},
		{"unicodeLetters", []Tag{{"ключ", "値"}}, true},
		{"emptyValue", []Tag{{"k", ""}}, true},
		{"ten", many[:10], true},
		{"eleven", many, false},
		{"emptyKey", []Tag{{"", "v"}}, false},
		{"keyMax", []Tag{{strings.Repeat("é", 128), "v"}}, true},
		{"keyTooLong", []Tag{{strings.Repeat("k", 129), "v"}}, false},
		{"valueMax", []Tag{{"k", strings.Repeat("é", 256)}}, true},
		{"valueTooLong", []Tag{{"k", strings.Repeat("v", 257)}}, false},
		{"duplicate", []Tag{{"k", "1"}, {"k", "2"}}, false},
		{"badCharKey", []Tag{{"k*", "v"}}, false},
		{"badCharValue", []Tag{{"k", "v#"}}, false},
		{"awsPrefix", []Tag{{"aws:foo", "v"}}, false},
		{"invalidUTF8", []Tag{{"k\xff", "v"}}, false},
	}
	for _, tt := range tests {
		err := validTags(tt.tags)
		if (err == nil) != tt.ok {
			t.Errorf("validTags(%s) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil {
			checkErr(t, "validTags("+tt.name+")", err, ErrInvalidTag)
		}
	}
}

func TestObjectTagging(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	_, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("x"), Size: 1, Tags: []Tag{{"a", "1"}}})
	checkErr(t, "PutObject", err, nil)
	before, _ := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "k"})

	tags, vid, err := e.s.GetObjectTagging(ctx, "bkt", "k", "")
	checkErr(t, "GetObjectTagging", err, nil)
	if diff := cmp.Diff([]Tag{{"a", "1"}}, tags); diff != "" || vid != "" {
		t.Errorf("GetObjectTagging = %v %q (-want +got):\n%s", tags, vid, diff)
	}
	e.clock.Advance(time.Hour)
	want := []Tag{{"z", "26"}, {"b", "2"}}
	_, err = e.s.PutObjectTagging(ctx, "bkt", "k", "", want)
	checkErr(t, "PutObjectTagging", err, nil)
	tags, _, _ = e.s.GetObjectTagging(ctx, "bkt", "k", "")
	if diff := cmp.Diff(want, tags); diff != "" {
		t.Errorf("tags after put (-want +got):\n%s", diff)
	}
	after, _ := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "k"})
	if !after.Info.LastModified.Equal(before.Info.LastModified) || after.Info.ETag != before.Info.ETag || after.Info.TagCount != 2 {
		t.Errorf("PutObjectTagging changed the object: %+v", after.Info)
	}
	if got, _ := e.read("bkt", "k"); got != "x" {
		t.Errorf("body after tagging = %q", got)
	}

	_, err = e.s.DeleteObjectTagging(ctx, "bkt", "k", "")
	checkErr(t, "DeleteObjectTagging", err, nil)
	tags, _, _ = e.s.GetObjectTagging(ctx, "bkt", "k", "")
	if tags == nil || len(tags) != 0 {
		t.Errorf("tags after delete = %#v, want empty", tags)
	}

	errTests := []struct {
		name string
		fn   func() error
		want error
	}{
		{"putInvalid", func() error {
			_, err := e.s.PutObjectTagging(ctx, "bkt", "k", "", []Tag{{"k", "1"}, {"k", "2"}})
			return err
		}, ErrInvalidTag},
		{"putMissingKey", func() error { _, err := e.s.PutObjectTagging(ctx, "bkt", "nope", "", nil); return err }, ErrNoSuchKey},
		{"getMissingKey", func() error { _, _, err := e.s.GetObjectTagging(ctx, "bkt", "nope", ""); return err }, ErrNoSuchKey},
		{"deleteMissingKey", func() error { _, err := e.s.DeleteObjectTagging(ctx, "bkt", "nope", ""); return err }, ErrNoSuchKey},
		{"getMissingBucket", func() error { _, _, err := e.s.GetObjectTagging(ctx, "nothere", "k", ""); return err }, ErrNoSuchBucket},
		{"getNoSuchVersion", func() error { _, _, err := e.s.GetObjectTagging(ctx, "bkt", "k", missingVersion); return err }, ErrNoSuchVersion},
		{"getNullVersion", func() error { _, _, err := e.s.GetObjectTagging(ctx, "bkt", "k", "null"); return err }, nil},
	}
	for _, tt := range errTests {
		checkErr(t, tt.name, tt.fn(), tt.want)
	}
}
