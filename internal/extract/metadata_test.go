package extract

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// articleBody is enough ordinary text for the extractor to find an article
// in, so that the metadata tests below exercise only the head.
const articleBody = `<article>
<h1>Residents return as floodwaters recede</h1>
<p>Residents of the lower town began returning to their homes on Sunday as the river fell below its banks for the first time in nine days, leaving mud, debris and a long list of repairs.</p>
<p>The county said 340 homes had been damaged, about a third of them badly, and that inspectors would visit every street before the end of the week. Power was restored to most of the town overnight.</p>
<p>"We have been lucky that nobody was hurt," said the fire chief, who asked people to keep away from the old bridge until engineers have checked it. Schools will stay closed until Wednesday.</p>
<p>Volunteers set up a collection point at the sports hall for cleaning materials, bottled water and clothing, and said they had more offers of help than they could use.</p>
</article>`

func page(head, body string) []byte {
	if body == "" {
		body = articleBody
	}
	return []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + head + "</head><body>" + body + "</body></html>")
}

func TestMetadata(t *testing.T) {
	const pageURL = "https://www.example.com/news/2024/flood-recedes"
	tests := []struct {
		name, head, body, url string
		want                  map[string]string // field name: value; fields not named are not checked
	}{
		{"JSONLDAuthorString", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Waters recede","author":"By Jane Roe"}</script>`, "", "",
			map[string]string{"Title": "Waters recede", "Byline": "Jane Roe"}},
		{"JSONLDAuthorArrayMixed", `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"H","author":["Ann Lee",{"@type":"Person","name":"Bo Chan"},{"@type":"Organization","name":"Reuters"},"https://example.com/staff/x"]}</script>`, "", "",
			map[string]string{"Byline": "Ann Lee, Bo Chan, Reuters"}},
		{"JSONLDGivenAndFamilyName", `<script type="application/ld+json">{"@type":"Article","headline":"H","author":{"@type":"Person","givenName":"Ada","familyName":"Lovelace"}}</script>`, "", "",
			map[string]string{"Byline": "Ada Lovelace"}},
		{"JSONLDTopLevelArray", `<script type="application/ld+json">[{"@type":"WebSite","name":"The Site"},{"@type":"BlogPosting","headline":"Post title","publisher":"Pub Co","datePublished":"2024-02-29T23:30:00-08:00"}]</script>`, "", "",
			map[string]string{"Title": "Post title", "SiteName": "Pub Co", "PublishedAt": "2024-02-29T23:30:00-08:00"}},
		{"JSONLDPublisherArray", `<script type="application/ld+json">{"@type":"ReportageNewsArticle","headline":"H","publisher":[{"@type":"Organization","name":"Gazette"}]}</script>`, "", "",
			map[string]string{"SiteName": "Gazette"}},
		{"JSONLDTypeArrayAndPrefix", `<script type="application/ld+json">{"@type":["http://schema.org/NewsArticle","CreativeWork"],"headline":"Typed"}</script>`, "", "",
			map[string]string{"Title": "Typed"}},
		{"JSONLDEntities", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Fish &amp; chips &#8211; a history"}</script>`, "", "",
			map[string]string{"Title": "Fish & chips – a history"}},
		{"JSONLDRawNewlineRepaired", "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Two\nlines\"}</script>", "", "",
			map[string]string{"Title": "Two lines"}},
		{"JSONLDBrokenFallsBackToOpenGraph", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Broken",}</script><meta property="og:title" content="From OG">`, "", "",
			map[string]string{"Title": "From OG"}},
		{"JSONLDNameCloserToTitle", `<title>New Zealand - Wikipedia</title><script type="application/ld+json">{"@type":"Article","name":"New Zealand","headline":"constitutional monarchy in Oceania"}</script>`, "", "",
			map[string]string{"Title": "New Zealand"}},
		{"JSONLDRelatedArticlesLose", `<script type="application/ld+json">{"@type":"ItemList","itemListElement":[{"@type":"ListItem","item":{"@type":"NewsArticle","headline":"Related story"}}]}</script><script type="application/ld+json">{"@type":"NewsArticle","headline":"Main story"}</script>`, "", "",
			map[string]string{"Title": "Main story"}},
		{"JSONLDOutranksOpenGraph", `<meta property="og:title" content="OG title"><meta property="article:published_time" content="2020-01-01T00:00:00Z"><script type="application/ld+json">{"@type":"NewsArticle","headline":"LD title","datePublished":"2021-06-01T12:00:00Z"}</script>`, "", "",
			map[string]string{"Title": "LD title", "PublishedAt": "2021-06-01T12:00:00Z"}},
		{"ArticleAuthorURLDropped", `<meta property="article:author" content="https://www.facebook.com/someone"><meta name="author" content="Sam Patel">`, "", "",
			map[string]string{"Byline": "Sam Patel"}},
		{"ArticleAuthorName", `<meta property="article:author" content="Lena Berg"><meta name="author" content="Someone Else">`, "", "",
			map[string]string{"Byline": "Lena Berg"}},
		{"MetaAuthorsNotMixedAcrossKeys", `<meta name="author" content="First Person"><meta name="dc.creator" content="Second Person">`, "", "",
			map[string]string{"Byline": "First Person"}},
		{"BylinePrefixes", `<meta name="author" content="Written by: Omar Haddad">`, "", "",
			map[string]string{"Byline": "Omar Haddad"}},
		{"TitleSuffixStripped", `<meta property="og:site_name" content="Example News"><meta property="og:title" content="Waters recede | Example News">`, "", "",
			map[string]string{"Title": "Waters recede", "SiteName": "Example News"}},
		{"TitleSuffixDomainLabel", `<title>Waters recede - Example</title>`, "<p>" + strings.Repeat("Plenty of words in a sentence here. ", 12) + "</p>", "",
			map[string]string{"Title": "Waters recede", "SiteName": "Example.com"}},
		{"TitleOnlySiteNameRefused", `<meta property="og:site_name" content="Example News"><meta property="og:title" content="Example News"><title>Residents return as floodwaters recede | Example News</title>`, "", "",
			map[string]string{"Title": "Residents return as floodwaters recede"}},
		{"SiteNameFromRegistrableDomain", ``, "", "https://news.bbc.co.uk/1/hi/world/123.stm",
			map[string]string{"SiteName": "Bbc.co.uk"}},
		{"CanonicalLink", `<link rel="canonical" href="/news/2024/flood-recedes-canonical">`, "", "",
			map[string]string{"CanonicalURL": "https://www.example.com/news/2024/flood-recedes-canonical"}},
		{"CanonicalHomePageRefused", `<meta property="og:url" content="https://www.example.com/">`, "", "",
			map[string]string{"CanonicalURL": pageURL}},
		{"ParselyAndSailthru", `<meta name="parsely-pub-date" content="2019-11-05T14:00:00Z"><meta name="sailthru.author" content="Kim Ito">`, "", "",
			map[string]string{"PublishedAt": "2019-11-05T14:00:00Z", "Byline": "Kim Ito"}},
		{"DublinCoreSpaceSeparatedProperties", `<meta property="x:title dc:title" content="Preferred title"><meta property="dc:creator twitter:site_name" content="Creator Name"><meta name="dc.date" content="2018-07-09">`, "", "",
			map[string]string{"Title": "Preferred title", "Byline": "Creator Name", "PublishedAt": "2018-07-09T00:00:00Z"}},
		{"ModifiedTime", `<meta property="article:modified_time" content="2024-05-01T10:00:00+02:00">`, "", "",
			map[string]string{"ModifiedAt": "2024-05-01T10:00:00+02:00"}},
		{"LangFromOpenGraphLocale", `<meta property="og:locale" content="pt_BR">`, "", "",
			map[string]string{"Lang": "pt-BR"}},
		{"ImageRelative", `<meta property="og:image" content="/img/flood.jpg">`, "", "",
			map[string]string{"Image": "https://www.example.com/img/flood.jpg"}},
		{"MicrodataAuthor", ``, `<article><div itemprop="author" itemscope itemtype="https://schema.org/Person">By <span itemprop="name">Rosa Diaz</span></div>` + articleBody + `</article>`, "",
			map[string]string{"Byline": "Rosa Diaz"}},
		{"MicrodataDate", ``, `<article><time itemprop="datePublished" datetime="2022-08-15T06:30:00Z">15 August</time>` + articleBody + `</article>`, "",
			map[string]string{"PublishedAt": "2022-08-15T06:30:00Z"}},
		{"MicrodataDateInArticleFooter", ``, `<article>` + articleBody + `<footer>Posted <time itemprop="datePublished" datetime="2022-08-15T06:30:00-04:00">15 August</time></footer></article>`, "",
			map[string]string{"PublishedAt": "2022-08-15T06:30:00-04:00"}},
		// Furniture: other articles' and other people's dates and names,
		// marked up as microdata around the article, are not the page's.
		{"RelatedCardsInAside", `<meta name="date" content="March 27, 2023">`,
			`<aside><article itemscope itemtype="https://schema.org/Article"><h3>Another story</h3><span itemprop="author">Al Other</span><span itemprop="datePublished" content="2024-01-09T12:00:00Z">9 Jan</span></article></aside>` + articleBody, "",
			map[string]string{"PublishedAt": "2023-03-27T00:00:00Z"}},
		{"CardInsideLink", `<meta name="date" content="March 27, 2023">`,
			`<section class="more-reading"><a href="/news/other"><div itemscope itemtype="https://schema.org/Article"><time itemprop="datePublished" datetime="2024-01-09">9 Jan</time></div></a></section>` + articleBody, "",
			map[string]string{"PublishedAt": "2023-03-27T00:00:00Z"}},
		{"RelatedListByClass", `<meta name="date" content="March 27, 2023">`,
			articleBody + `<div class="related-posts"><meta itemprop="datePublished" content="2024-01-09"><span itemprop="datePublished">2024-01-10</span></div>`, "",
			map[string]string{"PublishedAt": "2023-03-27T00:00:00Z"}},
		{"Comment", `<meta name="date" content="March 27, 2023">`,
			articleBody + `<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">A Reader</span><time itemprop="datePublished" datetime="2024-01-09">9 Jan</time></div>`, "",
			map[string]string{"PublishedAt": "2023-03-27T00:00:00Z"}},
		{"PageFooter", `<meta name="date" content="March 27, 2023">`,
			articleBody + `<footer><span itemprop="datePublished">2024-01-09</span> <a rel="author" href="/about">Site Team</a></footer>`, "",
			map[string]string{"PublishedAt": "2023-03-27T00:00:00Z"}},
		{"RelAuthorLinkKept", ``, `<p>By <a rel="author" href="/staff/rosa">Rosa Diaz</a></p>` + articleBody, "",
			map[string]string{"Byline": "Rosa Diaz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = pageURL
			}
			a, err := Extract(page(tt.head, tt.body), u)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{
				"Title": a.Title, "Byline": a.Byline, "SiteName": a.SiteName, "CanonicalURL": a.CanonicalURL,
				"Lang": a.Lang, "Image": a.Image, "PublishedAt": rfc3339(a.PublishedAt), "ModifiedAt": rfc3339(a.ModifiedAt),
			}
			for field, want := range tt.want {
				if got[field] != want {
					t.Errorf("%s = %q, want %q", field, got[field], want)
				}
			}
		})
	}
}

