package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestTransportErrorReasons checks the editor-facing words for failures
// that cannot be provoked on loopback without the network (DNS, expired
// certificates), by building the errors net/http would return.
func TestTransportErrorReasons(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://news.example/feed") // a constant that parses
	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: u.String(), Err: err}
	}
	dial := func(err error) error { return wrap(&net.OpError{Op: "dial", Net: "tcp", Err: err}) }
	past := time.Now().Add(-time.Hour)
	tests := []struct {
		name      string
		err       error
		kind      Kind
		reason    string
		temporary bool
	}{
		{"NoSuchHost", dial(&net.DNSError{Err: "no such host", Name: "news.example", IsNotFound: true}),
			KindDNS, "DNS lookup failed for news.example: no such host", false},
		{"DNSTimeout", dial(&net.DNSError{Err: "i/o timeout", Name: "news.example", IsTimeout: true}),
			KindDNS, "DNS lookup failed for news.example: i/o timeout", true},
		{"Refused", dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)),
			KindConnect, "connection refused by news.example", true},
		{"Reset", wrap(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}),
			KindConnect, "connection reset by news.example", true},
		{"Unreachable", dial(os.NewSyscallError("connect", syscall.ENETUNREACH)),
			KindConnect, "news.example is unreachable from here", true},
		{"EOF", wrap(io.ErrUnexpectedEOF),
			KindConnect, "news.example closed the connection before the response was complete", true},
		{"Blocked", dial(&blockedError{addr: netip.MustParseAddr("10.0.0.5"), class: "a private address"}),
			KindBlockedAddress, "refused: news.example resolves to 10.0.0.5, a private address", false},
		{"CertificateExpired", wrap(&tls.CertificateVerificationError{Err: x509.CertificateInvalidError{
			Cert: &x509.Certificate{NotBefore: past.Add(-time.Hour), NotAfter: past}, Reason: x509.Expired}}),
			KindTLS, "TLS error: certificate expired", false},
		{"CertificateNotYetValid", wrap(&tls.CertificateVerificationError{Err: x509.CertificateInvalidError{
			Cert: &x509.Certificate{NotBefore: time.Now().Add(time.Hour)}, Reason: x509.Expired}}),
			KindTLS, "TLS error: certificate not valid yet", false},
		{"WrongHost", wrap(&tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "news.example"}}),
			KindTLS, "TLS error: certificate is not valid for news.example", false},
		{"Alert", wrap(tls.AlertError(40)),
			KindTLS, "TLS error: news.example ended the handshake: tls: handshake failure", false},
		{"ConnectTimeout", dial(&timeoutError{}),
			KindTimeout, "connecting to news.example timed out after 10s", true},
	}
	c := New(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := transportError(context.Background(), u, tt.err, c)
			if e.Kind != tt.kind || e.Reason != tt.reason || e.Temporary() != tt.temporary {
				t.Errorf("got %s %q temporary %v, want %s %q temporary %v", e.Kind, e.Reason, e.Temporary(), tt.kind, tt.reason, tt.temporary)
			}
			if !errors.Is(e, tt.err) {
				t.Errorf("the Error does not unwrap to its cause")
			}
		})
	}
}

type timeoutError struct{}

func (timeoutError) Error() string { return "i/o timeout" }
func (timeoutError) Timeout() bool { return true }

func TestErrorContextClassification(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://news.example/feed") // a constant that parses
	c := New(Config{Timeout: 30 * time.Second})

	timedOut, cancel := context.WithTimeoutCause(context.Background(), 0, errTimeout)
	defer cancel()
	<-timedOut.Done()
	if e := transportError(timedOut, u, context.DeadlineExceeded, c); e.Kind != KindTimeout || e.Reason != "timed out after 30s" {
		t.Errorf("own timeout = %s %q", e.Kind, e.Reason)
	}

	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	e := transportError(canceled, u, context.Canceled, c)
	if e.Kind != KindCanceled || !errors.Is(e, context.Canceled) || e.Temporary() {
		t.Errorf("caller's cancel = %s %q", e.Kind, e.Reason)
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{10 << 20: "10 MB", 64 << 10: "64 KB", 1500: "1500 bytes", 3<<20 + 1<<19: "3.5 MB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
