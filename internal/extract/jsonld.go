package extract

import (
	"encoding/json"
	"html"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// schema is what a page's schema.org JSON-LD says about its article.
type schema struct {
	headline  string
	name      string // the article's name, which some sites use for something else
	authors   []string
	published string
	modified  string
	publisher string // the article's publisher's name
	website   string // the name of the page's WebSite, if it has one
	image     string
	url       string
	lang      string
	// corrections are the article's schema.org correction notes: text,
	// or CorrectionComment objects with a text.
	corrections []string
}

// articleTypes are the schema.org types that describe a news article or
// blog post: Article and its descendants that publishers use.
var articleTypes = map[string]bool{
	"article": true, "newsarticle": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "backgroundnewsarticle": true, "opinionnewsarticle": true,
	"reviewnewsarticle": true, "asknewsarticle": true, "askpublicnewsarticle": true,
	"blogposting": true, "liveblogposting": true, "socialmediaposting": true,
	"techarticle": true, "scholarlyarticle": true, "satiricalarticle": true, "report": true,
}

// pageTypes describe the page around an article. Their dates and authors
// stand in when a page has no Article node.
var pageTypes = map[string]bool{
	"webpage": true, "itempage": true, "medicalwebpage": true,
}

// Bounds on the JSON-LD walk.
const (
	maxJSONLDDepth = 32
	maxJSONLDNodes = 5000
)

// ldGraph is every object in a page's JSON-LD, with @id references
// resolvable.
type ldGraph struct {
	ids   map[string]map[string]any
	nodes []ldNode
}

// ldNode is one object and how deeply it sits inside other objects
// (@graph does not count): the article a page is about sits at the top,
// articles it links to sit deeper.
type ldNode struct {
	obj   map[string]any
	level int
}

// readSchema reads the page's JSON-LD scripts. Scripts that are not valid
// JSON even after the usual repairs are skipped.
func readSchema(scripts []string) *schema {
	g := &ldGraph{ids: make(map[string]map[string]any)}
	for _, src := range scripts {
		if v, ok := decodeJSONLD(src); ok {
			g.collect(v, 0, 0)
		}
	}
	var article, page map[string]any
	articleLevel, pageLevel := maxJSONLDDepth+1, maxJSONLDDepth+1
	s := &schema{}
	for _, n := range g.nodes {
		types := typesOf(n.obj)
		for _, t := range types {
			switch {
			case articleTypes[t] && n.level < articleLevel:
				article, articleLevel = n.obj, n.level
			case pageTypes[t] && n.level < pageLevel:
				page, pageLevel = n.obj, n.level
			case t == "website" && s.website == "":
				s.website = ldText(n.obj["name"])
			}
		}
	}
	if article == nil {
		if page == nil {
			return s
		}
		// A bare WebPage's name is the <title>, its image a thumbnail: only
		// its dates and author say something about an article.
		s.published = ldText(page["datePublished"])
		s.modified = ldText(page["dateModified"])
		s.authors = g.names(page["author"], 0)
		return s
	}
	s.headline = ldText(article["headline"])
	s.name = ldText(article["name"])
	s.authors = g.names(article["author"], 0)
	if len(s.authors) == 0 {
		s.authors = g.names(article["creator"], 0)
	}
	s.published = ldText(article["datePublished"])
	s.modified = ldText(article["dateModified"])
	s.corrections = ldCorrections(article["correction"])
	if p := g.names(article["publisher"], 0); len(p) > 0 {
		s.publisher = p[0]
	}
	s.image = g.imageURL(article["image"], 0)
	if s.image == "" {
		s.image = ldText(article["thumbnailUrl"])
	}
	s.url = ldText(article["url"])
	if s.url == "" {
		s.url = g.ref(article["mainEntityOfPage"])
	}
	s.lang = ldText(article["inLanguage"])
	if page != nil {
		// The page around the article may say what the article does not.
		if s.published == "" {
			s.published = ldText(page["datePublished"])
		}
		if s.modified == "" {
			s.modified = ldText(page["dateModified"])
		}
		if s.lang == "" {
			s.lang = ldText(page["inLanguage"])
		}
	}
	return s
}

var (
	htmlComment = regexp.MustCompile(`^\s*<!--|-->\s*$`)
	cdata       = regexp.MustCompile(`^\s*(//\s*)?<!\[CDATA\[|(//\s*)?\]\]>\s*$`)
)

// decodeJSONLD parses one script's JSON-LD, repairing what publishers
// commonly get wrong: comment or CDATA wrappers, raw control characters
// inside strings, and several objects one after another.
func decodeJSONLD(src string) (any, bool) {
	src = htmlComment.ReplaceAllString(src, "")
	src = cdata.ReplaceAllString(src, "")
	var v any
	if json.Unmarshal([]byte(src), &v) == nil {
		return v, true
	}
	src = strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, src)
	if json.Unmarshal([]byte(src), &v) == nil {
		return v, true
	}
	var all []any
	dec := json.NewDecoder(strings.NewReader(src))
	for len(all) < 100 {
		var x any
		if dec.Decode(&x) != nil {
			break
		}
		all = append(all, x)
	}
	return all, len(all) > 0
}

