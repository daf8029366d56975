package demo

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Origin serves the demo world the way its outlets' own sites would: each
// outlet, told apart by the Host header, has a homepage that advertises
// its feed, the feed itself (RSS, Atom or JSON Feed), article pages with
// the navigation, advertising slots, share buttons, comments and footers
// that real news pages carry around an article, and a robots.txt. Every
// article has a lead picture and some have pictures within the text, named
// as each outlet's CMS would (see imageStyle) and served by the origin
// too, among them the cases a picture worker must handle (pictures.go).
// Herald ingests the demo from it through the same pipeline as any real
// source.
type Origin struct {
	outlets  map[string]*outlet  // by host
	pictures map[string]*picture // by host and path
	life     *life               // the changes Live makes; nil for none
}

type outlet struct {
	Name     string
	Homepage string
	Host     string
	Licence  string
	Format   string // rss, atom or json
	Articles []*demoArticle
}

type demoArticle struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Byline    string `json:"byline"`
	Published string `json:"published_at"`
	HTML      string `json:"html"`
	Source    string `json:"source"`
	SourceURL string `json:"source_url"`
	Licence   string `json:"licence"`
	Image     string `json:"image"`
	Lang      string `json:"lang"`
	Story     string `json:"story"`
	WireOf    string `json:"wire_of"`
	path      string
	lead      *picture   // the picture above the article
	figures   []*picture // the pictures within its body
	body      string     // HTML with the figures in place
	published time.Time
}

// OutletInfo describes one outlet of the origin, for registering it as a
// source.
type OutletInfo struct {
	Name, Homepage, FeedURL, Licence string
}

// NewOrigin builds the origin from the world as JSONL(now) gives it.
func NewOrigin(now time.Time) (*Origin, error) {
	data, err := JSONL(now)
	if err != nil {
		return nil, err
	}
	o := &Origin{outlets: map[string]*outlet{}}
	var all []*demoArticle
	for i, raw := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		a := &demoArticle{}
		if err := json.Unmarshal(raw, a); err != nil {
			return nil, fmt.Errorf("demo line %d: %w", i+1, err)
		}
		u, err := url.Parse(a.URL)
		if err != nil {
			return nil, fmt.Errorf("demo line %d: %w", i+1, err)
		}
		a.path = u.Path
		if a.published, err = time.Parse(time.RFC3339Nano, a.Published); err != nil {
			return nil, fmt.Errorf("demo line %d: %w", i+1, err)
		}
		out := o.outlets[u.Host]
		if out == nil {
			out = &outlet{Name: a.Source, Homepage: "http://" + u.Host + "/", Host: u.Host, Licence: a.Licence}
			o.outlets[u.Host] = out
		}
		out.Articles = append(out.Articles, a)
		all = append(all, a)
	}
	o.addPictures(all)
	// Each format once at least, so the demo exercises every feed parser.
	for i, out := range o.sorted() {
		out.Format = []string{"rss", "rss", "atom", "rss", "json", "rss", "atom", "rss"}[i%8]
	}
	return o, nil
}

func (o *Origin) sorted() []*outlet {
	list := make([]*outlet, 0, len(o.outlets))
	for _, out := range o.outlets {
		list = append(list, out)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Host < list[j].Host })
	return list
}

// Hosts returns the host names the origin answers for.
func (o *Origin) Hosts() []string {
	var hosts []string
	for _, out := range o.sorted() {
		hosts = append(hosts, out.Host)
	}
	return hosts
}

// Outlets describes every outlet, with the homepage to give to
// "herald source add".
func (o *Origin) Outlets() []OutletInfo {
	var list []OutletInfo
	for _, out := range o.sorted() {
		list = append(list, OutletInfo{Name: out.Name, Homepage: out.Homepage, FeedURL: out.Homepage + out.feedPath(), Licence: out.Licence})
	}
	return list
}

func (out *outlet) feedPath() string {
	switch out.Format {
	case "atom":
		return "atom.xml"
	case "json":
		return "feed.json"
	default:
		return "feed.xml"
	}
}

