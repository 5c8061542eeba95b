package config

import "testing"

var rateTests = []struct {
	in   string
	want int64
	ok   bool
}{
	{"0", 0, true},
	{"1048576", 1 << 20, true},
	{"4MiB", 4 << 20, true},
	{"4mib/s", 4 << 20, true},
	{"512KiB", 512 << 10, true},
	{"512K", 512 << 10, true},
	{"2MB", 2e6, true},
	{"1GiB", 1 << 30, true},
	{"100B", 100, true},
	{" 3 MiB ", 3 << 20, true},
	{"", 0, false},
	{"-1", 0, false},
	{"MiB", 0, false},
	{"1.5MiB", 0, false},
	{"4XB", 0, false},
	{"9223372036854775807GiB", 0, false},
}

func TestParseRate(t *testing.T) {
	for _, tt := range rateTests {
		got, err := ParseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzParseRate: no panic, never negative, and what formatRate writes
// reads back the same.
func FuzzParseRate(f *testing.F) {
	for _, tt := range rateTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseRate(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseRate(%q) = %d < 0", s, n)
		}
		back, err := ParseRate(formatRate(n))
		if err != nil || back != n {
			t.Fatalf("ParseRate(formatRate(%d) = %q) = %d, %v", n, formatRate(n), back, err)
		}
	})
}