// collect records every object in v, pre-order, and indexes those with an
// @id and more to say than the reference itself.
func (g *ldGraph) collect(v any, depth, level int) {
	if depth > maxJSONLDDepth || len(g.nodes) >= maxJSONLDNodes {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			g.collect(x, depth+1, level)
		}
	case map[string]any:
		g.nodes = append(g.nodes, ldNode{obj: v, level: level})
		if id, ok := v["@id"].(string); ok && len(v) > 1 {
			if _, seen := g.ids[id]; !seen {
				g.ids[id] = v
			}
		}
		// Keys in order, so that "the first article" means the same on
		// every run.
		for _, k := range slices.Sorted(maps.Keys(v)) {
			x := v[k]
			if k == "@graph" {
				g.collect(x, depth+1, level)
			} else if _, ok := x.(string); !ok {
				g.collect(x, depth+1, level+1)
			}
		}
	}
}

// resolve follows an {"@id": …} reference to the object it names.
func (g *ldGraph) resolve(obj map[string]any) map[string]any {
	if id, ok := obj["@id"].(string); ok && len(obj) == 1 {
		if full, ok := g.ids[id]; ok {
			return full
		}
	}
	return obj
}

// names returns the names in a Person or Organization value: a string, an
// object (perhaps a reference) with a name or given and family names, or an
// array of those.
func (g *ldGraph) names(v any, depth int) []string {
	if depth > 4 {
		return nil
	}
	switch v := v.(type) {
	case string:
		if s := ldText(v); s != "" {
			return []string{s}
		}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, g.names(x, depth+1)...)
		}
		return out
	case map[string]any:
		obj := g.resolve(v)
		if n := obj["name"]; n != nil {
			if _, nested := n.(map[string]any); !nested {
				if s := ldText(n); s != "" {
					return []string{s}
				}
			}
		}
		given, family := ldText(obj["givenName"]), ldText(obj["familyName"])
		if s := strings.TrimSpace(given + " " + family); s != "" {
			return []string{s}
		}
	}
	return nil
}

// imageURL returns the address in an image value: a URL, an ImageObject
// (perhaps a reference) with a url or contentUrl, or an array of those.
// An ImageObject's @id is not its address: Yoast, for one, names images
// "https://example.com/post/#primaryimage".
func (g *ldGraph) imageURL(v any, depth int) string {
	if depth > 4 {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case []any:
		for _, x := range v {
			if s := g.imageURL(x, depth+1); s != "" {
				return s
			}
		}
	case map[string]any:
		obj := g.resolve(v)
		for _, k := range []string{"url", "contentUrl"} {
			if s := g.imageURL(obj[k], depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

// ref returns the address in a value that is a URL or names one by @id or
// url, as mainEntityOfPage does.
func (g *ldGraph) ref(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		if s := ldText(v["@id"]); s != "" {
			return s
		}
		return ldText(v["url"])
	}
	return ""
}

// typesOf returns an object's @type values, lower-case and without a
// schema.org prefix.
func typesOf(obj map[string]any) []string {
	var raw []string
	switch t := obj["@type"].(type) {
	case string:
		raw = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				raw = append(raw, s)
			}
		}
	}
	for i, t := range raw {
		t = strings.ToLower(strings.TrimSpace(t))
		t = strings.TrimPrefix(t, "schema:")
		if j := strings.LastIndexByte(t, '/'); j >= 0 {
			t = t[j+1:]
		}
		raw[i] = t
	}
	return raw
}

var tag = regexp.MustCompile(`<[^>]*>`)

// ldText returns a text value as plain text: JSON-LD strings often carry
// HTML entities and, now and then, tags. Arrays give their first text,
// {"@value": …} objects their value, and whole numbers their digits.
func ldText(v any) string {
	switch v := v.(type) {
	case string:
		if strings.ContainsAny(v, "<&") {
			v = html.UnescapeString(tag.ReplaceAllString(v, ""))
		}
		return strings.TrimSpace(v)
	case []any:
		for _, x := range v {
			if s := ldText(x); s != "" {
				return s
			}
		}
	case map[string]any:
		return ldText(v["@value"])
	case float64:
		// A date given as a Unix time.
		if v > 0 && v < 1e13 && v == math.Trunc(v) {
			return strconv.FormatInt(int64(v), 10)
		}
	}
	return ""
}

// maxCorrections bounds the notes read from one page's JSON-LD.
const maxCorrections = 5

// ldCorrections reads schema.org's correction property: a text, a
// CorrectionComment (its text), or a list of either. A URL alone says
// nothing a reader can be shown, and is left out.
func ldCorrections(v any) []string {
	var out []string
	var add func(v any)
	add = func(v any) {
		if len(out) == maxCorrections {
			return
		}
		switch v := v.(type) {
		case string:
			if t := ldText(v); t != "" && !strings.HasPrefix(t, "http://") && !strings.HasPrefix(t, "https://") {
				out = append(out, t)
			}
		case map[string]any:
			add(ldFirst(v, "text", "description", "@value"))
		case []any:
			for _, x := range v {
				add(x)
			}
		}
	}
	add(v)
	return out
}

// ldFirst returns the value of the first of obj's keys that is set.
func ldFirst(obj map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := obj[k]; ok {
			return v
		}
	}
	return nil
}
