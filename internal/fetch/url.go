package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// hostProfile converts host names to their ASCII (punycode) form for DNS.
// It is idna.Lookup without the STD3 rules, which would refuse the
// underscores some real hosts have.
var hostProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.StrictDomainName(false), idna.VerifyDNSLength(true))

// parseURL parses and checks a URL given to Get.
func parseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &Error{URL: raw, Kind: KindInvalidURL, Err: err,
			Reason: fmt.Sprintf("not a valid URL: %s", innermost(err))}
	}
	u, ferr := checkURL(u)
	if ferr != nil {
		return nil, ferr
	}
	return u, nil
}

// checkURL returns the form of u Herald fetches (host in lower-case ASCII,
// no fragment), or an *Error if u is not an http(s) URL with a host and no
// credentials.
func checkURL(u *url.URL) (*url.URL, *Error) {
	invalid := func(format string, args ...any) *Error {
		return &Error{URL: u.String(), Kind: KindInvalidURL, Reason: fmt.Sprintf(format, args...)}
	}
	switch u.Scheme {
	case "http", "https":
	case "":
		return nil, invalid("not an absolute URL (no http:// or https://)")
	default:
		return nil, invalid("only http and https URLs can be fetched, not %s", u.Scheme)
	}
	if u.User != nil {
		return nil, invalid("refused: the URL contains a user name or password")
	}
	if u.Opaque != "" {
		return nil, invalid("not a valid URL: nothing after %s: should start with //", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return nil, invalid("the URL has no host")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return nil, invalid("refused: the URL's address has an interface zone")
		}
		host = ip.String()
	} else {
		name := strings.TrimSuffix(host, ".") // the root's dot, which changes nothing
		ascii, err := hostProfile.ToASCII(name)
		if name == "" || strings.HasSuffix(name, ".") {
			err = errors.New("empty label")
		}
		if err == nil && ascii != "" {
			// A valid ASCII name converts to itself; one that does not (a
			// punycode label hiding a disallowed character) is refused.
			var again string
			if again, err = hostProfile.ToASCII(ascii); err == nil && again != ascii {
				err = errors.New("not stable")
			}
		}
		if err != nil || ascii == "" || !utf8.ValidString(host) || strings.ContainsAny(ascii, "%[]:/") || endsInNumber(ascii) {
			return nil, invalid("invalid host name %q", host)
		}
		host = strings.ToLower(ascii)
	}
	port := u.Port()
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, invalid("invalid port %q", port)
		}
	}
	out := *u
	switch {
	case port != "":
		out.Host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		out.Host = "[" + host + "]"
	default:
		out.Host = host
	}
	out.Fragment, out.RawFragment = "", ""
	return &out, nil
}

// endsInNumber reports whether host's last label is a number, as in
// "2130706433" or "0x7f.1": browsers read such hosts as IPv4 addresses in
// forms Go does not, so they are refused rather than looked up in DNS.
func endsInNumber(host string) bool {
	label := host[strings.LastIndexByte(host, '.')+1:]
	if l := strings.ToLower(label); strings.HasPrefix(l, "0x") {
		return strings.Trim(l[2:], "0123456789abcdef") == ""
	}
	return label != "" && strings.Trim(label, "0123456789") == ""
}
