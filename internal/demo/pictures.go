package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The pictures that show the cases a picture worker meets besides the
// ordinary one: a decompression bomb that must be refused from its header,
// and an address that answers 404. Both are lead pictures of outlets with
// the excerpt licence, whose lead pictures Herald shows: a headline
// outlet's pictures are never fetched, so they would show nothing.
const (
	oversizedHost, oversizedPath = "www.valecourier.example", "/media/2026/03/market-hall.png"
	missingHost, missingPath     = "www.nationalledger.example", "/media/2026/03/number-37-bus.jpg"
	// rehostedStory is the wire story whose photo the outlets carrying it
	// copy to their own sites (the same bytes at their own addresses);
	// for the other wire stories they name the wire's own address.
	rehostedStory = "rate-decision"
)

// picture is an image the origin serves at one address, drawn the first
// time it is asked for: drawing every picture at start would cost seconds,
// and most runs of the demo never fetch most of them.
type picture struct {
	host, path string
	scene      scene
	seed       uint64
	w, h       int
	bomb       bool // a PNG header claiming 60,000 × 60,000 pixels
	missing    bool // named by the outlet, not served: a 404
	modified   time.Time
	caption    string
	credit     string
	small      *picture // the same picture at 640 pixels, for srcset
	same       *picture // the picture this one is a copy of, byte for byte

	once sync.Once
	data []byte
	etag string
}

// Lead returns the article's lead picture.
func (a *demoArticle) Lead() *picture { return a.lead }

// The picture's facts, for the templates.
func (p *picture) Caption() string { return p.caption }
func (p *picture) Credit() string  { return p.credit }
func (p *picture) Width() int      { return p.w }
func (p *picture) Height() int     { return p.h }
func (p *picture) Small() *picture { return p.small }

func (p *picture) URL() string { return "http://" + p.host + p.path }

func (p *picture) ContentType() string {
	if p.bomb || strings.HasSuffix(p.path, ".png") {
		return "image/png"
	}
	return "image/jpeg"
}

// bytes returns the picture's bytes and its entity tag, made once.
func (p *picture) bytes() ([]byte, string) {
	if p.same != nil {
		return p.same.bytes()
	}
	p.once.Do(func() {
		if p.bomb {
			p.data = bombPNG(60000, 60000)
		} else {
			p.data = jpegBytes(draw(p.scene, p.w, p.h, p.seed))
		}
		sum := sha256.Sum256(p.data)
		p.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	})
	return p.data, p.etag
}

// serve answers for the picture as an image server would: its type, a
// validator and a date, and 304 to a conditional request that matches.
func (p *picture) serve(w http.ResponseWriter, r *http.Request) {
	data, etag := p.bytes()
	w.Header().Set("Content-Type", p.ContentType())
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "", p.modified, bytes.NewReader(data))
}

// Srcset is the picture's srcset attribute value.
func (p *picture) Srcset() string {
	if p.small == nil {
		return ""
	}
	return p.small.URL() + " 640w, " + p.URL() + " " + strconv.Itoa(p.w) + "w"
}

// imageStyle is how an outlet shows its pictures: in its feed, in its
// pages' metadata and in their markup. Each outlet has its own, as real
// ones do, so that the demo exercises every way Herald reads them.
type imageStyle struct {
	Feed    string // enclosure, media (media:content), thumbnail (media:thumbnail and media:content), atom-enclosure, json
	OG      bool   // og:image
	Twitter bool   // twitter:image
	JSONLD  bool   // "image" in the JSON-LD
	Lead    string // the lead picture's markup: figure, picture (<picture> with sources), srcset (<img srcset>), or none
	Figures bool   // pictures within the body, as <figure> with caption and credit
	Wide    bool   // pictures at 1600 × 900; others are 1200 × 675
}

var styles = map[string]imageStyle{
	"www.circuitry.example":        {Feed: "media", OG: true, JSONLD: true, Lead: "figure"},
	"www.continentalwire.example":  {Feed: "media", OG: true, JSONLD: true, Lead: "figure", Wide: true},
	"www.harbourgazette.example":   {Feed: "atom-enclosure", OG: true, JSONLD: true, Lead: "picture", Figures: true},
	"www.lowlandobserver.example":  {Feed: "enclosure", OG: true, Twitter: true, Lead: "none"},
	"www.meridianbusiness.example": {Feed: "json", JSONLD: true, Lead: "srcset"},
	"www.nationalledger.example":   {Feed: "enclosure", OG: true, JSONLD: true, Lead: "figure"},
	"www.northfieldstar.example":   {Feed: "media", OG: true, Lead: "figure", Figures: true},
	"www.valecourier.example":      {Feed: "thumbnail", OG: true, Lead: "picture"},
}

var photographers = []string{"Ana Ribeiro", "Tom Hale", "Priya Natarajan", "Owen Daly", "Grace Mbeki", "Luis Ortega", "Hannah Weir"}