// ServeHTTP answers as the outlet named by the request's Host.
func (o *Origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := strings.Cut(r.Host, ":")
	out := o.outlets[host]
	if out == nil {
		http.NotFound(w, r)
		return
	}
	switch r.URL.Path {
	case "/robots.txt":
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /account/\nDisallow: /search\n")
	case "/":
		render(w, homeTemplate, out)
	case "/" + out.feedPath():
		o.serveFeed(w, out)
	default:
		if p := o.pictures[host+r.URL.Path]; p != nil {
			p.serve(w, r)
			return
		}
		for _, a := range out.Articles {
			if a.path == r.URL.Path {
				body, _, gone := o.version(a)
				if gone {
					break
				}
				render(w, articleTemplate, articlePage{Outlet: out, Article: a, Body: template.HTML(body), Style: styles[out.Host]})
				return
			}
		}
		http.NotFound(w, r)
	}
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// localURL is an article's address on the origin: its original path on
// the outlet's host, over plain HTTP.
func (out *outlet) localURL(a *demoArticle) string { return "http://" + out.Host + a.path }

// summary is the first paragraph of an article, what excerpt and
// headline outlets put in their feeds.
func summary(html string) string {
	start := strings.Index(html, "<p>")
	end := strings.Index(html, "</p>")
	if start < 0 || end < start {
		return ""
	}
	return html[start+3 : end]
}

func (o *Origin) serveFeed(w http.ResponseWriter, out *outlet) {
	var items []*demoArticle
	for _, a := range out.Articles {
		if _, _, gone := o.version(a); !gone {
			items = append(items, a)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].published.After(items[j].published) })
	full := out.Licence == "full"
	var body []byte
	var err error
	switch out.Format {
	case "atom":
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		body, err = out.atom(items, full, o.version)
	case "json":
		w.Header().Set("Content-Type", "application/feed+json")
		body, err = out.jsonFeed(items, full, o.version)
	default:
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		body, err = out.rss(items, full, o.version)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(body)
}

type rssDoc struct {
	XMLName xml.Name     `xml:"rss"`
	Version string       `xml:"version,attr"`
	Content string       `xml:"xmlns:content,attr"`
	DC      string       `xml:"xmlns:dc,attr"`
	Media   string       `xml:"xmlns:media,attr,omitempty"`
	Title   string       `xml:"channel>title"`
	Link    string       `xml:"channel>link"`
	Desc    string       `xml:"channel>description"`
	Items   []rssDocItem `xml:"channel>item"`
}

type rssDocItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        string        `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Description string        `xml:"description"`
	Encoded     *cdata        `xml:"content:encoded,omitempty"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
	Thumbnail   *mediaContent `xml:"media:thumbnail"`
	Content     *mediaContent `xml:"media:content"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// mediaContent is a Media RSS element, in RSS and in Atom.
type mediaContent struct {
	URL         string `xml:"url,attr"`
	Medium      string `xml:"medium,attr,omitempty"`
	Type        string `xml:"type,attr,omitempty"`
	Width       int    `xml:"width,attr,omitempty"`
	Height      int    `xml:"height,attr,omitempty"`
	Description string `xml:"media:description,omitempty"`
	Credit      string `xml:"media:credit,omitempty"`
}

// feedImage is the Media RSS element naming p.
func feedImage(p *picture) *mediaContent {
	return &mediaContent{URL: p.URL(), Medium: "image", Type: p.ContentType(), Width: p.w, Height: p.h,
		Description: p.caption, Credit: strings.TrimPrefix(p.credit, "Photo: ")}
}

type cdata struct {
	Text string `xml:",cdata"`
}

// versionFunc says how an article stands now (see Origin.version).
type versionFunc func(a *demoArticle) (body string, changed time.Time, gone bool)

func (out *outlet) rss(items []*demoArticle, full bool, version versionFunc) ([]byte, error) {
	doc := rssDoc{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/", DC: "http://purl.org/dc/elements/1.1/",
		Title: out.Name, Link: out.Homepage, Desc: "News from " + out.Name}
	style := styles[out.Host]
	if style.Feed == "media" || style.Feed == "thumbnail" {
		doc.Media = "http://search.yahoo.com/mrss/"
	}
	for _, a := range items {
		it := rssDocItem{Title: a.Title, Link: out.localURL(a), GUID: out.localURL(a),
			PubDate: a.published.Format(time.RFC1123Z), Creator: strings.TrimPrefix(a.Byline, "By "), Description: summary(a.HTML)}
		if full {
			body, _, _ := version(a)
			it.Encoded = &cdata{Text: body}
		}
		switch p := a.lead; style.Feed {
		case "enclosure":
			// Length 0, as many CMSs write it: the size is not known
			// without making the picture.
			it.Enclosure = &rssEnclosure{URL: p.URL(), Length: "0", Type: p.ContentType()}
		case "media":
			it.Content = feedImage(p)
		case "thumbnail":
			it.Content = feedImage(p)
			if p.small != nil {
				it.Thumbnail = &mediaContent{URL: p.small.URL(), Width: p.small.w, Height: p.small.h}
			}
		}
		doc.Items = append(doc.Items, it)
	}
	return marshalXML(doc)
}

type atomDoc struct {
	XMLName xml.Name       `xml:"http://www.w3.org/2005/Atom feed"`
	Media   string         `xml:"xmlns:media,attr,omitempty"`
	Title   string         `xml:"title"`
	ID      string         `xml:"id"`
	Updated string         `xml:"updated"`
	Link    atomDocLink    `xml:"link"`
	Entries []atomDocEntry `xml:"entry"`
}

type atomDocLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomDocEntry struct {
	Title     string        `xml:"title"`
	ID        string        `xml:"id"`
	Links     []atomDocLink `xml:"link"`
	Published string        `xml:"published"`
	Updated   string        `xml:"updated"`
	Author    string        `xml:"author>name"`
	Summary   atomDocText   `xml:"summary"`
	Content   *atomDocText  `xml:"content,omitempty"`
	Media     *mediaContent `xml:"media:content"`
}

type atomDocText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

func (out *outlet) atom(items []*demoArticle, full bool, version versionFunc) ([]byte, error) {
	doc := atomDoc{Title: out.Name, ID: out.Homepage, Link: atomDocLink{Href: out.Homepage, Rel: "alternate"}}
	style := styles[out.Host]
	if style.Feed == "media" {
		doc.Media = "http://search.yahoo.com/mrss/"
	}
	for i, a := range items {
		when := a.published.Format(time.RFC3339)
		if i == 0 {
			doc.Updated = when
		}
		body, changed, _ := version(a)
		updated := when
		if !changed.IsZero() {
			updated = changed.Format(time.RFC3339)
		}
		e := atomDocEntry{Title: a.Title, ID: out.localURL(a), Links: []atomDocLink{{Href: out.localURL(a), Rel: "alternate"}},
			Published: when, Updated: updated, Author: strings.TrimPrefix(a.Byline, "By "),
			Summary: atomDocText{Type: "html", Text: summary(a.HTML)}}
		if full {
			e.Content = &atomDocText{Type: "html", Text: body}
		}
		switch style.Feed {
		case "atom-enclosure":
			e.Links = append(e.Links, atomDocLink{Href: a.lead.URL(), Rel: "enclosure", Type: a.lead.ContentType()})
		case "media":
			e.Media = feedImage(a.lead)
		}
		doc.Entries = append(doc.Entries, e)
	}
	return marshalXML(doc)
}

func (out *outlet) jsonFeed(items []*demoArticle, full bool, version versionFunc) ([]byte, error) {
	type author struct {
		Name string `json:"name"`
	}
	type item struct {
		ID          string   `json:"id"`
		URL         string   `json:"url"`
		Title       string   `json:"title"`
		ContentHTML string   `json:"content_html,omitempty"`
		Summary     string   `json:"summary"`
		Image       string   `json:"image,omitempty"`
		Published   string   `json:"date_published"`
		Modified    string   `json:"date_modified,omitempty"`
		Authors     []author `json:"authors,omitempty"`
	}
	feed := struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Home    string `json:"home_page_url"`
		Items   []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: out.Name, Home: out.Homepage}
	for _, a := range items {
		it := item{ID: out.localURL(a), URL: out.localURL(a), Title: a.Title, Summary: summary(a.HTML),
			Published: a.published.Format(time.RFC3339), Image: a.lead.URL()}
		if a.Byline != "" {
			it.Authors = []author{{Name: strings.TrimPrefix(a.Byline, "By ")}}
		}
		body, changed, _ := version(a)
		if !changed.IsZero() {
			it.Modified = changed.Format(time.RFC3339)
		}
		if full {
			it.ContentHTML = body
		}
		feed.Items = append(feed.Items, it)
	}
	return json.MarshalIndent(feed, "", "  ")
}

func marshalXML(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), body...), nil
}

type articlePage struct {
	Outlet  *outlet
	Article *demoArticle
	Body    template.HTML
	Style   imageStyle
}

var funcs = template.FuncMap{
	"author": func(byline string) string { return strings.TrimPrefix(byline, "By ") },
	"local":  func(out *outlet, a *demoArticle) string { return out.localURL(a) },
}

var homeTemplate = template.Must(template.New("home").Funcs(funcs).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Name}} — news</title>
<link rel="alternate" type="{{if eq .Format "atom"}}application/atom+xml{{else if eq .Format "json"}}application/feed+json{{else}}application/rss+xml{{end}}" title="{{.Name}}" href="/{{if eq .Format "atom"}}atom.xml{{else if eq .Format "json"}}feed.json{{else}}feed.xml{{end}}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/account/login">Sign in</a></nav></header>
<div class="ad">Advertisement</div>
<main><h1>{{.Name}}</h1><ul>{{range .Articles}}<li><a href="{{local $ .}}">{{.Title}}</a></li>{{end}}</ul></main>
<footer>© {{.Name}}. All rights reserved.</footer>
</body></html>`))

