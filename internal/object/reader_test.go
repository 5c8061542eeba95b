package object

import (
	"bytes"
	"io"
	"testing"

	"github.com/coffer-s3/coffer/internal/blob"
)

// sliceBlob is a blob.Reader over bytes.
type sliceBlob struct{ *bytes.Reader }

func (sliceBlob) Close() error { return nil }

// readOnly hides a reader's WriteTo, so io.Copy goes through Read.
type readOnly struct{ io.Reader }

// TestObjectReader_WriteTo checks that WriteTo, the path io.Copy takes,
// yields the same bytes as Read for every mix of inline and blob pieces
// and any window into them.
func TestObjectReader_WriteTo(t *testing.T) {
	data := make([]byte, 100<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	blobs := map[blob.ID][]byte{"b1": data[10 : 50<<10], "b2": data[50<<10:]}
	pieces := []piece{
		{inline: data[:10], size: 10},
		{blob: "b1", offset: 10, size: 50<<10 - 10},
		{blob: "b2", offset: 50 << 10, size: int64(len(data)) - 50<<10},
	}
	tests := []struct {
		name          string
		pieces        []piece
		start, length int64
	}{
		{"inline whole", pieces[:1], 0, 10},
		{"inline middle", pieces[:1], 3, 4},
		{"empty", pieces[:1], 0, 0},
		{"all", pieces, 0, int64(len(data))},
		{"across pieces", pieces, 5, 60 << 10},
		{"last bytes", pieces, int64(len(data)) - 3, 3},
	}
	open := func(id blob.ID) (blob.Reader, error) {
		return sliceBlob{bytes.NewReader(blobs[id])}, nil
	}
	newReader := func(tc []piece, start, length int64) *objectReader {
		r := &objectReader{pos: start, end: start + length, open: open}
		for _, p := range tc {
			op := openPiece{piece: p}
			if p.blob == "" {
				op.r = bytes.NewReader(p.inline)
			}
			r.pieces = append(r.pieces, op)
		}
		return r
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := data[tt.start : tt.start+tt.length]
			var viaRead, viaWriteTo bytes.Buffer
			if _, err := io.Copy(&viaRead, readOnly{newReader(tt.pieces, tt.start, tt.length)}); err != nil {
				t.Fatalf("Read: %v", err)
			}
			n, err := newReader(tt.pieces, tt.start, tt.length).WriteTo(&viaWriteTo)
			if err != nil {
				t.Fatalf("WriteTo: %v", err)
			}
			if n != tt.length {
				t.Errorf("WriteTo = %d bytes, want %d", n, tt.length)
			}
			if !bytes.Equal(viaRead.Bytes(), want) {
				t.Errorf("Read gave %d bytes, not the %d wanted", viaRead.Len(), len(want))
			}
			if !bytes.Equal(viaWriteTo.Bytes(), want) {
				t.Errorf("WriteTo gave %d bytes, not the %d wanted", viaWriteTo.Len(), len(want))
			}
		})
	}
}
