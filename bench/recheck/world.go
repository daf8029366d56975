package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"github.com/herald-news/herald/bench/internal/newstext"
	"html/template"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// world is the made-up web the benchmark follows: hosts, each an outlet
// with feeds that publish an item every gap, on a clock that runs speed
// times faster than the wall clock. Nothing is stored: every document is
// generated again from the indexes in its URL and the clock, so the
// origin holds nothing but its log.
//
// Feed i lives on host i%hosts as feeds/(i/hosts).xml. Item j of feed i
// is published at start+(j-pre)*gap+phase(i): pre items are out before
// the run begins, the others appear while it runs.
type world struct {
	feeds, hosts, show, pre int
	gap                     time.Duration // between a feed's items, on the world's clock
	share                   float64       // of feeds carrying full content
	change, cosmetic, gone  float64       // shares of the articles of each kind
	seed                    uint64
	clock                   *clock

	outlets   []string
	hostIndex map[string]int
}

// kind is what becomes of an article after it is published.
type kind int

const (
	static   kind = iota // the same bytes on every load (a 304 to a conditional request)
	changing             // a paragraph added after changeAt[0], a figure corrected after changeAt[1]
	cosmetic             // a new "Updated" time, view and comment counters and ad on every load
	gone                 // answers 404 from goneAfter on
)

var kindNames = []string{"static", "changing", "cosmetic", "gone"}

func (k kind) String() string { return kindNames[k] }

// changeAt are the ages at which a changing article gets its next
// version; goneAfter is the age from which a gone one answers 404. On the
// world's clock, against herald.RecheckSteps' 15 min, 1 h, 3 h: the first
// re-check reads version 0 (or the page the article was stored from),
// the second version 1, the third version 2.
var (
	changeAt  = []time.Duration{30 * time.Minute, 2 * time.Hour}
	goneAfter = 20 * time.Minute
)

