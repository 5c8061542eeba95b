package object

import (
	"testing"
)

func TestOptionsValidate(t *testing.T) {
	m, b := newMemMeta(), newMemBlob(nil)
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"defaults", Options{Meta: m, Blob: b}, true},
		{"noMeta", Options{Blob: b}, false},
		{"noBlob", Options{Meta: m}, false},
		{"negativeMinPartSize", Options{Meta: m, Blob: b, MinPartSize: -1}, false},
		{"inlineOff", Options{Meta: m, Blob: b, InlineLimit: -1}, true},
		{"inlineTooLarge", Options{Meta: m, Blob: b, InlineLimit: MaxInlineLimit + 1}, false},
	}
	for _, tt := range tests {
		opts := tt.opts
		err := opts.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("Validate(%s) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil {
			if _, nerr := New(tt.opts); nerr == nil {
				t.Errorf("New(%s) succeeded with invalid options", tt.name)
			}
			continue
		}
		if opts.Clock == nil || opts.Logger == nil {
			t.Errorf("Validate(%s) left Clock or Logger nil", tt.name)
		}
		if tt.opts.MinPartSize == 0 && opts.MinPartSize != DefaultMinPartSize {
			t.Errorf("Validate(%s).MinPartSize = %d, want %d", tt.name, opts.MinPartSize, DefaultMinPartSize)
		}
		if tt.opts.InlineLimit == 0 && opts.InlineLimit != DefaultInlineLimit {
			t.Errorf("Validate(%s).InlineLimit = %d, want %d", tt.name, opts.InlineLimit, DefaultInlineLimit)
		}
	}
}
