package comment

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// Form token limits. A form sent sooner than MinFillTime after it was
// made was not filled by a person; one older than TokenLifetime is
// refused so that a harvested token soon stops working.
const (
	MinFillTime   = 3 * time.Second
	TokenLifetime = 12 * time.Hour
)

// Signer signs and checks the values Herald gives to browsers: form
// tokens and cookies. Its key is the site's secret.
type Signer struct {
	Key []byte
	// MinFill replaces MinFillTime when positive; tests shorten it.
	MinFill time.Duration
}

func (s Signer) mac(parts ...string) string {
	h := hmac.New(sha256.New, s.Key)
	h.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// Sign returns value followed by its signature for purpose.
func (s Signer) Sign(purpose, value string) string {
	return value + "." + s.mac(purpose, value)
}

// Verify returns the value of signed if its signature for purpose holds.
func (s Signer) Verify(purpose, signed string) (string, bool) {
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false
	}
	value, sig := signed[:i], signed[i+1:]
	return value, hmac.Equal([]byte(sig), []byte(s.mac(purpose, value)))
}

// FormToken returns the token for a comment form on article, made at now.
func (s Signer) FormToken(article int64, now time.Time) string {
	return s.Sign("form", fmt.Sprintf("%d-%d", article, now.Unix()))
}

// CheckFormToken reports, as an EINVALID error with a message for the
// reader, a token that is forged, for another article, too fresh or too old.
func (s Signer) CheckFormToken(token string, article int64, now time.Time) error {
	value, ok := s.Verify("form", token)
	a, issued, found := strings.Cut(value, "-")
	id, err1 := strconv.ParseInt(a, 10, 64)
	unix, err2 := strconv.ParseInt(issued, 10, 64)
	if !ok || !found || err1 != nil || err2 != nil || id != article {
		return herald.Errorf(herald.EINVALID, "This form could not be checked. Please reload the page and send your comment again.")
	}
	age := now.Sub(time.Unix(unix, 0))
	minFill := MinFillTime
	if s.MinFill > 0 {
		minFill = s.MinFill
	}
	switch {
	case age < minFill:
		return herald.Errorf(herald.EINVALID, "That was quick! Please take a moment to read your comment, then send it again.")
	case age > TokenLifetime:
		return herald.Errorf(herald.EINVALID, "This form has expired. Your text is kept below: please send it again.")
	}
	return nil
}
