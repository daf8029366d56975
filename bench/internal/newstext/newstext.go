// Package newstext makes up news articles for the benchmarks: text with
// the shape of news copy (varied paragraphs, names that recur within an
// article, quotes, numbers) drawn from seeded random streams, so that a
// world of outlets can be served again identically.
package newstext

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The text here is made up: words drawn with a Zipf-like skew from a
// vocabulary, names built from syllables, sentence and article lengths
// varied. It reads like nothing, but it has the shape of news copy (varied
// paragraphs, names that recur within an article, quotes, numbers), which
// is what the extractor and the sanitiser work on. No word holds a
// character that HTML or XML would need escaped.

// commonWords is roughly in descending order of frequency; sentences draw
// from it with a skew towards the front.
var commonWords = strings.Fields(`
the of and to a in that is for on was with it as by at from be has have are
will this its an said were but not their had which more they been would after
also who new over than about up out into one two could can there when last
some other people first government time years week all most now what because
while where under should may before between during three many million percent
year against since them our we he she his her these those only just still such
even back any well each both if how so very no did does being made make says
according across around through down off told called expected including local
national public plan report city country state court police service money
support policy data group company market price cost rate number part way day
month end side power home work family children school health care water energy
land area region board council committee members leaders officials residents
workers staff experts analysts critics supporters voters investors customers
patients students teachers officers drivers fans players team season game match
result deal talks decision vote law bill rules changes system project programme
funding budget tax spending growth jobs pay wages housing homes rent transport
roads rail trains buses airport flights weather rain heat storm flood fire
damage risk concerns questions issue problem case evidence review inquiry
investigation statement interview meeting event crisis pressure demand supply
shortage increase decline rise fall level record figures study research
scientists university hospital doctors nurses minister president mayor chief
executive director spokesperson party election campaign coalition opposition
reform proposal agreement contract sector industry business firms economy trade
exports imports bank interest inflation debt loans savings community
neighbourhood street centre north south east west morning evening night Monday
Tuesday Wednesday Thursday Friday Saturday Sunday big small major key old high
low long short large early late recent current former future final full second
third next previous main regional federal international global economic
political social financial environmental legal medical digital senior young
strong weak clear likely harbour bridge tunnel reservoir pipeline turbine
orchard vineyard quarry ferry terminal depot warehouse factory clinic library
museum stadium theatre festival market square cathedral canal river valley
coast island village suburb district estate farm forest meadow moor estuary
dune cliff lighthouse pier marina runway motorway junction roundabout viaduct
announced warned confirmed denied agreed rejected approved delayed cancelled
opened closed launched expanded reduced raised cut doubled halved rebuilt
repaired flooded collapsed recovered reopened signed appealed ruled charged
arrested released published revealed estimated predicted promised urged
questioned welcomed criticised defended postponed resumed`)

// syllables build the names of people, places and organisations.
var syllables = strings.Fields(`
al an ar ba bel bor ca cor da del dor el en far fen gal gar ha hal har in is
ka kel kor la lan lor ma mar mel mor na nel nor or pa pel por ra ral ren ro
sa sel sor ta tal tor ul va vel vor wa wen wil ya yor za zel`)

var orgKinds = strings.Fields(`Council Trust Group Partners Holdings Authority Institute Union Foundation
Association Bank Energy Transport Health Water Rail Housing Board Agency`)

var placeKinds = strings.Fields(`ton ford bury field mouth wick stead haven gate bridge`)

// Sections name the feeds of one outlet.
var Sections = strings.Fields(`News World Politics Business Economy Science Health Education Environment
Technology Transport Housing Culture Books Music Film Sport Football Weather Opinion`)

var CommentLines = []string{
	"Been saying this for years and nobody listens.",
	"Who is paying for all this? Not the people who decided it.",
	"Great reporting, thank you for covering the story properly.",
	"This is exactly what happened last time, and the time before.",
	"I live two streets away and nobody asked us anything.",
	"Read the actual report before commenting, people.",
	"Same promises every election. Wake me up when it is built.",
	"My neighbour works there and says the figures are wrong.",
}

// Gen makes text from one random stream.
type Gen struct {
	r *rand.Rand
}

// NewGen returns a Gen drawing from r.
func NewGen(r *rand.Rand) Gen { return Gen{r} }

// Word returns a common word, favouring the front of the list.
func (g Gen) Word() string {
	x := g.r.Float64()
	return commonWords[int(x*x*x*float64(len(commonWords)))]
}

