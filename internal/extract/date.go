package extract

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	htmldate "github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"
)

// isoLayouts are the numeric ways publishers write dates in metadata, most
// common first. Fractional seconds need no layout of their own: time.Parse
// accepts them after the seconds field whatever the layout says. Layouts
// with a numeric zone come before the same layout without one, which is
// read as UTC.
var isoLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02T15:04:05 -0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
	"2006.01.02",
	"20060102T150405Z0700",
	"20060102",
}

// writtenLayouts are the mail, feed and English ways, tried after
// normaliseDate has tidied the string.
var writtenLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon, 2 Jan 2006",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon Jan 2 15:04:05 2006",
	"January 2, 2006 3:04 PM -0700",
	"January 2, 2006 3:04 PM",
	"January 2, 2006 15:04 -0700",
	"January 2, 2006 15:04",
	"January 2, 2006",
	"January 2 2006",
	"Jan 2, 2006 3:04 PM -0700",
	"Jan 2, 2006 3:04 PM",
	"Jan 2, 2006 15:04",
	"Jan 2, 2006",
	"Jan 2 2006",
	"2 January 2006 15:04",
	"2 January 2006",
	"2 Jan 2006",
	"January 2006",
}

// zoneOffsets are the zone abbreviations common in news dates. time.Parse
// resolves abbreviations through the machine's local zone, which would make
// the result depend on where Herald runs, so they are rewritten first.
var zoneOffsets = map[string]string{
	"UTC": "+0000", "GMT": "+0000", "UT": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"AKST": "-0900", "AKDT": "-0800", "HST": "-1000",
	"BST": "+0100", "WET": "+0000", "WEST": "+0100", "CET": "+0100", "CEST": "+0200",
	"EET": "+0200", "EEST": "+0300", "MSK": "+0300", "JST": "+0900", "KST": "+0900",
	"AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300",
}

var (
	weekdayPrefix = regexp.MustCompile(`(?i)^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+`)
	ordinal       = regexp.MustCompile(`(?i)\b(\d{1,2})(st|nd|rd|th)\b`)
	meridiem      = regexp.MustCompile(`(?i)(\d)\s*([ap])\.?m\b\.?`)
	monthDot      = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.`)
	spaces        = regexp.MustCompile(`\s+`)
)

// parseDate reads a date as publishers write it in metadata: ISO 8601 in
// its many variants, mail and feed dates, English dates and Unix times. The
// result keeps the offset the page wrote (see statedZone); a date without a
// zone is taken as UTC. ok is false when s is not a date Herald can read.
// Whether the date is one an article can carry is for herald's rule to say
// (see metadata.date).
func parseDate(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 80 {
		return time.Time{}, false
	}
	if t, ok := parseUnix(s); ok {
		return t, true
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return statedZone(t), true
		}
	}
	s = normaliseDate(s)
	for _, l := range writtenLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return statedZone(t), true
		}
	}
	return time.Time{}, false
}

// statedZone returns t at the fixed offset it was written with, UTC for
// none. The offset is kept because a date's calendar day is the day the
// page shows its readers: 18:00-07:00 on the 12th is the 12th there, though
// the 13th in UTC. time.Parse would give the machine's own zone for an
// offset that matches it, which would make the result depend on where
// Herald runs.
func statedZone(t time.Time) time.Time {
	_, offset := t.Zone()
	if offset == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", offset))
}

// normaliseDate rewrites the parts of a written date that the layouts do
// not cover: weekdays, ordinals, "at", dotted abbreviations, lower-case or
// dotted a.m./p.m. and zone abbreviations.
func normaliseDate(s string) string {
	s = spaces.ReplaceAllString(s, " ")
	s = weekdayPrefix.ReplaceAllString(s, "")
	s = ordinal.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, " at ", " ")
	s = strings.ReplaceAll(s, ", ", " ")
	s = monthDot.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "Sept ", "Sep ")
	s = meridiem.ReplaceAllStringFunc(s, func(m string) string {
		sub := meridiem.FindStringSubmatch(m)
		return sub[1] + " " + strings.ToUpper(sub[2]) + "M"
	})
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if off, ok := zoneOffsets[strings.ToUpper(strings.Trim(s[i+1:], "()"))]; ok {
			s = s[:i] + " " + off
		}
	}
	// The layouts put a comma after the day of the month only.
	s = strings.TrimSpace(s)
	return commaAfterDay(s)
}

// dayThenYear finds "Month 2 2006" so a comma can go back after the day.
var dayThenYear = regexp.MustCompile(`^([A-Za-z]+) (\d{1,2}) (\d{4})\b`)

func commaAfterDay(s string) string {
	if dayThenYear.MatchString(s) {
		return dayThenYear.ReplaceAllString(s, "$1 $2, $3")
	}
	return s
}

// parseUnix reads seconds or milliseconds since 1970, as some sites put in
// their meta tags.
func parseUnix(s string) (time.Time, bool) {
	if len(s) != 10 && len(s) != 13 {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	if len(s) == 13 {
		return time.UnixMilli(n).UTC(), true
	}
	return time.Unix(n, 0).UTC(), true
}

// searchDate looks for the publication date of a page that states none:
// go-htmldate's extensive search, which reads dates in the page's text
// ("Published on Oct 21, 2025"), its address and its markup, preferring the
// original date to an update. The search ends, when it finds no day, in a
// copyright year or an archive link's month, and it reads any address in
// the page; those dates are not the article's, and searchDate refuses them
// (see notTheArticles). The result keeps the offset the page wrote, if any.
func searchDate(doc *html.Node, page *url.URL) (time.Time, bool) {
	r, err := htmldate.FromDocument(doc, htmldate.Options{UseOriginalDate: true, URL: page.String()})
	if err != nil || r.IsZero() || notTheArticles(r.SrcString, r.DateTime, page) {
		return time.Time{}, false
	}
	return statedZone(r.DateTime), true
}

// maxSnippet is the longest source text go-htmldate gives for a date it
// read from one place in the page: its snippets are about 100 bytes, and
// when its last resort reads the whole page it gives the whole page.
const maxSnippet = 400

// copyrightMark is how a copyright notice begins.
var copyrightMark = regexp.MustCompile(`(?i)©|&copy;|\bcopyright\b|\(c\)`)

// notTheArticles reports whether src, the text go-htmldate read t from,
// is a copyright notice of t's year (go-htmldate makes the year January
// 1st) or the address of another page: a link in a list of related
// articles or an archive, or a picture's upload folder, whose date is not
// the article's. The page's own address (/2025/12/18/slug) is the
// article's.
func notTheArticles(src string, t time.Time, page *url.URL) bool {
	if len(src) > maxSnippet {
		// The date was read from the whole page, not from a notice in it.
		return false
	}
	year := strconv.Itoa(t.Year())
	for _, loc := range copyrightMark.FindAllStringIndex(src, -1) {
		// "© 2026", "Copyright 2019-2026", "© Outlet Ltd 2026."
		if strings.Contains(src[loc[1]:min(len(src), loc[1]+40)], year) {
			return true
		}
	}
	addr, _, _ := strings.Cut(strings.TrimSpace(src), `"`)
	if !strings.HasPrefix(addr, "/") && !strings.HasPrefix(addr, "http") {
		return false
	}
	u, err := page.Parse(addr)
	if err != nil {
		return true
	}
	return u.Hostname() != page.Hostname() || !strings.HasPrefix(page.Path, u.Path)
}
