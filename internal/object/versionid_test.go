package object

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// missingVersion is a well-formed version id that no version has.
var missingVersion = strings.Repeat("-", versionIDLen)

func TestNewSeq_order(t *testing.T) {
	var prev []byte
	now := testEpoch
	for i := 0; i < 100; i++ {
		// A clock that stands still, steps forward and steps back.
		switch i % 3 {
		case 1:
			now = now.Add(time.Nanosecond)
		case 2:
			now = now.Add(-time.Second)
		}
		seq := newSeq(now, prev)
		if len(seq) != seqLen {
			t.Fatalf("newSeq: %d bytes, want %d", len(seq), seqLen)
		}
		if prev != nil && bytes.Compare(seq, prev) >= 0 {
			t.Fatalf("newSeq(%v) = %x, not before the previous %x", now, seq, prev)
		}
		id := encodeVersionID(seq)
		if prev != nil && id >= encodeVersionID(prev) {
			t.Fatalf("version id %q does not sort before %q", id, encodeVersionID(prev))
		}
		back, err := parseVersionID(id)
		if err != nil || !bytes.Equal(back, seq) {
			t.Fatalf("parseVersionID(%q) = %x, %v, want %x", id, back, err, seq)
		}
		prev = seq
	}
}

func TestParseVersionID(t *testing.T) {
	good := encodeVersionID(newSeq(testEpoch, nil))
	tests := []struct {
		id string
		ok bool
	}{
		{good, true},
		{missingVersion, true},
		{"", false},
		{"null", false}, // handled by callers, never parsed
		{good[:len(good)-1], false},
		{good + "A", false},
		{strings.Repeat("+", versionIDLen), false},
		{strings.Repeat("/", versionIDLen), false},
		{strings.Repeat("-", versionIDLen-1) + "0", false}, // non-zero padding bits
		{"3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", false},       // an AWS-style id
	}
	for _, tt := range tests {
		_, err := parseVersionID(tt.id)
		if (err == nil) != tt.ok {
			t.Errorf("parseVersionID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidVersionID) {
			t.Errorf("parseVersionID(%q) = %v, want ErrInvalidVersionID", tt.id, err)
		}
	}
	for _, c := range good {
		if !strings.ContainsRune(versionAlphabet, c) {
			t.Errorf("version id %q has %q, not URL-safe", good, c)
		}
	}
}
