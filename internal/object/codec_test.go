package object

import (
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/google/go-cmp/cmp"
)

func TestObjectCodec_roundTrip(t *testing.T) {
	tests := []objectRecord{
		{},
		{DataID: "d", Size: 0, ETag: md5hex(""), Modified: testEpoch, Inline: true},
		{
			VersionID: "v", DataID: randomID(16), Size: 1 << 40, ETag: "abc-3", Modified: time.Unix(0, 1234567891234).UTC(),
			Headers:    Headers{ContentType: "a", ContentEncoding: "b", ContentDisposition: "c", ContentLanguage: "d", CacheControl: "e", Expires: "f"},
			UserMeta:   map[string]string{"z": "1", "a": "", "ü": "é"},
			Tags:       []Tag{{"k2", "v"}, {"k1", ""}},
			Checksum:   &checksumRecord{Alg: checksum.CRC32, Type: checksum.Composite, Value: []byte{0, 1, 2, 255}},
			PartsCount: MaxParts, Owner: "owner", Blob: "blob-id",
		},
		{VersionID: "v", Seq: []byte("0123456789abcdef"), DeleteMarker: true, Modified: testEpoch, Owner: "o"},
		{DataID: "d", Modified: testEpoch, LockMode: LockCompliance, RetainUntil: testEpoch.Add(time.Hour), LegalHold: true},
		{DataID: "d", Modified: testEpoch, StorageClass: StorageGlacierIR},
		{DataID: "d", Modified: testEpoch, StorageClass: "A_CLASS_ADDED_LATER"},
		{DataID: "d", Modified: testEpoch, Inline: true, SSE: &sseRecord{Alg: sseAlgS3, Key: []byte{1, 2, 3}}},
		{DataID: "d", Modified: testEpoch, PartsCount: 2, SSE: &sseRecord{Alg: sseAlgS3, Key: []byte{}}},
		{DataID: "d", Modified: testEpoch, SSE: &sseRecord{Alg: "KMS", Key: []byte("wrapped"), KeyID: "key-id"}},
		{DataID: "d", Modified: testEpoch, StorageClass: StorageGlacier, Restore: &restoreRecord{Ready: testEpoch, Expiry: testEpoch.Add(48 * time.Hour)}},
		{DataID: "d", Modified: testEpoch, StorageClass: StorageDeepArchive, Blob: "DEEP_ARCHIVE:0123",
			SSE: &sseRecord{Alg: sseAlgS3, Key: []byte{9}}, Restore: &restoreRecord{Ready: testEpoch.Add(time.Hour), Expiry: testEpoch.Add(49 * time.Hour)}},
	}
	for i, want := range tests {
		if want.Modified.IsZero() {
			want.Modified = time.Unix(0, 0).UTC()
		}
		var got objectRecord
		if err := decodeObject(encodeObject(&want), &got); err != nil {
			t.Fatalf("case %d: decodeObject: %v", i, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("case %d: round trip (-want +got):\n%s", i, diff)
		}
	}
}

// TestObjectCodec_fixture decodes bytes written by each version of the
// encoder and checks that the current one still writes its fixture, so that
// a change to the format cannot go unnoticed.
func TestObjectCodec_fixture(t *testing.T) {
	rec := objectRecord{DataID: "d1", Size: 5, ETag: "e", Modified: time.Unix(1, 2).UTC(),
		Headers: Headers{ContentType: "t"}, UserMeta: map[string]string{"m": "v"}, Tags: []Tag{{"k", "v"}},
		Checksum: &checksumRecord{Alg: checksum.CRC32, Type: checksum.FullObject, Value: []byte{1, 2, 3, 4}},
		Owner:    "o", Blob: "b"}
	// Written by objectFormatV1, before versioning.
	const fixtureV1 = "\x01\x02\x00\x02d1\x0a\x01e\x84\xa8\xd6\xb9\x07\x01t\x00\x00\x00\x00\x00\x01\x01m\x01v\x01\x01k\x01v\x05CRC32\x0bFULL_OBJECT\x04\x01\x02\x03\x04\x00\x01o\x01b"
	recV2 := rec
	recV2.Seq, recV2.LockMode, recV2.RetainUntil, recV2.LegalHold = []byte("0123456789abcdef"), LockGovernance, time.Unix(3, 0).UTC(), true
	const fixtureV2 = "\x02\x0a\x00\x02d1\x0a\x01e\x84\xa8\xd6\xb9\x07\x01t\x00\x00\x00\x00\x00\x01\x01m\x01v\x01\x01k\x01v\x05CRC32\x0bFULL_OBJECT\x04\x01\x02\x03\x04\x00\x01o\x01b\x100123456789abcdef\x0aGOVERNANCE\x80\xf8\x82\xad\x16"
	recV3 := recV2
	recV3.StorageClass = StorageStandardIA
	const fixtureV3 = "\x03\x0a\x00\x02d1\x0a\x01e\x84\xa8\xd6\xb9\x07\x01t\x00\x00\x00\x00\x00\x01\x01m\x01v\x01\x01k\x01v\x05CRC32\x0bFULL_OBJECT\x04\x01\x02\x03\x04\x00\x01o\x01b\x100123456789abcdef\x0aGOVERNANCE\x80\xf8\x82\xad\x16\x0bSTANDARD_IA"
	if got := string(encodeObject(&recV3)); got != fixtureV3 {
		t.Errorf("encodeObject = %q, want %q", got, fixtureV3)
	}
	// objectFormatV5: a GLACIER version in a tier, restored.
	recV5 := recV3
	recV5.StorageClass, recV5.Blob = StorageGlacier, "GLACIER:b"
	recV5.Restore = &restoreRecord{Ready: time.Unix(4, 0).UTC(), Expiry: time.Unix(86400, 0).UTC()}
	const fixtureV5 = "\x05\x0a\x00\x02d1\x0a\x01e\x84\xa8\xd6\xb9\x07\x01t\x00\x00\x00\x00\x00\x01\x01m\x01v\x01\x01k\x01v\x05CRC32\x0bFULL_OBJECT\x04\x01\x02\x03\x04\x00\x01o\x09GLACIER:b\x100123456789abcdef\x0aGOVERNANCE\x80\xf8\x82\xad\x16\x07GLACIER\x00\x00\x00\x80\xa0\xd9\xe6\x1d\x80\x80\xf8\x94\x92\xa5'"
	if got := string(encodeObject(&recV5)); got != fixtureV5 {
		t.Errorf("encodeObject(restored) = %q, want %q", got, fixtureV5)
	}
	for _, tt := range []struct {
		fixture string
		want    objectRecord
	}{{fixtureV1, rec}, {fixtureV2, recV2}, {fixtureV3, recV3}, {fixtureV5, recV5}} {
		var got objectRecord
		if err := decodeObject([]byte(tt.fixture), &got); err != nil {
			t.Fatalf("decodeObject(%q): %v", tt.fixture, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("decodeObject(%q) (-want +got):\n%s", tt.fixture, diff)
		}
	}
}

func TestObjectCodec_corrupt(t *testing.T) {
	good := encodeObject(&objectRecord{DataID: "d", ETag: "e", Tags: []Tag{{"k", "v"}}, Owner: "o"})
	for i := 0; i < len(good); i++ {
		var r objectRecord
		if err := decodeObject(good[:i], &r); err == nil {
			t.Errorf("decodeObject(truncated to %d bytes) succeeded", i)
		}
	}
	var r objectRecord
	if err := decodeObject(append(good, 0), &r); err == nil {
		t.Errorf("decodeObject(trailing byte) succeeded")
	}
	if err := decodeObject([]byte{6}, &r); err == nil {
		t.Errorf("decodeObject(unknown version) succeeded")
	}
	// A V4 record must name its encryption algorithm.
	v4 := encodeObject(&objectRecord{DataID: "d", SSE: &sseRecord{Alg: "", Key: []byte("k")}})
	if err := decodeObject(v4, &r); err == nil {
		t.Errorf("decodeObject(V4 without algorithm) succeeded")
	}
}

func FuzzDecodeObject(f *testing.F) {
	f.Add(encodeObject(&objectRecord{DataID: "d", ETag: "e", UserMeta: map[string]string{"a": "b"}}))
	f.Add(encodeObject(&objectRecord{DataID: "d", ETag: "e", StorageClass: StorageDeepArchive}))
	f.Add(encodeObject(&objectRecord{DataID: "d", ETag: "e", SSE: &sseRecord{Alg: sseAlgS3, Key: []byte("wrapped")}}))
	f.Add(encodeObject(&objectRecord{DataID: "d", StorageClass: StorageGlacier, Restore: &restoreRecord{Ready: testEpoch, Expiry: testEpoch}}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r objectRecord
		if decodeObject(b, &r) != nil {
			return
		}
		var again objectRecord
		if err := decodeObject(encodeObject(&r), &again); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

// TestObjectCodec_storageClassAllocs checks that a known storage class
// costs the decoder no allocation: records are decoded for every listed
// key.
func TestObjectCodec_storageClassAllocs(t *testing.T) {
	base := encodeObject(&objectRecord{DataID: "d", ETag: "e", Owner: "o"})
	withClass := encodeObject(&objectRecord{DataID: "d", ETag: "e", Owner: "o", StorageClass: StorageIntelligentTiering})
	var r objectRecord
	allocs := func(b []byte) float64 {
		return testing.AllocsPerRun(100, func() {
			if err := decodeObject(b, &r); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(base), allocs(withClass); b != a {
		t.Errorf("decodeObject allocations: %v with a storage class, %v without", b, a)
	}
	if r.StorageClass != StorageIntelligentTiering {
		t.Errorf("StorageClass = %q, want %q", r.StorageClass, StorageIntelligentTiering)
	}
}
