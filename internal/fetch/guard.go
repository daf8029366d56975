package fetch

import (
	"fmt"
	"net/netip"
	"syscall"
)

// blockedError is CheckAddr's refusal: addr is in a range Herald does not
// connect to, and class names that range for an editor.
type blockedError struct {
	addr  netip.Addr
	class string
}

func (e *blockedError) Error() string {
	return fmt.Sprintf("%s is %s", e.addr, e.class)
}

// addrRange is a block of addresses the guard refuses, with its name.
type addrRange struct {
	prefix netip.Prefix
	class  string
}

// blockedV4 lists the IPv4 ranges that are not the public internet, from
// IANA's special-purpose address registry. The first match names the
// address, so narrower ranges come before wider ones.
var blockedV4 = []addrRange{
	{netip.MustParsePrefix("0.0.0.0/32"), "an unspecified address"},
	{netip.MustParsePrefix("0.0.0.0/8"), `a "this network" address`},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.169.254/32"), "a link-local address (cloud metadata)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("192.88.99.0/24"), "a reserved address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "a broadcast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
}

// blockedV6 lists the IPv6 ranges the guard refuses by name. Everything
// outside 2000::/3, the global unicast space, is refused as well.
var blockedV6 = []addrRange{
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("fc00::/7"), "a private (unique local) address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
	{netip.MustParsePrefix("2001::/32"), "a reserved address (Teredo)"},
	{netip.MustParsePrefix("2001:2::/48"), "a benchmarking address"},
	{netip.MustParsePrefix("2001:10::/28"), "a reserved address"},
	{netip.MustParsePrefix("2001:20::/28"), "a reserved address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("3fff::/20"), "a documentation address"},
}

var (
	globalV6  = netip.MustParsePrefix("2000::/3")
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052: the last 32 bits are an IPv4 address
	sixToFour = netip.MustParsePrefix("2002::/16")    // RFC 3056: bits 16–47 are an IPv4 address
)

// CheckAddr returns an error if Herald must not connect to ip because it is
// not on the public internet: loopback, private (RFC 1918, fc00::/7),
// link-local (including the 169.254.169.254 cloud metadata service),
// carrier-grade NAT, multicast, unspecified, broadcast, documentation,
// benchmarking and other reserved ranges. IPv4 addresses written as IPv6
// (::ffff:a.b.c.d, NAT64 and 6to4 forms) are judged by the IPv4 address they
// carry. The zero Addr is refused.
//
// The client calls it on the address it is about to connect to, after DNS,
// so a redirect or a changing DNS answer cannot reach an internal service.
func CheckAddr(ip netip.Addr) error {
	if class := addrClass(ip); class != "" {
		return &blockedError{addr: ip, class: class}
	}
	return nil
}

// addrClass names the blocked range ip is in, or returns "" if ip is public.
func addrClass(ip netip.Addr) string {
	if !ip.IsValid() {
		return "an invalid address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if ip.Is4() {
		return lookupRange(blockedV4, ip)
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return lookupRange(blockedV4, netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(ip):
		return lookupRange(blockedV4, netip.AddrFrom4([4]byte(b[2:6])))
	}
	if class := lookupRange(blockedV6, ip); class != "" {
		return class
	}
	if !globalV6.Contains(ip) {
		return "a reserved address"
	}
	return ""
}

func lookupRange(ranges []addrRange, ip netip.Addr) string {
	for _, r := range ranges {
		if r.prefix.Contains(ip) {
			return r.class
		}
	}
	return ""
}

// control is the net.Dialer.Control hook that applies check to the address
// a socket is about to connect to, unless it is exactly trusted (the zero
// AddrPort trusts nothing). It runs after name resolution and before
// connect(2), for every address tried, so no packet reaches a refused
// address.
func control(trusted netip.AddrPort, check func(netip.Addr) error) func(network, address string, _ syscall.RawConn) error {
	trusted = netip.AddrPortFrom(trusted.Addr().Unmap(), trusted.Port())
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &blockedError{class: "not an IP address (" + address + ")"}
		}
		if trusted.IsValid() && netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()) == trusted {
			return nil
		}
		return check(ap.Addr())
	}
}
