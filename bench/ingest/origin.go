package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"github.com/herald-news/herald/bench/internal/newstext"
	"html/template"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// world is the made-up web the benchmark ingests: hosts, each an outlet
// with several feeds, each feed with items. Nothing is stored: every
// document is generated again, the same each time, from the indexes in
// its URL, so the origin's memory stays out of the figures.
//
// Feed i lives on host i%hosts as feeds/(i/hosts).xml, so consecutive
// sources, which Herald claims together, are on different hosts, as in
// any list an editor builds by hand.
type world struct {
	feeds, hosts, items int
	share               float64 // of feeds carrying full content
	privateEvery        int     // every n-th summary-only feed has one item under /private/; 0: none
	seed                uint64
	base                time.Time // the newest item's date

	outlets   []string       // outlet names, by host
	hostIndex map[string]int // by host name
}

func newWorld(cfg config) *world {
	w := &world{feeds: cfg.Feeds, hosts: cfg.Hosts, items: cfg.Items, share: cfg.FulltextShare,
		privateEvery: cfg.PrivateEvery, seed: cfg.Seed, base: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		hostIndex: map[string]int{}}
	papers := strings.Fields("Courier Gazette Post Times Chronicle Echo Observer Mercury Argus Record Standard Journal")
	seen := map[string]bool{}
	g := newstext.NewGen(rand.New(rand.NewPCG(cfg.Seed, 1<<40)))
	for h := range w.hosts {
		name := ""
		for name == "" || seen[name] {
			name = "The " + g.Name() + " " + g.Pick(papers)
		}
		seen[name] = true
		w.outlets = append(w.outlets, name)
		w.hostIndex[w.hostName(h)] = h
	}
	return w
}

func (w *world) hostName(h int) string { return fmt.Sprintf("outlet-%02d.bench.example", h+1) }

// feedHost is where feed i lives: its host, and its number on the host.
func (w *world) feedHost(i int) (h, k int) { return i % w.hosts, i / w.hosts }

// feedIndex is the feed number k on host h, if there is one.
func (w *world) feedIndex(h, k int) (int, bool) {
	i := k*w.hosts + h
	return i, h >= 0 && h < w.hosts && k >= 0 && i < w.feeds
}

// order is feed i's place when the feeds are listed host by host. Full
// content is spread in that order, so every host has its share of
// full-content feeds, and so about the same number of pages to serve.
func (w *world) order(i int) int {
	h, k := w.feedHost(i)
	return h*((w.feeds+w.hosts-1)/w.hosts) + k
}

// frac is how many full-content feeds come before place q in that order;
// full spreads them evenly, share of them.
func (w *world) frac(q int) int { return int(float64(q) * w.share) }

// full reports whether feed i carries each article's full content.
func (w *world) full(i int) bool {
	q := w.order(i)
	return w.frac(q+1) > w.frac(q)
}

// hasPrivate reports whether feed i's oldest item links under /private/:
// every privateEvery'th summary-only feed, in host-by-host order. Only
// summary-only feeds have one, so that Herald tries to fetch it.
func (w *world) hasPrivate(i int) bool {
	if w.privateEvery <= 0 || w.full(i) {
		return false
	}
	q := w.order(i)
	return (q-w.frac(q))%w.privateEvery == 0
}

func (w *world) private(i, j int) bool { return j == w.items-1 && w.hasPrivate(i) }

// sourceName is feed i's name in Herald: the outlet and the section.
func (w *world) sourceName(i int) string {
	h, k := w.feedHost(i)
	name := w.outlets[h] + " " + newstext.Sections[k%len(newstext.Sections)]
	if k >= len(newstext.Sections) {
		name += " " + strconv.Itoa(k/len(newstext.Sections)+1)
	}
	return name
}

func (w *world) homepage(i int) string {
	h, _ := w.feedHost(i)
	return "http://" + w.hostName(h) + "/"
}

func (w *world) feedURL(i int) string {
	h, k := w.feedHost(i)
	return fmt.Sprintf("http://%s/feeds/%d.xml", w.hostName(h), k)
}

// article is item j of feed i; item 0 is the newest.
func (w *world) article(i, j int) *newstext.Article {
	key := uint64(i)<<20 | uint64(j)
	return newstext.NewArticle(rand.New(rand.NewPCG(w.seed, key)), rand.New(rand.NewPCG(w.seed, key|1<<62)), w.published(i, j))
}

// head is item j of feed i without its body.
func (w *world) head(i, j int) *newstext.Article {
	return newstext.NewArticle(rand.New(rand.NewPCG(w.seed, uint64(i)<<20|uint64(j))), nil, w.published(i, j))
}

