package object

import (
	"context"
	"strings"
	"testing"

	"github.com/coffer-s3/coffer/internal/meta"
)

func TestCanonicalStorageClass(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"", "", nil},
		{"STANDARD", "", nil},
		{"STANDARD_IA", StorageStandardIA, nil},
		{"ONEZONE_IA", StorageOneZoneIA, nil},
		{"INTELLIGENT_TIERING", StorageIntelligentTiering, nil},
		{"GLACIER_IR", StorageGlacierIR, nil},
		{"GLACIER", StorageGlacier, nil},
		{"DEEP_ARCHIVE", StorageDeepArchive, nil},
		{"REDUCED_REDUNDANCY", StorageReducedRedundancy, nil},
		// Classes of directory buckets, Outposts, Snow and FSx.
		{"EXPRESS_ONEZONE", "", ErrInvalidStorageClass},
		{"OUTPOSTS", "", ErrInvalidStorageClass},
		{"SNOW", "", ErrInvalidStorageClass},
		{"FSX_OPENZFS", "", ErrInvalidStorageClass},
		{"standard_ia", "", ErrInvalidStorageClass},
		{"PLATINUM", "", ErrInvalidStorageClass},
	}
	for _, tt := range tests {
		got, err := canonicalStorageClass(tt.in)
		if got != tt.want {
			t.Errorf("canonicalStorageClass(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkErr(t, "canonicalStorageClass("+tt.in+")", err, tt.err)
	}
}

// TestStorageClass_putCopyMultipart follows a class through every write:
// stored by PutObject and CreateMultipartUpload, dropped by a copy
// without one (S3 stores the copy as STANDARD), and listed.
func TestStorageClass_putCopyMultipart(t *testing.T) {
	ctx := context.Background()
	for _, mode := range storageModes {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, mode.mod)
			e.bucket(t, "bkt")
			info, err := e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "ia", Body: strings.NewReader("x"), Size: 1, StorageClass: "STANDARD_IA"})
			checkErr(t, "PutObject", err, nil)
			if info.StorageClass != "STANDARD_IA" {
				t.Errorf("PutObject StorageClass = %q, want STANDARD_IA", info.StorageClass)
			}
			_, err = e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "bad", Body: strings.NewReader("x"), Size: 1, StorageClass: "EXPRESS_ONEZONE"})
			checkErr(t, "PutObject(EXPRESS_ONEZONE)", err, ErrInvalidStorageClass)

			copies := []struct {
				name string
				in   CopyInput
				want string
				err  error
			}{
				{"copyWithoutClass", CopyInput{DstKey: "c1"}, "STANDARD", nil},
				{"copyWithClass", CopyInput{DstKey: "c2", StorageClass: "GLACIER"}, "GLACIER", nil},
				{"copyBadClass", CopyInput{DstKey: "c3", StorageClass: "SNOW"}, "", ErrInvalidStorageClass},
				{"ontoItselfSameClass", CopyInput{DstKey: "ia", StorageClass: "STANDARD_IA"}, "", ErrInvalidCopyRequest},
				{"ontoItselfNoClass", CopyInput{DstKey: "ia"}, "", ErrInvalidCopyRequest},
				{"ontoItselfNewClass", CopyInput{DstKey: "ia", StorageClass: "STANDARD"}, "STANDARD", nil},
			}
			for _, c := range copies {
				c.in.SrcBucket, c.in.SrcKey, c.in.DstBucket = "bkt", "ia", "bkt"
				out, err := e.s.CopyObject(ctx, c.in)
				checkErr(t, c.name, err, c.err)
				if err == nil && out.Info.StorageClass != c.want {
					t.Errorf("%s: StorageClass = %q, want %q", c.name, out.Info.StorageClass, c.want)
				}
				// Put the source back for the next case.
				_, err = e.s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "ia", Body: strings.NewReader("x"), Size: 1, StorageClass: "STANDARD_IA"})
				checkErr(t, "PutObject", err, nil)
			}

			up, parts := e.startUpload(t, CreateUploadInput{Bucket: "bkt", Key: "mp", StorageClass: "ONEZONE_IA"}, "part")
			if up.StorageClass != "ONEZONE_IA" {
				t.Errorf("CreateMultipartUpload StorageClass = %q, want ONEZONE_IA", up.StorageClass)
			}
			lp, err := e.s.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID})
			checkErr(t, "ListParts", err, nil)
			if lp.Upload.StorageClass != "ONEZONE_IA" {
				t.Errorf("ListParts StorageClass = %q, want ONEZONE_IA", lp.Upload.StorageClass)
			}
			lu, err := e.s.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "bkt", MaxUploads: 10})
			checkErr(t, "ListMultipartUploads", err, nil)
			if len(lu.Uploads) != 1 || lu.Uploads[0].StorageClass != "ONEZONE_IA" {
				t.Errorf("ListMultipartUploads = %+v, want one ONEZONE_IA upload", lu.Uploads)
			}
			_, err = e.s.CreateMultipartUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "mp2", StorageClass: "OUTPOSTS"})
			checkErr(t, "CreateMultipartUpload(OUTPOSTS)", err, ErrInvalidStorageClass)
			done, err := e.s.CompleteMultipartUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, Parts: parts})
			checkErr(t, "CompleteMultipartUpload", err, nil)
			if done.StorageClass != "ONEZONE_IA" {
				t.Errorf("CompleteMultipartUpload StorageClass = %q, want ONEZONE_IA", done.StorageClass)
			}

			list, err := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 100})
			checkErr(t, "ListObjects", err, nil)
			got := map[string]string{}
			for _, o := range list.Objects {
				got[o.Key] = o.StorageClass
			}
			want := map[string]string{"ia": "STANDARD_IA", "c1": "STANDARD", "c2": "GLACIER", "mp": "ONEZONE_IA"}
			for k, sc := range want {
				if got[k] != sc {
					t.Errorf("ListObjects %s StorageClass = %q, want %q", k, got[k], sc)
				}
			}
			head, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "c2"})
			checkErr(t, "HeadObject", err, nil)
			if head.Info.StorageClass != "GLACIER" {
				t.Errorf("HeadObject StorageClass = %q, want GLACIER", head.Info.StorageClass)
			}
			// An archived version reads only once restored (restore_test.go).
			_, err = e.read("bkt", "c2")
			checkErr(t, "GetObject(GLACIER)", err, ErrInvalidObjectState)
		})
	}
}

