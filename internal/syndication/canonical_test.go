package syndication

import (
	"testing"

	"github.com/herald-news/herald"
)

func TestCanonicalURL(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"AlreadyCanonical", "https://example.com/a/b?x=1", "https://example.com/a/b?x=1"},
		{"SchemeAndHostLowerCased", "HTTPS://WWW.Example.COM/Path/To", "https://www.example.com/Path/To"},
		{"DefaultPortRemoved", "http://example.com:80/a", "http://example.com/a"},
		{"DefaultHTTPSPortRemoved", "https://example.com:443/a", "https://example.com/a"},
		{"OtherPortKept", "https://example.com:8443/a", "https://example.com:8443/a"},
		{"PortLeadingZeros", "http://example.com:0080/a", "http://example.com/a"},
		{"EmptyPort", "http://example.com:/a", "http://example.com/a"},
		{"FragmentRemoved", "https://example.com/a#comments", "https://example.com/a"},
		{"EmptyPathIsSlash", "https://example.com", "https://example.com/"},
		{"EmptyQueryRemoved", "https://example.com/a?", "https://example.com/a"},
		{"UTMRemoved", "https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://example.com/a"},
		{"TrackingRemovedOthersSorted", "https://example.com/a?b=2&fbclid=abc&a=1&gclid=z&mc_cid=1&mc_eid=2", "https://example.com/a?a=1&b=2"},
		{"TrackingKeyCaseInsensitive", "https://example.com/a?UTM_Source=x&FBCLID=y&id=3", "https://example.com/a?id=3"},
		{"MoreTracking", "https://example.com/a?igshid=1&_ga=2&yclid=3&ref_src=twsrc&dclid=4&msclkid=5&p=9", "https://example.com/a?p=9"},
		{"DuplicateKeysSortedByValue", "https://example.com/a?tag=b&tag=a", "https://example.com/a?tag=a&tag=b"},
		{"EmptyPiecesDropped", "https://example.com/a?&&x=1&", "https://example.com/a?x=1"},
		{"KeyWithoutValueKept", "https://example.com/a?print", "https://example.com/a?print"},
		{"PlusKept", "https://example.com/search?q=a+b", "https://example.com/search?q=a+b"},
		{"UnreservedEscapesDecoded", "https://example.com/%7Euser/%41b%2D", "https://example.com/~user/Ab-"},
		{"ReservedEscapesKeptUpperCased", "https://example.com/a%2fb?x=%2f%3d", "https://example.com/a%2Fb?x=%2F%3D"},
		{"SpacesEncoded", "https://example.com/a b?q=c d", "https://example.com/a%20b?q=c%20d"},
		{"NonASCIIPathEncoded", "https://example.com/café", "https://example.com/caf%C3%A9"},
		{"StrayPercentEncoded", "https://example.com/100%", "https://example.com/100%25"},
		{"IDNToPunycode", "https://Bücher.example/über", "https://xn--bcher-kva.example/%C3%BCber"},
		{"TrailingDotRemoved", "https://example.com./a", "https://example.com/a"},
		{"UserinfoRemoved", "https://user:pass@example.com/a", "https://example.com/a"},
		{"IPv6", "http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"},
		{"IPv4", "http://192.0.2.1:8080/", "http://192.0.2.1:8080/"},
		{"DotSegmentsKept", "https://example.com/a/../b", "https://example.com/a/../b"},
		{"SurroundingSpace", "  https://example.com/a \n", "https://example.com/a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalURL(tt.in)
			if err != nil {
				t.Fatalf("CanonicalURL(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			again, err := CanonicalURL(got)
			if err != nil || again != got {
				t.Errorf("CanonicalURL(%q) = %q, %v; want it unchanged", got, again, err)
			}
		})
	}
}

func TestCanonicalURLErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in string
	}{
		{"Empty", ""},
		{"Relative", "/a/b"},
		{"NoScheme", "example.com/a"},
		{"FTP", "ftp://example.com/a"},
		{"Mailto", "mailto:desk@example.com"},
		{"JavaScript", "javascript:alert(1)"},
		{"NoHost", "http:///a"},
		{"Opaque", "http:example.com"},
		{"BadPort", "http://example.com:99999/"},
		{"BadHost", "http://exa_mple!.com/"},
		{"IPv6Zone", "http://[fe80::1%25eth0]/"},
		{"BadIDN", "http://a\u200Db.example/"},
		{"ControlCharacter", "http://example.com/\x7f"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalURL(tt.in)
			if err == nil {
				t.Fatalf("CanonicalURL(%q) = %q, want an error", tt.in, got)
			}
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("error %v is not EINVALID", err)
			}
		})
	}
}
