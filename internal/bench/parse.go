package bench

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrBadSize is wrapped by ParseSize errors.
var ErrBadSize = errors.New("bench: bad size")

// ErrBadMix is wrapped by ParseMix errors.
var ErrBadMix = errors.New("bench: bad mix")

// sizeUnits maps a lower-cased unit suffix to its multiplier. KB, MB and GB
// are decimal, KiB, MiB and GiB binary, as their names say.
var sizeUnits = map[string]int64{
	"":    1,
	"b":   1,
	"kb":  1000,
	"mb":  1000 * 1000,
	"gb":  1000 * 1000 * 1000,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
}

// ParseSize parses a byte count such as "4096", "4KiB", "1.5 MiB" or "10MB".
// Units are case-insensitive; the result must be a whole number of bytes.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := sizeUnits[unit]
	if !ok || num == "" {
		return 0, fmt.Errorf("%w: %q (want a number with an optional unit B, KB, MB, GB, KiB, MiB or GiB)", ErrBadSize, s)
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n > math.MaxInt64/mult {
			return 0, fmt.Errorf("%w: %q is too large", ErrBadSize, s)
		}
		return n * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrBadSize, s)
	}
	v := f * float64(mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("%w: %q is too large", ErrBadSize, s)
	}
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("%w: %q is not a whole number of bytes", ErrBadSize, s)
	}
	return int64(v), nil
}

// FormatSize renders n bytes with the largest binary unit that keeps it at or
// above 1, for reports ("4 KiB", "1.5 MiB", "512 B").
func FormatSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v := float64(n)
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f %s", v, units[u])
	}
	return fmt.Sprintf("%.1f %s", v, units[u])
}

// MixEntry is one operation of the mixed workload and its relative weight.
type MixEntry struct {
	Op     string
	Weight int
}

// DefaultMix is the mixed workload used when no mix is given:
// put=20,get=70,delete=10.
func DefaultMix() []MixEntry {
	return []MixEntry{{WorkloadPut, 20}, {WorkloadGet, 70}, {WorkloadDelete, 10}}
}

// ParseMix parses weights such as "put=20,get=70,delete=10". Operations are
// put, get, head, delete, list and multipart, each at most once; weights are
// non-negative integers and at least one must be positive.
func ParseMix(s string) ([]MixEntry, error) {
	var mix []MixEntry
	seen := map[string]bool{}
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, weight, ok := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("%w: %q is not op=weight", ErrBadMix, part)
		}
		if _, known := opByName(name); !known {
			return nil, fmt.Errorf("%w: unknown operation %q", ErrBadMix, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: %q given twice", ErrBadMix, name)
		}
		seen[name] = true
		w, err := strconv.Atoi(strings.TrimSpace(weight))
		if err != nil || w < 0 {
			return nil, fmt.Errorf("%w: weight %q of %s is not a non-negative integer", ErrBadMix, weight, name)
		}
		total += w
		if total > 1<<20 {
			return nil, fmt.Errorf("%w: weights add up to more than %d", ErrBadMix, 1<<20)
		}
		mix = append(mix, MixEntry{Op: name, Weight: w})
	}
	if total == 0 {
		return nil, fmt.Errorf("%w: %q has no positive weight", ErrBadMix, s)
	}
	return mix, nil
}

// FormatMix renders a mix the way ParseMix reads it.
func FormatMix(mix []MixEntry) string {
	parts := make([]string, len(mix))
	for i, m := range mix {
		parts[i] = m.Op + "=" + strconv.Itoa(m.Weight)
	}
	return strings.Join(parts, ",")
}