var captions = map[scene]string{
	sceneHarbour:  "The seafront at Port Ellery, where the old wall meets the town.",
	sceneStorm:    "Rain over the flooded streets by the river.",
	sceneRail:     "A Northern Cross train at an empty platform.",
	sceneBus:      "A number 37 bus on its route through Northfield.",
	sceneDrone:    "A delivery drone on a trial flight off Skerrin.",
	sceneMill:     "The gates of the Brannock mill, closed.",
	sceneClinic:   "People queue outside the clinic.",
	sceneScreen:   "The Tallybridge app on a customer's phone.",
	sceneBank:     "The Reserve Bank's headquarters.",
	sceneQuarries: "The old slate workings above Halden.",
	sceneTown:     "The high street on a weekday morning.",
}

func seedOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// addPictures gives every article its lead picture, and some articles of
// the outlets with figures a second one in the body, registering each
// picture at its address. Each outlet has one file photo for each story
// it covers unless the world names one for the article; the outlets that
// carry a wire report carry its photo.
func (o *Origin) addPictures(articles []*demoArticle) {
	o.pictures = map[string]*picture{}
	wire := map[string]*demoArticle{} // by URL
	for _, a := range articles {
		wire[a.URL] = a
	}
	add := func(host, path string, sc scene, seed uint64, wide bool, a *demoArticle, credit string) *picture {
		if p := o.pictures[host+path]; p != nil {
			return p
		}
		p := &picture{host: host, path: path, scene: sc, seed: seed, w: 1200, h: 675, modified: a.published,
			caption: captions[sc], credit: credit}
		if wide {
			p.w, p.h = 1600, 900
		}
		switch {
		case host == oversizedHost && path == oversizedPath:
			p.bomb = true
		case host == missingHost && path == missingPath:
			p.missing = true
			return p // never registered: the origin answers 404
		}
		o.pictures[host+path] = p
		return p
	}
	figures := map[string]int{}
	// Wire reports first, so that their photos are there for the copies.
	var ordered []*demoArticle
	for _, copies := range []bool{false, true} {
		for _, a := range articles {
			if (a.WireOf != "") == copies {
				ordered = append(ordered, a)
			}
		}
	}
	for _, a := range ordered {
		u, _ := url.Parse(a.URL) // parsed in NewOrigin already
		host := u.Host
		st := styles[host]
		sc := storyScenes[a.Story]
		if sc == "" {
			sc = sceneTown
		}
		name := o.outlets[host].Name
		credit := "Photo: " + photographers[seedOf(host+a.Story)%uint64(len(photographers))] + " / " + name
		if src := wire[a.WireOf]; src != nil {
			a.lead = src.lead
			if a.Story == rehostedStory {
				// The same bytes, copied to the outlet's own site.
				a.lead = add(host, "/media/2026/03/wire-"+a.Story+".jpg", src.lead.scene, src.lead.seed, true, a, src.lead.credit)
				a.lead.same = src.lead
			}
		} else {
			path := "/media/2026/03/" + a.Story + ".jpg"
			if host == "www.continentalwire.example" {
				path = "/photos/" + a.Story + "-" + a.path[strings.LastIndexByte(a.path, '/')+1:] + ".jpg"
				credit = "Photo: Continental Wire"
			}
			if a.Image != "" {
				if iu, err := url.Parse(a.Image); err == nil {
					path = iu.Path
				}
			}
			a.lead = add(host, path, sc, seedOf(host+path), st.Wide, a, credit)
		}
		if (st.Lead == "picture" || st.Lead == "srcset") && a.lead.small == nil && !a.lead.bomb && !a.lead.missing {
			small := strings.TrimSuffix(a.lead.path, ".jpg") + "-640.jpg"
			a.lead.small = add(host, small, a.lead.scene, a.lead.seed, false, a, a.lead.credit)
			a.lead.small.w, a.lead.small.h = 640, 360
		}
		if st.Figures && a.WireOf == "" && figures[host] < 2 {
			figures[host]++
			path := "/media/2026/03/" + a.path[strings.LastIndexByte(a.path, '/')+1:] + "-2.jpg"
			a.figures = append(a.figures, add(host, path, sc, seedOf(host+path), false, a, credit))
		}
		a.body = withFigures(a.HTML, a.figures)
	}
}

// withFigures puts each figure into the body after its second paragraph
// (or at its end), as a CMS places a picture within the text.
func withFigures(body string, figs []*picture) string {
	if len(figs) == 0 {
		return body
	}
	var b strings.Builder
	for _, p := range figs {
		b.WriteString("\n<figure class=\"inline\"><img src=\"" + p.URL() + "\" alt=\"" + template.HTMLEscapeString(p.caption) +
			"\" width=\"" + strconv.Itoa(p.w) + "\" height=\"" + strconv.Itoa(p.h) + "\" loading=\"lazy\"><figcaption>" +
			template.HTMLEscapeString(p.caption) + " <span class=\"credit\">" + template.HTMLEscapeString(p.credit) + "</span></figcaption></figure>\n")
	}
	at := 0
	for i := 0; i < 2; i++ {
		j := strings.Index(body[at:], "</p>")
		if j < 0 {
			at = len(body)
			break
		}
		at += j + len("</p>")
	}
	return body[:at] + b.String() + body[at:]
}
