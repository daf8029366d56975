package main

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

// sections name the feeds of one outlet.
var sections = strings.Fields(`News World Politics Business Economy Science Health Education Environment
Technology Transport Housing Culture Books Music Film Sport Football Weather Opinion`)

var commentLines = []string{
	"Been saying this for years and nobody listens.",
	"Who is paying for all this? Not the people who decided it.",
	"Great reporting, thank you for covering the story properly.",
	"This is exactly what happened last time, and the time before.",
	"I live two streets away and nobody asked us anything.",
	"Read the actual report before commenting, people.",
	"Same promises every election. Wake me up when it is built.",
	"My neighbour works there and says the figures are wrong.",
}

// textGen makes text from one random stream.
type textGen struct {
	r *rand.Rand
}

// word returns a common word, favouring the front of the list.
func (g textGen) word() string {
	x := g.r.Float64()
	return commonWords[int(x*x*x*float64(len(commonWords)))]
}

func (g textGen) name() string {
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

func (g textGen) person() string { return g.name() + " " + g.name() }
func (g textGen) place() string  { return g.name() + placeKinds[g.r.IntN(len(placeKinds))] }
func (g textGen) org() string    { return g.name() + " " + orgKinds[g.r.IntN(len(orgKinds))] }

// entities are the names one article keeps coming back to.
type entities struct {
	people, places, orgs []string
}

func (g textGen) entities() entities {
	e := entities{}
	for range 1 + g.r.IntN(3) {
		e.people = append(e.people, g.person())
	}
	for range 1 + g.r.IntN(2) {
		e.places = append(e.places, g.place())
	}
	for range 1 + g.r.IntN(2) {
		e.orgs = append(e.orgs, g.org())
	}
	return e
}

func (g textGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// sentence returns one sentence of 6 to 27 words and names, and how many
// words it has.
func (g textGen) sentence(e entities) (string, int) {
	n := 6 + g.r.IntN(14) + g.r.IntN(8)
	words := make([]string, 0, n+4)
	for len(words) < n {
		switch x := g.r.IntN(40); {
		case x == 0:
			words = append(words, g.pick(e.people))
		case x == 1:
			words = append(words, g.pick(e.places))
		case x == 2:
			words = append(words, g.pick(e.orgs))
		case x == 3:
			words = append(words, fmt.Sprint(2+g.r.IntN(980)))
		default:
			words = append(words, g.word())
		}
	}
	if g.r.IntN(6) == 0 {
		words = append(words, "said", g.pick(e.people))
	}
	s := strings.Join(words, " ")
	s = strings.ToUpper(s[:1]) + s[1:] + "."
	if g.r.IntN(12) == 0 {
		s = "“" + s + "”"
	}
	return s, len(strings.Fields(s)) // names are two words or more
}

// article is one made-up article, as both its page and its feed item show it.
type article struct {
	Title     string
	Byline    string
	Published time.Time
	Summary   string // one sentence, plain text, for the feed
	Paras     []para // the body; nil when only the head was made
	Words     int    // in the body
	Comments  []comment
}

// para is one block of the body.
type para struct {
	Kind string // "p", "h2" or "blockquote"
	Text string
}

type comment struct{ Who, Text string }

// newArticle makes an article from two random streams: head gives the
// title, byline, summary and the names the article is about, body (if not
// nil) the body of 220 to 900 words, in paragraphs of one to five
// sentences with now and then a subheading or a pull quote, and the
// readers' comments. Feeds that carry only summaries, and lists of related
// links, need the head alone, which is much cheaper.
func newArticle(head, body *rand.Rand, published time.Time) *article {
	g := textGen{head}
	e := g.entities()
	a := &article{Published: published, Byline: "By " + g.person()}
	title := []string{g.pick(e.places)}
	for range 4 + head.IntN(6) {
		title = append(title, g.word())
	}
	title = append(title, g.pick(e.orgs))
	a.Title = strings.ToUpper(title[0][:1]) + strings.Join(title, " ")[1:]
	a.Summary, _ = g.sentence(e)
	if body == nil {
		return a
	}

	g = textGen{body}
	target := 220 + body.IntN(300) + body.IntN(400)
	for a.Words < target {
		if len(a.Paras) > 2 && body.IntN(9) == 0 {
			w := g.word()
			h := strings.ToUpper(w[:1]) + w[1:] + " " + g.word() + " " + g.pick(e.places)
			a.Paras = append(a.Paras, para{Kind: "h2", Text: h})
			a.Words += len(strings.Fields(h))
			continue
		}
		if len(a.Paras) > 2 && body.IntN(12) == 0 {
			s, n := g.sentence(e)
			a.Paras = append(a.Paras, para{Kind: "blockquote", Text: s})
			a.Words += n
			continue
		}
		var p []string
		for range 1 + body.IntN(5) {
			s, n := g.sentence(e)
			p = append(p, s)
			a.Words += n
		}
		a.Paras = append(a.Paras, para{Kind: "p", Text: strings.Join(p, " ")})
	}
	for range body.IntN(5) {
		a.Comments = append(a.Comments, comment{Who: strings.ToLower(g.name()) + fmt.Sprint(body.IntN(100)), Text: g.pick(commentLines)})
	}
	return a
}

// bodyHTML is the article's body as the feed's content:encoded and the
// page's article element carry it.
func (a *article) bodyHTML() string {
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

// slug is the URL form of a title.
func slug(title string) string {
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
