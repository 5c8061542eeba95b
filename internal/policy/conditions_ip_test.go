package policy

import "testing"

func TestEvalCondition_IPAddress(t *testing.T) {
	// The documented mix: "aws:SourceIp": ["203.0.113.0/24",
	// "2001:DB8:1234:5678::/64"].
	org := []string{"203.0.113.0/24", "2001:DB8:1234:5678::/64"}
	runCondTests(t, []condTest{
		// "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}: "the request
		// must come from the IP range 203.0.113.0 to 203.0.113.255".
		{"range start", "IpAddress", []string{"203.0.113.0/24"}, keyed("203.0.113.0"), true},
		{"range end", "IpAddress", []string{"203.0.113.0/24"}, keyed("203.0.113.255"), true},
		{"outside", "IpAddress", []string{"203.0.113.0/24"}, keyed("203.0.114.0"), false},
		{"missing (VPC endpoint)", "IpAddress", []string{"203.0.113.0/24"}, noKey, false},
		// "If you specify an IP address without the associated routing
		// prefix, IAM uses the default prefix value of /32."
		{"single address", "IpAddress", []string{"203.0.113.7"}, keyed("203.0.113.7"), true},
		{"single address only", "IpAddress", []string{"203.0.113.7"}, keyed("203.0.113.8"), false},
		{"host bits ignored", "IpAddress", []string{"203.0.113.7/24"}, keyed("203.0.113.200"), true},
		{"everything v4", "IpAddress", []string{"0.0.0.0/0"}, keyed("198.51.100.1"), true},
		{"mixed v4", "IpAddress", org, keyed("203.0.113.9"), true},
		{"mixed v6", "IpAddress", org, keyed("2001:db8:1234:5678::abcd"), true},
		{"mixed v6 outside", "IpAddress", org, keyed("2001:db8:1234:5679::1"), false},
		{"v6 uppercase request", "IpAddress", org, keyed("2001:DB8:1234:5678:0:0:0:1"), true},
		{"single v6 is /128", "IpAddress", []string{"2001:db8::1"}, keyed("2001:db8::1"), true},
		{"single v6 only", "IpAddress", []string{"2001:db8::1"}, keyed("2001:db8::2"), false},
		{"v6 zone ignored", "IpAddress", []string{"fe80::/10"}, keyed("fe80::1%eth0"), true},
		// IPv4 is never inside an IPv6 range, nor IPv6 inside IPv4.
		{"v4 vs v6 everything", "IpAddress", []string{"::/0"}, keyed("203.0.113.9"), false},
		{"v6 vs v4 everything", "IpAddress", []string{"0.0.0.0/0"}, keyed("2001:db8::1"), false},
		// IPv4-mapped IPv6 is the IPv4 address, on either side.
		{"mapped request", "IpAddress", []string{"203.0.113.0/24"}, keyed("::ffff:203.0.113.9"), true},
		{"mapped request outside", "IpAddress", []string{"203.0.113.0/24"}, keyed("::ffff:198.51.100.1"), false},
		{"mapped policy range", "IpAddress", []string{"::ffff:203.0.113.0/120"}, keyed("203.0.113.9"), true},
		{"mapped policy address", "IpAddress", []string{"::ffff:203.0.113.9"}, keyed("203.0.113.9"), true},
		// A request value that is not an address matches nothing.
		{"request not an address", "IpAddress", []string{"0.0.0.0/0"}, keyed("localhost"), false},
		{"request with port", "IpAddress", []string{"0.0.0.0/0"}, keyed("203.0.113.9:443"), false},
		{"request CIDR", "IpAddress", []string{"0.0.0.0/0"}, keyed("203.0.113.0/24"), false},
		{"request empty", "IpAddress", []string{"0.0.0.0/0"}, keyed(""), false},
		// NotIpAddress: "All IP addresses except the specified IP address
		// or range".
		{"Not outside", "NotIpAddress", []string{"203.0.113.0/24"}, keyed("198.51.100.1"), true},
		{"Not inside", "NotIpAddress", []string{"203.0.113.0/24"}, keyed("203.0.113.1"), false},
		{"Not missing", "NotIpAddress", []string{"203.0.113.0/24"}, noKey, true},
		{"Not v6 inside", "NotIpAddress", org, keyed("2001:db8:1234:5678::1"), false},
		{"Not v4 vs v6 range", "NotIpAddress", []string{"2001:db8::/32"}, keyed("203.0.113.1"), true},
	})
	runBadValueTests(t, []badValueTest{
		{"IpAddress", []string{"203.0.113.0/33"}},
		{"IpAddress", []string{"203.0.113"}},
		{"IpAddress", []string{"203.0.113.0/24", "nope"}},
		{"IpAddress", []string{"010.0.0.1"}},
		{"IpAddress", []string{"2001:db8::/129"}},
		{"IpAddress", []string{"fe80::1%eth0"}},
		{"IpAddress", []string{"203.0.113.*"}},
		{"NotIpAddress", []string{""}},
	})
}
