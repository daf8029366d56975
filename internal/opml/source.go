package opml

import (
	"net/url"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// FromSources returns an outline for each source Herald follows, in the
// order given, with its settings. Outlets known only from imported
// articles, and sources no longer followed, have no feed to list.
func FromSources(sources []*herald.Source) []Outline {
	var outlines []Outline
	for _, s := range sources {
		if !s.Following() {
			continue
		}
		o := Outline{
			Title:    s.Name,
			XMLURL:   s.FeedURL,
			HTMLURL:  s.Homepage,
			Licence:  string(s.Licence),
			Fulltext: string(s.Fulltext),
			Images:   string(s.Images),
		}
		if s.Kind != herald.KindFeed {
			o.Kind = string(s.Kind)
		}
		if s.Every != 0 {
			o.Every = formatEvery(s.Every)
		}
		outlines = append(outlines, o)
	}
	return outlines
}

// formatEvery writes d as an editor would: "30m" and "2h", not "30m0s".
func formatEvery(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ToSource returns the source that following o adds, without fetching
// anything: the list already says its address is a feed (or, from
// Herald's own lists, a sitemap or a page). Its licence is o's, or
// licence when o has none ("" is herald.DefaultLicence); its name is o's
// title, or its site's host name when it has none. A homepage that is not
// an http or https address is left out rather than refusing the feed.
// A bad address or setting is an EINVALID error.
func ToSource(o Outline, licence herald.Licence) (*herald.Source, error) {
	s := &herald.Source{
		Name:    o.Title,
		FeedURL: o.XMLURL,
		Kind:    herald.KindFeed,
		Licence: licence,
	}
	if o.Kind != "" {
		s.Kind = herald.SourceKind(strings.ToLower(o.Kind))
	}
	if herald.CheckWebURL(o.HTMLURL) == nil {
		s.Homepage = o.HTMLURL
	}
	if s.Name == "" {
		s.Name = hostName(s.Homepage, s.FeedURL)
	}
	if err := o.settings(s); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// settings sets s's licence, full-text mode, image policy and interval
// from o's Herald attributes.
func (o Outline) settings(s *herald.Source) error {
	var err error
	if o.Licence != "" || s.Licence == "" {
		if s.Licence, err = herald.ParseLicence(o.Licence); err != nil {
			return err
		}
	}
	if s.Fulltext, err = herald.ParseFulltext(o.Fulltext); err != nil {
		return err
	}
	if s.Images, err = herald.ParseImagePolicy(o.Images); err != nil {
		return err
	}
	if o.Every != "" {
		if s.Every, err = time.ParseDuration(o.Every); err != nil {
			return herald.Errorf(herald.EINVALID, "every %q is not a duration such as 30m or 2h", truncate(o.Every, 40))
		}
	}
	return nil
}

// hostName returns the host of the first of urls that has one, without
// "www.".
func hostName(urls ...string) string {
	for _, s := range urls {
		if u, err := url.Parse(s); err == nil && u.Hostname() != "" {
			return strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	return ""
}
