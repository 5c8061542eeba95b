package bench

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// smallBlock keeps the wrap-around cases short.
var smallBlock = []byte("0123456789abcdef")

func TestPatternReader(t *testing.T) {
	tests := []struct {
		name        string
		start, size int64
		want        string
	}{
		{name: "empty", start: 3, size: 0, want: ""},
		{name: "inside", start: 2, size: 5, want: "23456"},
		{name: "wraps", start: 14, size: 6, want: "ef0123"},
		{name: "wraps twice", start: 15, size: 34, want: "f0123456789abcdef0123456789abcdef0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &patternReader{block: smallBlock, start: tt.start, size: tt.size}
			if err := iotest.TestReader(r, []byte(tt.want)); err != nil {
				t.Fatalf("TestReader: %v", err)
			}
			var buf bytes.Buffer
			if _, err := r.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			if n, err := r.WriteTo(&buf); err != nil || n != tt.size || buf.String() != tt.want {
				t.Errorf("WriteTo = %d, %v, %q; want %d, %q", n, err, buf.String(), tt.size, tt.want)
			}
			if _, err := r.Seek(-1, io.SeekStart); err == nil {
				t.Errorf("Seek(-1, SeekStart) succeeded")
			}
		})
	}
}

func TestVerifyBody(t *testing.T) {
	good := "ef0123456789abcdef012"
	tests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{name: "match", body: good},
		{name: "short", body: good[:10], wantErr: true},
		{name: "long", body: good + "3", wantErr: true},
		{name: "flipped byte", body: good[:17] + "X" + good[18:], wantErr: true},
		{name: "empty", body: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A tiny scratch buffer and one-byte reads exercise the chunking.
			for _, r := range []io.Reader{bytes.NewReader([]byte(tt.body)), iotest.OneByteReader(bytes.NewReader([]byte(tt.body)))} {
				n, err := verifyBody(r, smallBlock, 14, int64(len(good)), make([]byte, 3))
				if tt.wantErr != errors.Is(err, errVerify) {
					t.Fatalf("verifyBody(%q) = %d, %v; want error %v", tt.body, n, err, tt.wantErr)
				}
				if n != int64(len(tt.body)) {
					t.Errorf("verifyBody(%q) read %d bytes, want %d", tt.body, n, len(tt.body))
				}
			}
		})
	}
}

func TestVerifyBodyReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := verifyBody(iotest.ErrReader(boom), smallBlock, 0, 4, make([]byte, 8))
	if !errors.Is(err, boom) || errors.Is(err, errVerify) {
		t.Errorf("verifyBody on a failing reader = %v, want the read error", err)
	}
}

func TestContentStartIsStable(t *testing.T) {
	a, b := contentStart("bench-00000001/o0000000007"), contentStart("bench-00000001/o0000000007")
	if a != b || a < 0 || a >= blockSize {
		t.Errorf("contentStart = %d then %d, want the same value in [0, %d)", a, b, blockSize)
	}
	if block := newBlock(); !bytes.Equal(block, newBlock()) {
		t.Errorf("newBlock differs between calls")
	}
}