// TestReadHeadFurniture checks which microdata statements readHead takes
// as the page's own: those of the article, not those of what surrounds it.
// Every page's <body> names a footer and navigation in its classes, as
// themes' do, which makes none of it furniture.
func TestReadHeadFurniture(t *testing.T) {
	tests := []struct {
		name, body string
		dates      []string // the datePublished values kept
		authors    []string // microdata and rel=author names kept
	}{
		{"Article", `<article><span itemprop="author">Rosa Diaz</span><time itemprop="datePublished" datetime="2022-08-15">15 Aug</time></article>`,
			[]string{"2022-08-15"}, []string{"Rosa Diaz"}},
		{"ArticleFooter", `<article><p>Text.</p><footer><a rel="author" href="/rosa">Rosa Diaz</a> <time itemprop="datePublished" datetime="2022-08-15">15 Aug</time></footer></article>`,
			[]string{"2022-08-15"}, []string{"Rosa Diaz"}},
		{"PageFooter", `<article><p>Text.</p></article><footer><a rel="author" href="/team">Site Team</a> <span itemprop="datePublished">2024-01-09</span></footer>`,
			nil, nil},
		{"FooterClassOutsideArticle", `<div id="site-footer"><span itemprop="datePublished">2024-01-09</span></div>`, nil, nil},
		{"Aside", `<aside><article itemscope itemtype="https://schema.org/Article"><span itemprop="author">Al Other</span><meta itemprop="datePublished" content="2024-01-09"></article></aside>`,
			nil, nil},
		{"Nav", `<nav><time itemprop="datePublished" datetime="2024-01-09">9 Jan</time></nav>`, nil, nil},
		{"CardInsideLink", `<a href="/other"><div itemscope itemtype="https://schema.org/Article"><time itemprop="datePublished" datetime="2024-01-09">9 Jan</time><meta itemprop="dateModified" content="2024-01-10"></div></a>`,
			nil, nil},
		{"AuthorInsideLink", `<p>By <a href="/staff/rosa"><span itemprop="author">Rosa Diaz</span></a></p>`, nil, []string{"Rosa Diaz"}},
		{"PermalinkAroundDate", `<a href="/news/2024/flood-recedes/" rel="bookmark"><time itemprop="datePublished" datetime="2022-08-15">15 Aug</time></a>`,
			[]string{"2022-08-15"}, nil},
		{"RelatedByClass", `<ul class="related_articles"><li><time itemprop="datePublished" datetime="2024-01-09">9 Jan</time></li></ul>`, nil, nil},
		{"CommentsById", `<section id="comments"><span itemprop="author">A Reader</span></section>`, nil, nil},
		{"CommentItem", `<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">A Reader</span><time itemprop="datePublished" datetime="2024-01-09">9 Jan</time></div>`,
			nil, nil},
		{"CommentaryIsNotComments", `<div class="commentary"><time itemprop="datePublished" datetime="2022-08-15">15 Aug</time></div>`,
			[]string{"2022-08-15"}, nil},
		{"RelAuthorLink", `<p>By <a rel="author" href="/rosa">Rosa Diaz</a></p>`, nil, []string{"Rosa Diaz"}},
		{"LayoutClasses", `<div class="content-sidebar-wrap"><article><footer class="entry-footer"><a rel="author" href="/rosa">Rosa Diaz</a></footer></article></div>`,
			nil, []string{"Rosa Diaz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(bytes.NewReader(bytes.Replace(page("", tt.body), []byte("<body>"), []byte(`<body class="has-footer-widgets nav-social">`), 1)))
			if err != nil {
				t.Fatal(err)
			}
			h := readHead(doc, &url.URL{Scheme: "https", Host: "www.example.com", Path: "/news/2024/flood-recedes"})
			if got := h.values("datepublished"); !slices.Equal(got, tt.dates) {
				t.Errorf("dates = %q, want %q", got, tt.dates)
			}
			if got := h.values(microdataAuthor, relAuthor); !slices.Equal(got, tt.authors) {
				t.Errorf("authors = %q, want %q", got, tt.authors)
			}
		})
	}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestCleanByline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"By Jane Roe", "Jane Roe"},
		{"by: jane roe", "jane roe"},
		{"BY  JANE   ROE", "JANE ROE"},
		{"Posted by Jane Roe", "Jane Roe"},
		{"Par Sébastien Farcis", "Sébastien Farcis"},
		{"Jane Roe, October", "Jane Roe"},
		{"Nathan Willis March 25, 2015", "Nathan Willis"},
		{"Rob Ewaschuk Edited by Betsy Beyer", "Rob Ewaschuk"},
		{"Shelby Loos, DVM Reviewed by Molly Price, DVM", "Shelby Loos, DVM"},
		{"https://twitter.com/janeroe", ""},
		{"www.example.com/janeroe", ""},
		{"page.head.extra.author", ""},
		{"{{ author.name }}", ""},
		{"Updated January 5", ""},
		{"Share", ""},
		{"Dec", ""},
		{"  ", ""},
		{strings.Repeat("Name ", 80), ""},
		{"Bradley M. Kuhn", "Bradley M. Kuhn"},
		{"Shelby Marcus", "Shelby Marcus"},
	}
	for _, tt := range tests {
		if got := cleanByline(tt.in); got != tt.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripSiteName(t *testing.T) {
	sites := []string{"The Daily Example", "dailyexample"}
	tests := []struct{ in, want string }{
		{"Bridge reopens | The Daily Example", "Bridge reopens"},
		{"Bridge reopens - the daily example", "Bridge reopens"},
		{"Bridge reopens — The Daily Example", "Bridge reopens"},
		{"Bridge reopens :: DailyExample", "Bridge reopens"},
		{"Bridge reopens - Politics", "Bridge reopens - Politics"},
		{"The Daily Example", "The Daily Example"},
		{"Q&A: the bridge, explained", "Q&A: the bridge, explained"},
	}
	for _, tt := range tests {
		if got := stripSiteName(tt.in, sites); got != tt.want {
			t.Errorf("stripSiteName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDomainName(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.nbcnews.com", "Nbcnews.com"},
		{"news.bbc.co.uk", "Bbc.co.uk"},
		{"example.com.", "Example.com"},
		{"localhost", "Localhost"},
		{"192.0.2.1", "192.0.2.1"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := domainName(tt.host); got != tt.want {
			t.Errorf("domainName(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestCleanLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en", "en"}, {"en_US", "en-US"}, {"EN-gb", "en-GB"}, {"pt-br, en", "pt-BR"},
		{"", ""}, {"not a language tag at all", ""}, {"x", ""},
	}
	for _, tt := range tests {
		if got := cleanLang(tt.in); got != tt.want {
			t.Errorf("cleanLang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestJSONLDCorrections reads the notes a page declares with schema.org's
// correction property, in each form it takes.
func TestJSONLDCorrections(t *testing.T) {
	for _, tc := range []struct {
		name, ld string
		want     []string
	}{
		{"Text", `"correction":"An earlier version misstated the vote."`, []string{"An earlier version misstated the vote."}},
		{"CorrectionComment", `"correction":{"@type":"CorrectionComment","text":"The photo caption named the wrong ferry.","datePublished":"2024-03-02"}`,
			[]string{"The photo caption named the wrong ferry."}},
		{"List", `"correction":["First note.",{"@type":"CorrectionComment","text":"Second note."}]`, []string{"First note.", "Second note."}},
		{"URLOnly", `"correction":"https://www.example.com/corrections/42"`, nil},
		{"None", `"headline":"H"`, nil},
	} {
		p := page(`<script type="application/ld+json">{"@type":"NewsArticle","headline":"Waters recede",`+tc.ld+`}</script>`, "")
		a, err := Extract(p, "https://www.example.com/news/2024/flood-recedes")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(a.Corrections, tc.want) {
			t.Errorf("%s: Corrections = %q, want %q", tc.name, a.Corrections, tc.want)
		}
	}
}