var articleTemplate = template.Must(template.New("article").Funcs(funcs).Parse(`<!doctype html>
<html lang="{{with .Article.Lang}}{{.}}{{else}}en{{end}}"><head><meta charset="utf-8">
<title>{{.Article.Title}} | {{.Outlet.Name}}</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{{.Article.Title}}">
<meta property="og:site_name" content="{{.Outlet.Name}}">
<meta property="article:published_time" content="{{.Article.Published}}">
{{with .Article.Lead}}{{if $.Style.OG}}<meta property="og:image" content="{{.URL}}">
<meta property="og:image:width" content="{{.Width}}"><meta property="og:image:height" content="{{.Height}}">{{end}}{{if $.Style.Twitter}}<meta name="twitter:card" content="summary_large_image"><meta name="twitter:image" content="{{.URL}}">{{end}}{{end}}
<link rel="canonical" href="{{local .Outlet .Article}}">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":{{.Article.Title}},"datePublished":{{.Article.Published}},"author":{"@type":"Person","name":{{author .Article.Byline}}},"publisher":{"@type":"Organization","name":{{.Outlet.Name}}}{{if .Style.JSONLD}}{{with .Article.Lead}},"image":{"@type":"ImageObject","url":{{.URL}},"width":{{.Width}},"height":{{.Height}},"caption":{{.Caption}}}{{end}}{{end}}}</script>
</head><body>
<header class="masthead"><a href="/" class="logo">{{.Outlet.Name}}</a>
<nav><a href="/news">News</a> <a href="/politics">Politics</a> <a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a> <a href="/account/login">Sign in</a> <a href="/subscribe">Subscribe</a></nav></header>
<div class="ad-slot leaderboard">Advertisement</div>
<div class="breaking">Breaking: sign up to our morning newsletter for the day's top stories.</div>
<main>
<article>
<h1>{{.Article.Title}}</h1>
<p class="byline">{{.Article.Byline}} · <time datetime="{{.Article.Published}}">{{.Article.Published}}</time></p>
{{with .Article.Lead}}{{if eq $.Style.Lead "figure"}}<figure class="lead"><img src="{{.URL}}" alt="{{.Caption}}" width="{{.Width}}" height="{{.Height}}"><figcaption>{{.Caption}} <span class="credit">{{.Credit}}</span></figcaption></figure>
{{else if eq $.Style.Lead "picture"}}<figure class="lead"><picture>{{with .Small}}<source media="(max-width: 700px)" srcset="{{.URL}}">{{end}}<img src="{{.URL}}" alt="{{.Caption}}" width="{{.Width}}" height="{{.Height}}"></picture><figcaption>{{.Caption}} <span class="credit">{{.Credit}}</span></figcaption></figure>
{{else if eq $.Style.Lead "srcset"}}<img class="hero" src="{{.URL}}" srcset="{{.Srcset}}" sizes="(max-width: 700px) 100vw, 700px" alt="{{.Caption}}" width="{{.Width}}" height="{{.Height}}">
{{end}}{{end}}<div class="share"><a href="/share?to=facebook">Share on Facebook</a> <a href="/share?to=x">Share on X</a> <a href="/share?to=email">Email</a></div>
<div class="article-body">
{{.Body}}
</div>
<div class="share"><a href="/share?to=facebook">Share</a> <a href="/share?to=x">Post</a></div>
</article>
<aside class="related"><h2>Most read</h2><ul>{{range .Outlet.Articles}}<li><a href="{{local $.Outlet .}}">{{.Title}}</a></li>{{end}}</ul></aside>
<div class="ad-slot mpu">Advertisement</div>
<section class="comments"><h2>Comments (2)</h2>
<div class="comment"><p class="who">harbourwatcher</p><p>Been saying this for years. Nobody listens until the water is in the kitchen.</p></div>
<div class="comment"><p class="who">J. Trent</p><p>Who is paying for all this? Not the people who made the decisions, that is for sure.</p></div>
<form action="/comments" method="post"><textarea name="c"></textarea><button>Post comment</button></form>
</section>
</main>
<footer><p>© {{.Outlet.Name}}. All rights reserved.</p><nav><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/cookies">Cookie settings</a></nav></footer>
</body></html>`))
