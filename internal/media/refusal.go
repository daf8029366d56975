package media

import (
	"errors"

	"github.com/herald-news/herald"
)

// Reasons an image is refused. They are short and stable so that callers
// can count refusals by reason (a Prometheus label) and store them beside
// the image's address; the Refusal's Message says the rest.
const (
	ReasonTooLarge      = "too-large"          // over the byte, pixel or memory budget
	ReasonTooSmall      = "too-small"          // under MinSide on a side: tracking pixels, spacers, icons
	ReasonBadAspect     = "bad-aspect"         // a strip or a rule, longer than MaxAspect times its width
	ReasonNotAnImage    = "not-an-image"       // no bytes, HTML, JSON, text, PDF, or bytes of no known kind
	ReasonSVG           = "svg"                // SVG is refused, never rasterised (see Probe)
	ReasonCorrupt       = "corrupt"            // a known format whose bytes are broken or truncated
	ReasonTooManyFrames = "too-many-frames"    // an animation of more than MaxFrames frames
	ReasonUnsupported   = "unsupported-format" // a real image format Herald does not decode
)

// Refusal is the error Process and Probe return for an image that Herald
// will not serve. Reason is one of the Reason constants; Message says,
// for a log line or an editor, what was wrong with this image ("image is
// 60000×60000 pixels (3600 megapixels), over the 40-megapixel budget").
//
// A Refusal unwraps to a *herald.Error with code EINVALID and the same
// message, so herald.ErrorCode and herald.ErrorMessage treat it as bad
// input from outside, never as an internal failure.
type Refusal struct {
	Reason  string
	Message string
}

func refuse(reason, message string) *Refusal {
	return &Refusal{Reason: reason, Message: message}
}

// Error implements the error interface.
func (r *Refusal) Error() string {
	return "media: " + r.Reason + ": " + r.Message
}

// Unwrap returns the refusal as a *herald.Error with code EINVALID.
func (r *Refusal) Unwrap() error {
	return &herald.Error{Code: herald.EINVALID, Message: r.Message}
}

// ReasonOf returns the Reason of the first *Refusal in err's chain, or ""
// when err is nil or holds no Refusal (a cancelled context, say).
func ReasonOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}
