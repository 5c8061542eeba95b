package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// rateUnits are the suffixes ParseRate accepts, longest first so that
// "KiB" is not read as "B". The binary ones are what operators mean by
// a disk's speed in MiB/s; the decimal ones are accepted too.
var rateUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30},
	{"B", 1},
}

// ParseRate parses a byte rate per second: a non-negative integer with an
// optional unit (B, K/KiB, M/MiB, G/GiB as powers of 1024; KB, MB, GB as
// powers of 1000), an optional "/s", and any letter case ("4MiB",
// "512kib/s", "1048576").
func ParseRate(s string) (int64, error) {
	v := strings.TrimSpace(s)
	v = strings.TrimSuffix(strings.TrimSuffix(v, "/s"), "/S")
	mult := int64(1)
	for _, u := range rateUnits {
		if len(v) > len(u.suffix) && strings.EqualFold(v[len(v)-len(u.suffix):], u.suffix) {
			// "KB" must not match "KiB"'s tail: the rest must be digits.
			if _, err := strconv.ParseUint(strings.TrimSpace(v[:len(v)-len(u.suffix)]), 10, 63); err == nil {
				v, mult = strings.TrimSpace(v[:len(v)-len(u.suffix)]), u.mult
				break
			}
		}
	}
	n, err := strconv.ParseUint(v, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("rate %q: want bytes per second such as 4MiB, 512KiB or 1048576", s)
	}
	if n > uint64(math.MaxInt64/mult) {
		return 0, fmt.Errorf("rate %q is too large", s)
	}
	return int64(n) * mult, nil
}

// rateFlag is a flag.Value of a byte rate (ParseRate).
type rateFlag struct{ dst *int64 }

func (r rateFlag) String() string {
	if r.dst == nil {
		return ""
	}
	return formatRate(*r.dst)
}

func (r rateFlag) Set(v string) (err error) {
	*r.dst, err = ParseRate(v)
	return err
}

// formatRate writes a rate the way ParseRate reads it back.
func formatRate(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// ParseSize parses a size in bytes, with the units of ParseRate
// ("512MiB", "1G", "1048576").
func ParseSize(s string) (int64, error) {
	if strings.HasSuffix(strings.TrimSpace(s), "/s") {
		return 0, fmt.Errorf("size %q: want bytes such as 512MiB or 1073741824", s)
	}
	n, err := ParseRate(s)
	if err != nil {
		return 0, fmt.Errorf("size %q: want bytes such as 512MiB or 1073741824", s)
	}
	return n, nil
}

// sizeFlag is a flag.Value of a size in bytes (ParseSize).
type sizeFlag struct{ dst *int64 }

func (f sizeFlag) String() string {
	if f.dst == nil {
		return ""
	}
	return formatRate(*f.dst)
}

func (f sizeFlag) Set(v string) (err error) {
	*f.dst, err = ParseSize(v)
	return err
}