func (w *world) published(i, j int) time.Time {
	return w.base.Add(-time.Duration(j*w.feeds+i) * time.Minute)
}

// articleURL is where item j of feed i, a, is.
func (w *world) articleURL(i, j int, a *newstext.Article) string {
	h, k := w.feedHost(i)
	dir := "articles"
	if w.private(i, j) {
		dir = "private"
	}
	return fmt.Sprintf("http://%s/%s/%d/%d-%s.html", w.hostName(h), dir, k, j, newstext.Slug(a.Title))
}

// Counts of what the world holds.

func (w *world) fullFeeds() int {
	n := 0
	for i := range w.feeds {
		if w.full(i) {
			n++
		}
	}
	return n
}

func (w *world) privateItems() int {
	n := 0
	for i := range w.feeds {
		if w.hasPrivate(i) && w.items > 0 {
			n++
		}
	}
	return n
}

// pagesExpected is how many article pages Herald should fetch: one for each
// item of a summary-only feed, but those under /private/.
func (w *world) pagesExpected() int {
	return (w.feeds-w.fullFeeds())*w.items - w.privateItems()
}

const robotsTxt = "User-agent: *\nDisallow: /private/\nDisallow: /search\n\nSitemap: /sitemap.xml\n"

// serve answers path on host: the body, its content type and the status.
func (w *world) serve(host, path string) ([]byte, string, int) {
	h, ok := w.hostIndex[host]
	if !ok {
		return []byte("no such host\n"), "text/plain", http.StatusNotFound
	}
	switch {
	case path == "/robots.txt":
		return []byte(robotsTxt), "text/plain; charset=utf-8", http.StatusOK
	case strings.HasPrefix(path, "/feeds/") && strings.HasSuffix(path, ".xml"):
		k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/feeds/"), ".xml"))
		i, ok := w.feedIndex(h, k)
		if err != nil || !ok {
			break
		}
		body, err := w.rss(i)
		if err != nil {
			return []byte(err.Error()), "text/plain", http.StatusInternalServerError
		}
		return body, "application/rss+xml; charset=utf-8", http.StatusOK
	case strings.HasPrefix(path, "/articles/"), strings.HasPrefix(path, "/private/"):
		// /articles/K/J-slug.html
		parts := strings.SplitN(path, "/", 4)
		if len(parts) < 4 {
			break
		}
		k, err1 := strconv.Atoi(parts[2])
		js, _, _ := strings.Cut(parts[3], "-")
		j, err2 := strconv.Atoi(js)
		i, ok := w.feedIndex(h, k)
		if err1 != nil || err2 != nil || !ok || j < 0 || j >= w.items {
			break
		}
		body, err := w.page(i, j)
		if err != nil {
			return []byte(err.Error()), "text/plain", http.StatusInternalServerError
		}
		return body, "text/html; charset=utf-8", http.StatusOK
	}
	return []byte("not found\n"), "text/plain", http.StatusNotFound
}

