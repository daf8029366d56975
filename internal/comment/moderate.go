package comment

import (
	"net"
	"strings"

	"github.com/herald-news/herald"
)

// Policy is a site's moderation settings. The zero value holds first
// comments and comments with two or more links, as WordPress does.
type Policy struct {
	// MaxLinks is how many links a comment may hold before it is held;
	// 0 means the default, 2.
	MaxLinks int
	// ModerationKeys hold a comment whose text, name, email, website or
	// address contains one of them, ignoring case.
	ModerationKeys []string
	// DisallowedKeys send such a comment straight to spam.
	DisallowedKeys []string
	// ApproveFirst approves comments from new authors instead of holding
	// them until a moderator has approved one of theirs.
	ApproveFirst bool
}

// Decision is what moderation makes of a new comment.
type Decision struct {
	Status  herald.CommentStatus
	Reasons []string
}

// Decide chooses the status of c, from the site's policy, the author's
// history and the classifier's spam score, which counts only once the
// classifier is active.
func (p Policy) Decide(c *herald.Comment, h herald.AuthorHistory, spamScore float64, classifierActive bool) Decision {
	fields := []string{c.Text, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP}
	if key := matchKey(p.DisallowedKeys, fields); key != "" {
		return Decision{Status: herald.CommentSpam, Reasons: []string{herald.ReasonDisallowed + key}}
	}
	var reasons []string
	if h.Approved == 0 && !p.ApproveFirst {
		reasons = append(reasons, herald.ReasonFirstComment)
	}
	maxLinks := p.MaxLinks
	if maxLinks <= 0 {
		maxLinks = 2
	}
	if CountLinks(c.Text) >= maxLinks {
		reasons = append(reasons, herald.ReasonLinks)
	}
	if key := matchKey(p.ModerationKeys, fields); key != "" {
		reasons = append(reasons, herald.ReasonKeyword+key)
	}
	if classifierActive && spamScore >= SpamThreshold {
		reasons = append(reasons, herald.ReasonClassifier)
	}
	if len(reasons) > 0 {
		return Decision{Status: herald.CommentPending, Reasons: reasons}
	}
	return Decision{Status: herald.CommentApproved}
}

// matchKey returns the first key found in any of fields, ignoring case.
// A key that is an IP address or a network in CIDR form also matches the
// author's address (the last field) by containment.
func matchKey(keys, fields []string) string {
	ip := net.ParseIP(fields[len(fields)-1])
	for _, key := range keys {
		key = strings.TrimSpace(key)
		if key == "" {
			continue
		}
		if _, network, err := net.ParseCIDR(key); err == nil {
			if ip != nil && network.Contains(ip) {
				return key
			}
			continue
		}
		lk := strings.ToLower(key)
		for _, f := range fields {
			if strings.Contains(strings.ToLower(f), lk) {
				return key
			}
		}
	}
	return ""
}

// Network is the block of addresses one poster is assumed to control: the
// /24 of an IPv4 address, the /48 of an IPv6 one. Rate limits count per
// network, since a spammer rarely has only one address.
func Network(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
	}
	return ip.Mask(net.CIDRMask(48, 128)).String() + "/48"
}
