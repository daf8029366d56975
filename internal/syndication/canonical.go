package syndication

import (
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// trackingParams are query parameters that say how a reader arrived, not
// which page they read. Keys are compared lower-cased; every key starting
// with "utm_" is tracking too.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true,
	"wbraid": true, "msclkid": true, "yclid": true, "twclid": true, "ttclid": true,
	"igshid": true, "li_fat_id": true, "mc_cid": true, "mc_eid": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "__hssc": true,
	"__hstc": true, "__hsfp": true, "hsctatracking": true, "mkt_tok": true,
	"oly_anon_id": true, "oly_enc_id": true, "rb_clickid": true, "s_cid": true,
	"vero_conv": true, "vero_id": true, "wickedid": true, "_openstat": true,
	"ref_src": true, "ref_url": true, "at_medium": true, "at_campaign": true,
	"ncid": true, "ocid": true, "cmpid": true, "smid": true, "sr_share": true,
}

// CanonicalURL returns the form of an article URL used to tell items apart:
// scheme and host lower-cased, an internationalised host in punycode, the
// default port, user information and fragment removed, tracking parameters
// (utm_*, fbclid, gclid …) removed, the remaining parameters sorted, an
// empty query removed, and percent-encoding normalised (unreserved
// characters decoded, hex digits upper-cased, anything not allowed encoded).
// The path is otherwise kept as is; an empty path becomes "/". It reports an
// EINVALID error for anything but an http or https URL with a host.
//
// CanonicalURL is idempotent: the canonical form of a canonical URL is
// itself.
func CanonicalURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errorf("URL is empty")
	}
	u, err := url.Parse(escapeStrayPercents(s))
	if err != nil {
		return "", errorf("%q is not a URL", truncate(s, 80))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errorf("%q is not an http or https URL", truncate(s, 80))
	}
	if u.Opaque != "" || u.Host == "" {
		return "", errorf("%q has no host", truncate(s, 80))
	}
	host, err := canonicalHost(u.Hostname())
	if err != nil {
		return "", errorf("%q has an invalid host", truncate(s, 80))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n > 65535 {
			return "", errorf("%q has an invalid port", truncate(s, 80))
		}
		if !(u.Scheme == "http" && n == 80) && !(u.Scheme == "https" && n == 443) {
			host += ":" + strconv.Itoa(n)
		}
	}

	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(host)
	path := normaliseEscapes(u.EscapedPath(), isPathByte)
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if q := canonicalQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// canonicalHost lower-cases a host name, converts an internationalised one
// to punycode, drops trailing dots, and rejects anything that is not a
// domain name or an IP address.
func canonicalHost(h string) (string, error) {
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil || a.Zone() != "" {
			return "", errorf("invalid IPv6 address")
		}
		return "[" + a.String() + "]", nil
	}
	h = strings.TrimRight(h, ".")
	if !isASCII([]byte(h)) {
		a, err := idna.Lookup.ToASCII(h)
		if err != nil {
			return "", errorf("invalid internationalised host")
		}
		h = a
	}
	h = strings.ToLower(h)
	if h == "" {
		return "", errorf("empty host")
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "", errorf("invalid host")
		}
	}
	return h, nil
}

// canonicalQuery removes tracking parameters and empty pieces from a raw
// query, normalises its escapes and sorts what is left by key, then by
// value. "+" is left alone: in a query it may mean a space or itself.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var keep []string
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if strings.HasPrefix(key, "utm_") || trackingParams[key] {
			continue
		}
		keep = append(keep, normaliseEscapes(p, isQueryByte))
	}
	sort.SliceStable(keep, func(i, j int) bool {
		ki, _, _ := strings.Cut(keep[i], "=")
		kj, _, _ := strings.Cut(keep[j], "=")
		if ki != kj {
			return ki < kj
		}
		return keep[i] < keep[j]
	})
	return strings.Join(keep, "&")
}

// normaliseEscapes rewrites percent-encoding in one canonical way: an escape
// of an unreserved character is decoded, other escapes get upper-case hex,
// a "%" that starts no escape is encoded, and so is every byte that allowed
// rejects.
func normaliseEscapes(s string, allowed func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
		case c != '%' && allowed(c):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// escapeStrayPercents encodes each "%" that does not start an escape, as in
// "100%", which url.Parse would refuse.
func escapeStrayPercents(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// isPathByte reports whether c may appear unescaped in a path (RFC 3986
// pchar and "/").
func isPathByte(c byte) bool {
	return isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@/", c) >= 0
}

// isQueryByte reports whether c may appear unescaped in one key=value piece
// of a query. "&" is not among them: it separates the pieces.
func isQueryByte(c byte) bool {
	return c != '&' && (isPathByte(c) || c == '?')
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
