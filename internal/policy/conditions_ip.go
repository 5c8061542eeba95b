package policy

import (
	"fmt"
	"net/netip"
	"strings"
)

// IpAddress and NotIpAddress compare a request address (aws:SourceIp) with
// IPv4 or IPv6 ranges in CIDR form (203.0.113.0/24, 2001:DB8:1234:5678::/64).
// "If you specify an IP address without the associated routing prefix, IAM
// uses the default prefix value of /32" — and /128 for an IPv6 address.
// IPv4-mapped IPv6 addresses (::ffff:203.0.113.7) are their IPv4 address,
// on either side, so an IPv4 client behind a dual-stack listener still
// matches an IPv4 range; otherwise IPv4 never falls inside an IPv6 range.
// A policy value that is not an address or range makes the condition
// unevaluable; a request value that is not an address matches nothing.
func compileIPAddress(want []string) (condMatcher, error) {
	prefixes := make([]netip.Prefix, len(want))
	for i, w := range want {
		p, err := parseCondIPRange(w)
		if err != nil {
			return nil, err
		}
		prefixes[i] = p
	}
	return func(v string) bool {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.WithZone("").Unmap()
		for _, p := range prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}, nil
}

// parseCondIPRange reads one policy range: a CIDR, whose host bits are
// ignored (203.0.113.7/24 is 203.0.113.0/24), or a single address.
func parseCondIPRange(s string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, fmt.Errorf("value %q is not an IP address range", s)
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("value %q is not an IP address", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	p = p.Masked()
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p, nil
}
