package bench

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "4096", want: 4096},
		{in: "17B", want: 17},
		{in: "4KiB", want: 4096},
		{in: "4kib", want: 4096},
		{in: "4 KiB", want: 4096},
		{in: "4KB", want: 4000},
		{in: "5MiB", want: 5 << 20},
		{in: "10MB", want: 10_000_000},
		{in: "1GiB", want: 1 << 30},
		{in: "2GB", want: 2_000_000_000},
		{in: "1.5MiB", want: 3 << 19},
		{in: " 64MiB ", want: 64 << 20},
		{in: "", wantErr: true},
		{in: "KiB", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "4XB", wantErr: true},
		{in: "4 K", wantErr: true},
		{in: "0.5B", wantErr: true},
		{in: "1.2.3KiB", wantErr: true},
		{in: "9999999999999GiB", wantErr: true},
		{in: "99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrBadSize) {
					t.Fatalf("ParseSize(%q) = %d, %v, want an ErrBadSize", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSize(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{512, "512 B"},
		{4096, "4 KiB"},
		{3 << 19, "1.5 MiB"},
		{64 << 20, "64 MiB"},
		{1 << 30, "1 GiB"},
	}
	for _, tt := range tests {
		if got := FormatSize(tt.in); got != tt.want {
			t.Errorf("FormatSize(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseMix(t *testing.T) {
	tests := []struct {
		in      string
		want    []MixEntry
		wantErr bool
	}{
		{in: "put=20,get=70,delete=10", want: []MixEntry{{"put", 20}, {"get", 70}, {"delete", 10}}},
		{in: " GET = 1 , head=0 ", want: []MixEntry{{"get", 1}, {"head", 0}}},
		{in: "list=3,multipart=1,", want: []MixEntry{{"list", 3}, {"multipart", 1}}},
		{in: "", wantErr: true},
		{in: "put=0", wantErr: true},
		{in: "put", wantErr: true},
		{in: "put=-1", wantErr: true},
		{in: "put=x", wantErr: true},
		{in: "copy=1", wantErr: true},
		{in: "mixed=1", wantErr: true},
		{in: "put=1,put=2", wantErr: true},
		{in: "put=1048576,get=1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMix(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrBadMix) {
					t.Fatalf("ParseMix(%q) = %v, %v, want an ErrBadMix", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMix(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMix(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if back, err := ParseMix(FormatMix(got)); err != nil || !cmp.Equal(back, got) {
				t.Errorf("ParseMix(FormatMix(%v)) = %v, %v", got, back, err)
			}
		})
	}
}

func TestParseProcStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		rss     int64
		hwm     int64
		wantErr bool
	}{
		{name: "normal", in: "Name:\tcoffer\nVmPeak:\t  900 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads:\t7\n", rss: 1024, hwm: 2048},
		{name: "kernel thread", in: "Name:\tkthreadd\nThreads:\t1\n", wantErr: true},
		{name: "bad unit", in: "VmHWM:\t2 MB\nVmRSS:\t1 kB\n", wantErr: true},
		{name: "bad number", in: "VmHWM:\tx kB\nVmRSS:\t1 kB\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rss, hwm, err := parseProcStatus([]byte(tt.in))
			if (err != nil) != tt.wantErr || rss != tt.rss || hwm != tt.hwm {
				t.Errorf("parseProcStatus(%q) = %d, %d, %v, want %d, %d, error %v", tt.in, rss, hwm, err, tt.rss, tt.hwm, tt.wantErr)
			}
		})
	}
}
