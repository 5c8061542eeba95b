package s3api

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHeaderSet checks that headerSet.set leaves a header as
// http.Header.Set would for canonical names, and that its shared backing
// array cannot leak one header's value into another.
func TestHeaderSet(t *testing.T) {
	tests := []struct {
		name string
		sets [][2]string
		add  [2]string // an http.Header.Add after the sets, if name is set
	}{
		{name: "one", sets: [][2]string{{"Etag", `"abc"`}}},
		{name: "replace", sets: [][2]string{{"Content-Type", "a"}, {"Content-Type", "b"}}},
		{name: "grows past its capacity", sets: [][2]string{{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}}},
		{name: "add after set", sets: [][2]string{{"A", "1"}, {"B", "2"}}, add: [2]string{"A", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := http.Header{}, http.Header{}
			hs := newHeaderSet(got, 2)
			for _, kv := range tt.sets {
				hs.set(kv[0], kv[1])
				want.Set(kv[0], kv[1])
			}
			if tt.add[0] != "" {
				got.Add(tt.add[0], tt.add[1])
				want.Add(tt.add[0], tt.add[1])
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("headers (-http.Header.Set +headerSet.set):\n%s", diff)
			}
		})
	}
}