func newWorld(cfg config, c *clock) *world {
	w := &world{feeds: cfg.Feeds, hosts: cfg.Hosts, show: 20, pre: cfg.Pre, gap: cfg.Gap, share: cfg.FulltextShare,
		change: cfg.Change, cosmetic: cfg.Cosmetic, gone: cfg.Gone, seed: cfg.Seed, clock: c, hostIndex: map[string]int{}}
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

func (w *world) feedHost(i int) (h, k int) { return i % w.hosts, i / w.hosts }

func (w *world) feedIndex(h, k int) (int, bool) {
	i := k*w.hosts + h
	return i, h >= 0 && h < w.hosts && k >= 0 && i < w.feeds
}

// full reports whether feed i carries its articles' full content: every
// feed whose number, scaled by share, crosses an integer.
func (w *world) full(i int) bool { return int(float64(i+1)*w.share) > int(float64(i)*w.share) }

func (w *world) sourceName(i int) string {
	h, k := w.feedHost(i)
	return fmt.Sprintf("%s %s %d", w.outlets[h], newstext.Sections[k%len(newstext.Sections)], k)
}

func (w *world) homepage(i int) string {
	h, _ := w.feedHost(i)
	return "http://" + w.hostName(h) + "/"
}

func (w *world) feedURL(i int) string {
	h, k := w.feedHost(i)
	return fmt.Sprintf("http://%s/feeds/%d.xml", w.hostName(h), k)
}

// published is when item j of feed i comes out, on the world's clock.
func (w *world) published(i, j int) time.Time {
	phase := time.Duration(int64(w.gap) * int64(i) / int64(w.feeds))
	return w.clock.base.Add(time.Duration(j-w.pre)*w.gap + phase).Truncate(time.Second)
}

// latest is the newest item of feed i out at t, -1 if none.
func (w *world) latest(i int, t time.Time) int {
	j := w.pre + int(t.Sub(w.published(i, w.pre))/w.gap)
	for j >= 0 && w.published(i, j).After(t) {
		j--
	}
	for !w.published(i, j+1).After(t) {
		j++
	}
	return j
}

func (w *world) key(i, j int) uint64 { return uint64(i)<<20 | uint64(j) }

// kindOf is what becomes of item j of feed i.
func (w *world) kindOf(i, j int) kind {
	f := rand.New(rand.NewPCG(w.seed, w.key(i, j)|1<<61)).Float64()
	switch {
	case f < w.change:
		return changing
	case f < w.change+w.cosmetic:
		return cosmetic
	case f < w.change+w.cosmetic+w.gone:
		return gone
	}
	return static
}

func (w *world) article(i, j int) *newstext.Article {
	return newstext.NewArticle(rand.New(rand.NewPCG(w.seed, w.key(i, j))), rand.New(rand.NewPCG(w.seed, w.key(i, j)|1<<62)), w.published(i, j))
}

func (w *world) head(i, j int) *newstext.Article {
	return newstext.NewArticle(rand.New(rand.NewPCG(w.seed, w.key(i, j))), nil, w.published(i, j))
}

// parseArticle is the feed and item of an article page's path.
func (w *world) parseArticle(host, path string) (i, j int, ok bool) {
	h, ok := w.hostIndex[host]
	parts := strings.SplitN(path, "/", 4)
	if !ok || len(parts) < 4 || parts[1] != "articles" {
		return 0, 0, false
	}
	k, err1 := strconv.Atoi(parts[2])
	js, _, _ := strings.Cut(parts[3], "-")
	j, err2 := strconv.Atoi(js)
	i, ok = w.feedIndex(h, k)
	return i, j, ok && err1 == nil && err2 == nil && j >= 0
}

func (w *world) articleURL(i, j int, a *newstext.Article) string {
	h, k := w.feedHost(i)
	return fmt.Sprintf("http://%s/articles/%d/%d-%s.html", w.hostName(h), k, j, newstext.Slug(a.Title))
}

// version is the version of a changing article at age: 0, 1 or 2.
func version(age time.Duration) int {
	v := 0
	for _, at := range changeAt {
		if age >= at {
			v++
		}
	}
	return v
}

// served is what the origin answered for one article page.
type served struct {
	kind    kind
	version int // of a changing article
}

// serve answers path on host at t: the body, its content type, the
// status, and for an article page what was served.
func (w *world) serve(host, path string, t time.Time, loads int) ([]byte, string, int, *served) {
	h, ok := w.hostIndex[host]
	if !ok {
		return []byte("no such host\n"), "text/plain", http.StatusNotFound, nil
	}
	switch {
	case path == "/robots.txt":
		return []byte("User-agent: *\nDisallow: /search\n"), "text/plain; charset=utf-8", http.StatusOK, nil
	case strings.HasPrefix(path, "/feeds/") && strings.HasSuffix(path, ".xml"):
		k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/feeds/"), ".xml"))
		i, ok := w.feedIndex(h, k)
		if err != nil || !ok {
			break
		}
		body, err := w.rss(i, t)
		if err != nil {
			return []byte(err.Error()), "text/plain", http.StatusInternalServerError, nil
		}
		return body, "application/rss+xml; charset=utf-8", http.StatusOK, nil
	case strings.HasPrefix(path, "/articles/"):
		i, j, ok := w.parseArticle(host, path)
		if !ok || w.published(i, j).After(t) {
			break
		}
		s := &served{kind: w.kindOf(i, j)}
		age := t.Sub(w.published(i, j))
		if s.kind == gone && age >= goneAfter {
			return []byte("not found\n"), "text/plain", http.StatusNotFound, s
		}
		if s.kind == changing {
			s.version = version(age)
		}
		body, err := w.page(i, j, s, t, loads)
		if err != nil {
			return []byte(err.Error()), "text/plain", http.StatusInternalServerError, s
		}
		return body, "text/html; charset=utf-8", http.StatusOK, s
	}
	return []byte("not found\n"), "text/plain", http.StatusNotFound, nil
}

type rssDoc struct {
	XMLName xml.Name  `xml:"rss"`
	Version string    `xml:"version,attr"`
	Content string    `xml:"xmlns:content,attr"`
	DC      string    `xml:"xmlns:dc,attr"`
	Title   string    `xml:"channel>title"`
	Link    string    `xml:"channel>link"`
	Desc    string    `xml:"channel>description"`
	Items   []rssItem `xml:"channel>item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Creator     string `xml:"dc:creator"`
	Description string `xml:"description"`
	Encoded     *cdata `xml:"content:encoded,omitempty"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

// rss is feed i at t: its newest show items, newest first. A feed item
// keeps the words it was published with, as most outlets' feeds do.
func (w *world) rss(i int, t time.Time) ([]byte, error) {
	doc := rssDoc{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/", DC: "http://purl.org/dc/elements/1.1/",
		Title: w.sourceName(i), Link: w.homepage(i), Desc: "The latest from " + w.sourceName(i)}
	last := w.latest(i, t)
	for j := last; j >= 0 && j > last-w.show; j-- {
		var a *newstext.Article
		if w.full(i) {
			a = w.article(i, j)
		} else {
			a = w.head(i, j)
		}
		u := w.articleURL(i, j, a)
		it := rssItem{Title: a.Title, Link: u, GUID: u, PubDate: a.Published.Format(time.RFC1123Z),
			Creator: strings.TrimPrefix(a.Byline, "By "), Description: a.Summary}
		if w.full(i) {
			it.Encoded = &cdata{Text: a.BodyHTML()}
		}
		doc.Items = append(doc.Items, it)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		return nil, fmt.Errorf("feed %d: %w", i, err)
	}
	return buf.Bytes(), nil
}

type pageData struct {
	Outlet, Section, URL string
	Article              *newstext.Article
	Body                 template.HTML
	Cosmetic             bool
	Updated              string
	Views, Comments      int
	Ad, Token            string
}

var ads = []string{"Switch your energy supplier today", "Holidays in the sun from £199", "The new hatchback: book a test drive",
	"Learn a language in ten minutes a day", "Save on your home insurance"}

// page is the article page of item j of feed i as served to the loads'th
// request for it, with a news site's furniture around the article.
func (w *world) page(i, j int, s *served, t time.Time, loads int) ([]byte, error) {
	h, k := w.feedHost(i)
	a := w.article(i, j)
	if s.version >= 1 {
		// An update: a new paragraph at the end.
		g := newstext.NewGen(rand.New(rand.NewPCG(w.seed, w.key(i, j)|1<<60)))
		sent, _ := g.Sentence(g.Entities())
		a.Paras = append(a.Paras, newstext.Para{Kind: "p", Text: "Update: " + sent})
	}
	if s.version >= 2 {
		// A figure corrected: one word of the first paragraph replaced.
		p := &a.Paras[0]
		words := strings.Fields(p.Text)
		words[len(words)/2] = "412"
		p.Text = strings.Join(words, " ")
	}
	d := pageData{Outlet: w.outlets[h], Section: newstext.Sections[k%len(newstext.Sections)], URL: w.articleURL(i, j, a), Article: a,
		Body: template.HTML(a.BodyHTML())}
	if s.kind == cosmetic {
		d.Cosmetic = true
		d.Updated = t.Format("2 January 2006, 15:04:05")
		d.Views, d.Comments = 1000+loads*37, 3+loads
		d.Ad = ads[loads%len(ads)]
		sum := sha256.Sum256([]byte(fmt.Sprint(i, j, loads, t.UnixNano())))
		d.Token = hex.EncodeToString(sum[:16])
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("page %d/%d: %w", i, j, err)
	}
	return buf.Bytes(), nil
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Article.Title}} | {{.Outlet}}</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{{.Article.Title}}">
<meta property="article:published_time" content="{{.Article.Published.Format "2006-01-02T15:04:05Z07:00"}}">
<link rel="canonical" href="{{.URL}}">
{{if .Cosmetic}}<script src="/static/app.js?v={{.Token}}"></script>{{end}}
</head><body>
<header class="masthead"><a href="/" class="logo">{{.Outlet}}</a>
<nav><a href="/news">News</a> <a href="/politics">Politics</a> <a href="/business">Business</a> <a href="/sport">Sport</a></nav></header>
<div class="ad-slot leaderboard">Advertisement</div>
<main id="main">
<article>
<h1>{{.Article.Title}}</h1>
<p class="byline">{{.Article.Byline}} · <time datetime="{{.Article.Published.Format "2006-01-02T15:04:05Z07:00"}}">{{.Article.Published.Format "2 January 2006, 15:04"}}</time></p>
{{if .Cosmetic}}<p class="updated">Updated {{.Updated}}</p>
<p class="counters">{{.Views}} views</p>
{{end}}<div class="article-body">
{{.Body}}
</div>
{{if .Cosmetic}}<div class="ad-slot mpu"><p>Advertisement</p><p>{{.Ad}}</p></div>
<p class="counters">{{.Comments}} comments</p>
<a href="/share?sid={{.Token}}">Share this article</a>
{{end}}</article>
</main>
<footer><p>© {{.Outlet}}. All rights reserved.</p></footer>
</body></html>
`))

// origin serves the world on one listener, telling hosts apart by the
// Host header, answers a conditional request with 304 when the body's
// hash matches its ETag, and keeps its own log.
type origin struct {
	world   *world
	latency time.Duration
	start   time.Time

	mu        sync.Mutex // mu guards the fields below
	inFlight  map[string]int
	maxFlight map[string]int
	loads     map[string]int // article path → requests for it so far
	log       []logEntry
}

// logEntry is one request in the origin's log.
type logEntry struct {
	At       time.Duration // since the origin started
	Took     time.Duration
	Host     string
	Path     string
	Status   int
	InFlight int  // requests to Host in flight when it arrived, itself included
	Load     int  // for an article page: 1 for its first request, and so on
	Cond     bool // the request was conditional
	Kind     kind // of an article page
	Version  int  // of a changing article's page
}

func newOrigin(w *world, latency time.Duration) *origin {
	return &origin{world: w, latency: latency, start: time.Now(), inFlight: map[string]int{}, maxFlight: map[string]int{},
		loads: map[string]int{}}
}

// ServeHTTP answers as the host the request names. As bench/ingest's
// origin, a request leaves the in-flight count before the handler
// returns, so a client that waits for one answer before asking again is
// never counted twice.
func (o *origin) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	arrived := time.Now()
	o.mu.Lock()
	o.inFlight[host]++
	e := logEntry{At: arrived.Sub(o.start), Host: host, Path: r.URL.Path, InFlight: o.inFlight[host],
		Cond: r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != ""}
	o.maxFlight[host] = max(o.maxFlight[host], e.InFlight)
	if strings.HasPrefix(e.Path, "/articles/") {
		o.loads[host+e.Path]++
		e.Load = o.loads[host+e.Path]
	}
	o.mu.Unlock()
	defer func() {
		e.Took = time.Since(arrived)
		o.mu.Lock()
		defer o.mu.Unlock()
		o.inFlight[host]--
		o.log = append(o.log, e)
	}()

	if o.latency > 0 {
		t := time.NewTimer(o.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			e.Status = 499
			return
		}
	}
	body, ctype, status, s := o.world.serve(host, r.URL.Path, o.world.clock.Now(), e.Load)
	if s != nil {
		e.Kind, e.Version = s.kind, s.version
	}
	if status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		rw.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			e.Status = http.StatusNotModified
			rw.WriteHeader(http.StatusNotModified)
			return
		}
	}
	e.Status = status
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Cache-Control", "max-age=300")
	rw.WriteHeader(status)
	rw.Write(body) // an error here is the client's
}

func (o *origin) entries() []logEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]logEntry(nil), o.log...)
}

func (o *origin) maxInFlight() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.maxFlight {
		n = max(n, m)
	}
	return n
}

// clock is the world's time: it runs speed times faster than the wall
// clock from base on. Herald's store, Follower and Rechecker read it, so
// that herald.RecheckSteps and the feeds' polling intervals (at least
// herald.MinCheckInterval, 5 minutes) shrink together; the fetch client's
// politeness and the origin's latency stay on the wall clock.
type clock struct {
	start time.Time
	base  time.Time
	speed float64
}

func (c *clock) Now() time.Time {
	return c.base.Add(time.Duration(float64(time.Since(c.start)) * c.speed))
}

// wall is d on the world's clock as wall time.
func (c *clock) wall(d time.Duration) time.Duration { return time.Duration(float64(d) / c.speed) }