type rssDoc struct {
	XMLName xml.Name  `xml:"rss"`
	Version string    `xml:"version,attr"`
	Content string    `xml:"xmlns:content,attr"`
	DC      string    `xml:"xmlns:dc,attr"`
	Title   string    `xml:"channel>title"`
	Link    string    `xml:"channel>link"`
	Desc    string    `xml:"channel>description"`
	Lang    string    `xml:"channel>language"`
	Updated string    `xml:"channel>lastBuildDate"`
	Items   []rssItem `xml:"channel>item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Creator     string `xml:"dc:creator"`
	Category    string `xml:"category"`
	Description string `xml:"description"`
	Encoded     *cdata `xml:"content:encoded,omitempty"`
	Enclosure   *encl  `xml:"enclosure,omitempty"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

type encl struct {
	URL    string `xml:"url,attr"`
	Type   string `xml:"type,attr"`
	Length int    `xml:"length,attr"`
}

// rss is feed i, newest item first.
func (w *world) rss(i int) ([]byte, error) {
	h, k := w.feedHost(i)
	doc := rssDoc{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/", DC: "http://purl.org/dc/elements/1.1/",
		Title: w.sourceName(i), Link: w.homepage(i), Desc: "The latest from " + w.sourceName(i), Lang: "en",
		Updated: w.base.Format(time.RFC1123Z)}
	for j := range w.items {
		var a *newstext.Article
		if w.full(i) {
			a = w.article(i, j)
		} else {
			a = w.head(i, j)
		}
		u := w.articleURL(i, j, a)
		it := rssItem{Title: a.Title, Link: u, GUID: u, PubDate: a.Published.Format(time.RFC1123Z),
			Creator: strings.TrimPrefix(a.Byline, "By "), Category: newstext.Sections[k%len(newstext.Sections)], Description: a.Summary}
		if w.full(i) {
			it.Encoded = &cdata{Text: a.BodyHTML()}
		}
		if j%3 == 0 {
			it.Enclosure = &encl{URL: fmt.Sprintf("http://%s/img/%d-%d.jpg", w.hostName(h), k, j), Type: "image/jpeg", Length: 48213}
		}
		doc.Items = append(doc.Items, it)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("feed %d: %w", i, err)
	}
	return buf.Bytes(), nil
}

type link struct{ URL, Title string }

type pageData struct {
	Outlet, Section, URL, Image string
	Article                     *newstext.Article
	Body                        template.HTML
	PrivateNav                  bool
	Related                     []link
}

// page is the article page of item j of feed i, with everything a news
// site puts around an article. One page in four links under /private/
// from its navigation: Herald must not follow it.
func (w *world) page(i, j int) ([]byte, error) {
	h, k := w.feedHost(i)
	a := w.article(i, j)
	d := pageData{Outlet: w.outlets[h], Section: newstext.Sections[k%len(newstext.Sections)], URL: w.articleURL(i, j, a), Article: a,
		Body: template.HTML(a.BodyHTML()), PrivateNav: (i+j)%4 == 0,
		Image: fmt.Sprintf("http://%s/img/%d-%d.jpg", w.hostName(h), k, j)}
	for jj := range min(w.items, 6) {
		if jj != j {
			b := w.head(i, jj)
			d.Related = append(d.Related, link{URL: w.articleURL(i, jj, b), Title: b.Title})
		}
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("page %d/%d: %w", i, j, err)
	}
	return buf.Bytes(), nil
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Article.Title}} | {{.Outlet}}</title>
<meta name="description" content="{{.Article.Summary}}">
<meta property="og:type" content="article">
<meta property="og:title" content="{{.Article.Title}}">
<meta property="og:site_name" content="{{.Outlet}}">
<meta property="og:image" content="{{.Image}}">
<meta property="article:published_time" content="{{.Article.Published.Format "2006-01-02T15:04:05Z07:00"}}">
<link rel="canonical" href="{{.URL}}">
<link rel="stylesheet" href="/static/site.css">
<script async src="/static/analytics.js"></script>
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="masthead"><a href="/" class="logo">{{.Outlet}}</a>
<nav><a href="/news">News</a> <a href="/politics">Politics</a> <a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/culture">Culture</a> <a href="/weather">Weather</a>
{{if .PrivateNav}}<a href="/private/newsroom/">Newsroom</a> <a href="/private/drafts/{{.Section}}">Drafts</a>{{end}}
<a href="/account/login">Sign in</a> <a href="/subscribe">Subscribe</a> <a href="/search?q=">Search</a></nav></header>
<div class="ad-slot leaderboard">Advertisement</div>
<div class="breaking">Sign up to our morning newsletter for the day's top stories.</div>
<main id="main">
<article>
<p class="kicker"><a href="/{{.Section}}">{{.Section}}</a></p>
<h1>{{.Article.Title}}</h1>
<p class="byline">{{.Article.Byline}} · <time datetime="{{.Article.Published.Format "2006-01-02T15:04:05Z07:00"}}">{{.Article.Published.Format "2 January 2006, 15:04"}}</time></p>
<div class="share"><a href="/share?to=facebook">Share on Facebook</a> <a href="/share?to=x">Share on X</a> <a href="/share?to=email">Email</a> <button>Copy link</button></div>
<figure><img src="{{.Image}}" alt="" width="1200" height="675"><figcaption>Photograph: {{.Outlet}}</figcaption></figure>
<div class="article-body">
{{.Body}}
</div>
<div class="share"><a href="/share?to=facebook">Share</a> <a href="/share?to=x">Post</a></div>
<p class="tags">Topics: <a href="/{{.Section}}">{{.Section}}</a></p>
</article>
<aside class="related"><h2>Most read</h2><ol>{{range .Related}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ol></aside>
<div class="ad-slot mpu">Advertisement</div>
<section class="comments"><h2>Comments ({{len .Article.Comments}})</h2>
{{range .Article.Comments}}<div class="comment"><p class="who">{{.Who}}</p><p>{{.Text}}</p><a href="/comments/report">Report</a></div>
{{end}}<form action="/comments" method="post"><textarea name="c"></textarea><button>Post comment</button></form>
</section>
</main>
<footer><p>© {{.Outlet}}. All rights reserved.</p>
<nav><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/cookies">Cookie settings</a>{{if .PrivateNav}} <a href="/private/staff">Staff</a>{{end}}</nav></footer>
</body></html>
`))

// origin serves the world on one listener, telling hosts apart by the
// Host header, and keeps its own log: every request, and how many
// requests each host had in flight at once.
type origin struct {
	world   *world
	latency time.Duration // every request waits this long before it is answered
	start   time.Time

	mu        sync.Mutex // mu guards the fields below
	inFlight  map[string]int
	maxFlight map[string]int
	log       []logEntry
	overlaps  []logEntry    // requests that arrived while another to the same host was in flight
	busy      time.Duration // spent generating answers, the latency left out
}

// logEntry is one request in the origin's log.
type logEntry struct {
	At       time.Duration // since the origin started, when the request arrived
	Took     time.Duration // until its answer was written
	Host     string
	Path     string
	Status   int
	InFlight int // requests to Host in flight when it arrived, itself included
}

func newOrigin(w *world, latency time.Duration) *origin {
	return &origin{world: w, latency: latency, start: time.Now(), inFlight: map[string]int{}, maxFlight: map[string]int{}}
}

// ServeHTTP answers as the host the request names. The request leaves the
// in-flight count before the handler returns, and so before the client can
// have read the end of the answer (no Content-Length is set: the body ends
// with the chunked terminator or the whole response is sent on return), so
// a client that waits for one answer before asking again is never counted
// twice.
func (o *origin) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	arrived := time.Now()
	o.mu.Lock()
	o.inFlight[host]++
	e := logEntry{At: arrived.Sub(o.start), Host: host, Path: r.URL.RequestURI(), InFlight: o.inFlight[host]}
	o.maxFlight[host] = max(o.maxFlight[host], e.InFlight)
	o.mu.Unlock()

	var busy time.Duration
	defer func() {
		e.Took = time.Since(arrived)
		o.mu.Lock()
		defer o.mu.Unlock()
		o.inFlight[host]--
		o.busy += busy
		o.log = append(o.log, e)
		if e.InFlight > 1 {
			o.overlaps = append(o.overlaps, e)
		}
	}()

	if o.latency > 0 {
		t := time.NewTimer(o.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			e.Status = 499 // the client went away
			return
		}
	}
	start := time.Now()
	body, ctype, status := o.world.serve(host, r.URL.Path)
	busy = time.Since(start)
	e.Status = status
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Cache-Control", "max-age=300")
	rw.WriteHeader(status)
	rw.Write(body) // an error here is the client's: it is not ours to log
}

// originStats is what the origin's log shows.
type originStats struct {
	Requests                    int
	Robots, Feeds, Pages, Other int
	Disallowed                  []string // requests under /private/
	MaxInFlight                 int      // the most requests any one host had at once
	Overlaps                    int
	HostsSeen                   int
	Busy                        time.Duration
	Statuses                    map[int]int
}

func (o *origin) stats() originStats {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := originStats{Requests: len(o.log), Overlaps: len(o.overlaps), Busy: o.busy, Statuses: map[int]int{}}
	hosts := map[string]bool{}
	for _, e := range o.log {
		hosts[e.Host] = true
		s.Statuses[e.Status]++
		switch {
		case e.Path == "/robots.txt":
			s.Robots++
		case strings.HasPrefix(e.Path, "/feeds/"):
			s.Feeds++
		case strings.HasPrefix(e.Path, "/articles/"):
			s.Pages++
		default:
			s.Other++
		}
		if strings.HasPrefix(e.Path, "/private/") || strings.HasPrefix(e.Path, "/search") {
			s.Disallowed = append(s.Disallowed, e.Host+e.Path)
		}
	}
	for _, n := range o.maxFlight {
		s.MaxInFlight = max(s.MaxInFlight, n)
	}
	s.HostsSeen = len(hosts)
	return s
}

// writeLog writes the log as tab-separated lines, in arrival order: the
// time since the origin started and the time taken (ms), host, path,
// status, and requests in flight to the host on arrival.
func (o *origin) writeLog(w io.Writer) error {
	o.mu.Lock()
	list := append([]logEntry(nil), o.log...)
	o.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].At < list[j].At })
	if _, err := fmt.Fprintln(w, "at_ms\ttook_ms\thost\tpath\tstatus\tin_flight"); err != nil {
		return err
	}
	for _, e := range list {
		if _, err := fmt.Fprintf(w, "%.3f\t%.3f\t%s\t%s\t%d\t%d\n", e.At.Seconds()*1000, e.Took.Seconds()*1000,
			e.Host, e.Path, e.Status, e.InFlight); err != nil {
			return err
		}
	}
	return nil
}
