package fs

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob"
)

// TestReadsFormatV1Fixture opens a store directory written in format v1
// (testdata/v1, checked in and never regenerated): every later version of
// this package must still read it.
func TestReadsFormatV1Fixture(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/v1")); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, Options{})
	const id blob.ID = "0123456789abcdef0123456789abcdef"
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("Open(fixture): %v", err)
	}
	defer r.Close()
	got := make([]byte, r.Size())
	if _, err := r.ReadAt(got, 0); err != nil {
		t.Fatalf("ReadAt: %v", err)
	}
	if want := "hello from format v1\n"; string(got) != want {
		t.Errorf("fixture payload = %q, want %q", got, want)
	}
}

// TestHeaderEncodingIsStable pins the bytes of a new v1 header; changing
// them breaks every blob already on disk.
func TestHeaderEncodingIsStable(t *testing.T) {
	h := encodeHeader(0)
	want := []byte("\x89CFBLOB\n\x00\x01\x00\x00\x00\x00\x00\x00")
	if !bytes.Equal(h[:], want) {
		t.Errorf("encodeHeader(0) = %q, want %q", h, want)
	}
}

// FuzzDecodeHeader checks that header decoding never panics and accepts
// only what encodeHeader produces.
func FuzzDecodeHeader(f *testing.F) {
	valid := encodeHeader(0)
	f.Add(valid[:])
	f.Add([]byte{})
	f.Add(valid[:15])
	f.Add(append(valid[:], "payload"...))
	f.Fuzz(func(t *testing.T, h []byte) {
		flags, err := decodeHeader(h)
		if err != nil {
			return
		}
		enc := encodeHeader(flags)
		if !bytes.Equal(enc[:], h[:headerSize]) {
			t.Errorf("decodeHeader accepted %q, which encodes back as %q", h[:headerSize], enc)
		}
	})
}

// TestFlagsRoundTrip checks that the encrypted flag is written into the
// header (pinned bytes) and reported by the reader, that a plain Create
// has no flags, and that an unknown flag is refused.
func TestFlagsRoundTrip(t *testing.T) {
	h := encodeHeader(uint16(blob.FlagEncrypted))
	if want := []byte("\x89CFBLOB\n\x00\x01\x00\x01\x00\x00\x00\x00"); !bytes.Equal(h[:], want) {
		t.Errorf("encodeHeader(encrypted) = %q, want %q", h, want)
	}
	s := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	for _, flags := range []blob.Flags{0, blob.FlagEncrypted} {
		w, err := s.CreateFlagged(ctx, flags)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("payload")); err != nil {
			t.Fatal(err)
		}
		id, err := w.Commit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Open(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.(blob.FlagReader).Flags(); got != flags {
			t.Errorf("Flags() = %v, want %v", got, flags)
		}
		r.Close()
	}
	if _, err := s.CreateFlagged(ctx, 1<<7); err == nil {
		t.Error("CreateFlagged(unknown flag) succeeded")
	}
}