func (g Gen) Name() string {
	var b strings.Builder
	for i := range 2 + g.r.IntN(2) {
		s := syllables[g.r.IntN(len(syllables))]
		if i == 0 {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		b.WriteString(s)
	}
	return b.String()
}

func (g Gen) Person() string { return g.Name() + " " + g.Name() }
func (g Gen) Place() string  { return g.Name() + placeKinds[g.r.IntN(len(placeKinds))] }
func (g Gen) Org() string    { return g.Name() + " " + orgKinds[g.r.IntN(len(orgKinds))] }

// Entities are the names one article keeps coming back to.
type Entities struct {
	people, places, orgs []string
}

func (g Gen) Entities() Entities {
	e := Entities{}
	for range 1 + g.r.IntN(3) {
		e.people = append(e.people, g.Person())
	}
	for range 1 + g.r.IntN(2) {
		e.places = append(e.places, g.Place())
	}
	for range 1 + g.r.IntN(2) {
		e.orgs = append(e.orgs, g.Org())
	}
	return e
}

func (g Gen) Pick(list []string) string { return list[g.r.IntN(len(list))] }

// Sentence returns one sentence of 6 to 27 words and names, and how many
// words it has.
func (g Gen) Sentence(e Entities) (string, int) {
	n := 6 + g.r.IntN(14) + g.r.IntN(8)
	words := make([]string, 0, n+4)
	for len(words) < n {
		switch x := g.r.IntN(40); {
		case x == 0:
			words = append(words, g.Pick(e.people))
		case x == 1:
			words = append(words, g.Pick(e.places))
		case x == 2:
			words = append(words, g.Pick(e.orgs))
		case x == 3:
			words = append(words, fmt.Sprint(2+g.r.IntN(980)))
		default:
			words = append(words, g.Word())
		}
	}
	if g.r.IntN(6) == 0 {
		words = append(words, "said", g.Pick(e.people))
	}
	s := strings.Join(words, " ")
	s = strings.ToUpper(s[:1]) + s[1:] + "."
	if g.r.IntN(12) == 0 {
		s = "“" + s + "”"
	}
	return s, len(strings.Fields(s)) // names are two words or more
}

// Article is one made-up article, as both its page and its feed item show it.
type Article struct {
	Title     string
	Byline    string
	Published time.Time
	Summary   string // one sentence, plain text, for the feed
	Paras     []Para // the body; nil when only the head was made
	Words     int    // in the body
	Comments  []Comment
}

// Para is one block of the body.
type Para struct {
	Kind string // "p", "h2" or "blockquote"
	Text string
}

type Comment struct{ Who, Text string }

// NewArticle makes an article from two random streams: head gives the
// title, byline, summary and the names the article is about, body (if not
// nil) the body of 220 to 900 words, in paragraphs of one to five
// sentences with now and then a subheading or a pull quote, and the
// readers' comments. Feeds that carry only summaries, and lists of related
// links, need the head alone, which is much cheaper.
func NewArticle(head, body *rand.Rand, published time.Time) *Article {
	g := Gen{head}
	e := g.Entities()
	a := &Article{Published: published, Byline: "By " + g.Person()}
	title := []string{g.Pick(e.places)}
	for range 4 + head.IntN(6) {
		title = append(title, g.Word())
	}
	title = append(title, g.Pick(e.orgs))
	a.Title = strings.ToUpper(title[0][:1]) + strings.Join(title, " ")[1:]
	a.Summary, _ = g.Sentence(e)
	if body == nil {
		return a
	}

	g = Gen{body}
	target := 220 + body.IntN(300) + body.IntN(400)
	for a.Words < target {
		if len(a.Paras) > 2 && body.IntN(9) == 0 {
			w := g.Word()
			h := strings.ToUpper(w[:1]) + w[1:] + " " + g.Word() + " " + g.Pick(e.places)
			a.Paras = append(a.Paras, Para{Kind: "h2", Text: h})
			a.Words += len(strings.Fields(h))
			continue
		}
		if len(a.Paras) > 2 && body.IntN(12) == 0 {
			s, n := g.Sentence(e)
			a.Paras = append(a.Paras, Para{Kind: "blockquote", Text: s})
			a.Words += n
			continue
		}
		var p []string
		for range 1 + body.IntN(5) {
			s, n := g.Sentence(e)
			p = append(p, s)
			a.Words += n
		}
		a.Paras = append(a.Paras, Para{Kind: "p", Text: strings.Join(p, " ")})
	}
	for range body.IntN(5) {
		a.Comments = append(a.Comments, Comment{Who: strings.ToLower(g.Name()) + fmt.Sprint(body.IntN(100)), Text: g.Pick(CommentLines)})
	}
	return a
}

// BodyHTML is the article's body as the feed's content:encoded and the
// page's article element carry it.
func (a *Article) BodyHTML() string {
	var b strings.Builder
	for _, p := range a.Paras {
		switch p.Kind {
		case "blockquote":
			b.WriteString("<blockquote><p>" + p.Text + "</p></blockquote>\n")
		default:
			b.WriteString("<" + p.Kind + ">" + p.Text + "</" + p.Kind + ">\n")
		}
	}
	return b.String()
}

// Slug is the URL form of a title.
func Slug(title string) string {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(title)) {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words[:min(len(words), 8)], "-")
}