// TestStorageClass_oldRecord rewrites an object's record in
// objectFormatV2, as coffer wrote it before storage classes, and checks
// that it reads, lists and is replaced as a STANDARD object.
func TestStorageClass_oldRecord(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "old", "bytes")
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		v3, err := tx.Get(objectKey("bkt", "old"))
		if err != nil {
			return err
		}
		// A STANDARD V3 record is the V2 record with an empty class
		// appended.
		if v3[0] != objectFormatV3 || v3[len(v3)-1] != 0 {
			t.Fatalf("record %q is not a STANDARD objectFormatV3 record", v3)
		}
		v2 := append([]byte{objectFormatV2}, v3[1:len(v3)-1]...)
		return tx.Set(objectKey("bkt", "old"), v2)
	})
	checkErr(t, "rewrite record", err, nil)
	head, err := e.s.HeadObject(ctx, GetInput{Bucket: "bkt", Key: "old"})
	checkErr(t, "HeadObject", err, nil)
	if head.Info.StorageClass != "STANDARD" {
		t.Errorf("HeadObject StorageClass = %q, want STANDARD", head.Info.StorageClass)
	}
	list, err := e.s.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10})
	checkErr(t, "ListObjects", err, nil)
	if len(list.Objects) != 1 || list.Objects[0].StorageClass != "STANDARD" {
		t.Errorf("ListObjects = %+v, want one STANDARD object", list.Objects)
	}
	if body, err := e.read("bkt", "old"); err != nil || body != "bytes" {
		t.Errorf("GetObject = %q, %v; want \"bytes\"", body, err)
	}
}
