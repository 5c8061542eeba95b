package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModel(t *testing.T) {
	a := state{present: true, size: 1, sum: [32]byte{1}}
	b := state{present: true, size: 2, sum: [32]byte{2}}
	tests := []struct {
		name string
		ops  func(m *model)
		want []state
	}{
		{"untouched", func(m *model) {}, []state{absent}},
		{"acknowledged put", func(m *model) { m.acknowledged("k", a) }, []state{a}},
		{"uncertain first put", func(m *model) { m.uncertain("k", a) }, []state{absent, a}},
		{"uncertain put after put", func(m *model) { m.acknowledged("k", a); m.uncertain("k", b) }, []state{a, b}},
		{"uncertain same content", func(m *model) { m.acknowledged("k", a); m.uncertain("k", a) }, []state{a}},
		{"uncertain delete", func(m *model) { m.acknowledged("k", a); m.uncertain("k", absent) }, []state{a, absent}},
		{"acknowledged after uncertain", func(m *model) { m.uncertain("k", a); m.acknowledged("k", b) }, []state{b}},
		{"acknowledged delete", func(m *model) { m.acknowledged("k", a); m.acknowledged("k", absent) }, []state{absent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel()
			tt.ops(m)
			if diff := cmp.Diff(tt.want, m.current("k"), cmp.AllowUnexported(state{})); diff != "" {
				t.Errorf("current(k) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPayloadReadAtMatchesStream(t *testing.T) {
	p := payload{seed: 42, size: 100_003}
	all, err := io.ReadAll(p.reader())
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(all)) != p.size {
		t.Fatalf("read %d bytes, want %d", len(all), p.size)
	}
	src := &seededReaderAt{seed: p.seed}
	for _, off := range []int64{0, 1, 7, 8, 9, 4095, 65_536, 99_990} {
		buf := make([]byte, 13)
		n := min(int64(len(buf)), p.size-off)
		if _, err := src.ReadAt(buf[:n], off); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf[:n], all[off:off+n]) {
			t.Errorf("ReadAt(off=%d) = %x, want %x", off, buf[:n], all[off:off+n])
		}
	}
	if other := (payload{seed: 43, size: p.size}); other.digest() == p.digest() {
		t.Error("different seeds gave the same digest")
	}
}
