package main

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// article renders article number i (0-based, output order) of story s as
// one JSON line into g.line.
func (g *generator) article(i int, s *story) {
	r := g.r
	ts := time.Unix(g.startUnix+g.secondsAt(s.next), 0).UTC()
	o := &g.outlets[pickCum(g.outletCum[s.topic], r.Float64())]
	lic := pickCum(o.licCum[:], r.Float64())
	g.buildTitle(s)

	b := g.line[:0]
	b = append(b, `{"url":"https://`...)
	b = append(b, o.host...)
	// 3^18 is coprime to 10^9, so ids are unique for i < 1e9.
	var idBuf [20]byte
	id := strconv.AppendUint(idBuf[:0], (uint64(i)*387420489+g.idOff)%maxN, 10)
	switch o.urlStyle {
	case 0:
		b = ts.AppendFormat(append(b, '/'), "2006/01/02/")
		b = append(appendSlug(b, g.title), '-')
		b = append(b, id...)
	case 1:
		b = append(append(append(b, '/'), topicNames[s.topic]...), '/')
		b = ts.AppendFormat(b, "2006/01/02/")
		b = append(appendSlug(b, g.title), '-')
		b = append(b, id...)
	case 2:
		b = append(append(append(b, "/news/"...), topicNames[s.topic]...), '/')
		b = append(appendSlug(b, g.title), '-')
		b = append(b, id...)
	default:
		b = append(append(append(b, "/article/"...), id...), '/')
		b = appendSlug(b, g.title)
	}
	b = append(b, `","title":`...)
	b = appendJSONString(b, g.title)
	b = append(b, `,"byline":`...)
	b = g.appendByline(b, o)
	b = append(b, `,"published_at":"`...)
	b = ts.AppendFormat(b, time.RFC3339)
	b = append(b, `","html":"`...)
	g.line = b
	g.body(s)
	b = g.line
	b = append(b, `","source":`...)
	b = appendJSONString(b, o.name)
	b = append(b, `,"source_url":`...)
	b = appendJSONString(b, o.homepage)
	b = append(b, `,"licence":"`...)
	b = append(b, licences[lic]...)
	b = append(b, `","lang":"en","story":`...)
	b = strconv.AppendInt(b, int64(s.id), 10)
	b = append(b, `,"topic":"`...)
	b = append(b, topicNames[s.topic]...)
	b = append(b, "\"}\n"...)
	g.line = b
}

func (g *generator) appendByline(b []byte, o *outlet) []byte {
	r := g.r
	var s string
	switch x := r.Float64(); {
	case x < 0.78:
		s = o.staff[r.IntN(len(o.staff))]
	case x < 0.88 && len(o.staff) > 1:
		a := r.IntN(len(o.staff))
		c := (a + 1 + r.IntN(len(o.staff)-1)) % len(o.staff)
		s = o.staff[a] + " and " + o.staff[c]
	case x < 0.95:
		s = o.short + " staff"
	default:
		s = "Staff and agencies"
	}
	return appendJSONString(b, s)
}

// ---- titles ----

func (g *generator) buildTitle(s *story) {
	r := g.r
	td := &topicData[s.topic]
	t := g.title[:0]
	p0 := &s.people[0]
	p1 := &s.people[1+r.IntN(len(s.people)-1)]
	K := s.terms[r.IntN(len(s.terms))]
	N := td.nouns[r.IntN(len(td.nouns))]
	V := headlineVerbs[r.IntN(len(headlineVerbs))]
	sp := func(parts ...string) {
		for _, p := range parts {
			t = append(t, p...)
		}
	}
	switch r.IntN(16) {
	case 0:
		sp(p0.full, " ", V, " ", K, " ", N)
	case 1:
		sp(s.org, " ", V, " ", K, " ", N, " in ", s.place)
	case 2:
		sp(s.place, " ", s.event, ": ", p0.role, " ", p0.surname, " ", V, " ", K, " ", N)
	case 3:
		sp(p0.surname, " says ", K, " ", N, " will ", baseVerbs[r.IntN(len(baseVerbs))], " ", s.place)
	case 4:
		sp("Explainer: ", s.place, "'s ", K, " ", N, " and what comes next")
	case 5:
		sp(s.org, " ", V, " ", K, " ", N, " after ", s.event)
	case 6:
		sp(K, " ", N, ": what we know about the ", s.place, " ", s.event)
	case 7:
		sp(p0.full, " and ", s.org, " clash over ", K, " ", N)
	case 8:
		if d := int((s.next-s.start)*float64(g.cfg.days)) + 1; d >= 2 {
			sp(s.place, " ", s.event, " enters day ")
			t = strconv.AppendInt(t, int64(d), 10)
		} else {
			sp(s.place, " ", s.event, ": first reports as ", s.org, " ", V, " ", K, " ", N)
		}
	case 9:
		sp("Live: ", s.place, " ", s.event, " latest as ", p0.surname, " ", V, " ", K, " ", N)
	case 10:
		sp("Analysis: ", p0.surname, "'s ", K, " gamble in ", s.place)
	case 11:
		sp(s.org, " ", V, " ", K, " review in ", s.place2)
	case 12:
		sp(p0.role, " ", p0.surname, " ", V, " ", K, " ", N, " amid ", s.event)
	case 13:
		sp("Opinion: ", s.place, " cannot afford this ", K, " ", N)
	case 14:
		sp(p1.role, " ", p1.full, " ", V, " ", p0.surname, "'s ", K, " ", N)
	default:
		sp(K, " ", N, " in ", s.place, ": ", p1.surname, " ", V, " ", s.org, " ", N)
	}
	if c := t[0]; c >= 'a' && c <= 'z' {
		t[0] = c - 'a' + 'A'
	}
	g.title = t
}

// appendSlug appends a URL slug of title: lower-case ASCII words joined by
// hyphens, at most about 70 bytes.
func appendSlug(b, title []byte) []byte {
	start := len(b)
	dash := false
	for _, c := range title {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'):
			if dash && len(b) > start {
				if len(b)-start > 60 {
					return b
				}
				b = append(b, '-')
			}
			dash = false
			b = append(b, c)
		case c == '\'':
		default:
			dash = true
		}
	}
	if len(b) == start {
		b = append(b, "story"...)
	}
	return b
}

// ---- body ----

// body appends the article's HTML (already safe for a JSON string) to
// g.line.
func (g *generator) body(s *story) {
	r := g.r
	target := int(math.Exp(math.Log(380) + 0.75*r.NormFloat64()))
	target = min(max(target, 80), 1500)
	g.words, g.mentioned = 0, 0

	b := append(g.line, "<p>"...)
	if r.IntN(3) == 0 { // dateline
		for _, c := range []byte(s.place) {
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		b = append(b, " — "...)
	}
	g.line = b
	g.lede(s)
	if r.IntN(2) == 0 {
		g.line = append(g.line, ' ')
		g.sentence(s)
	}
	g.line = append(g.line, "</p>"...)

	paras, heads, quotes, lists := 1, 0, 0, 0
	for g.words < target {
		x := r.Float64()
		switch {
		case paras >= 3 && x < 0.07 && heads < 4 && target-g.words > 120:
			g.subhead(s)
			heads++
			paras = 0
		case paras >= 2 && x < 0.12 && quotes < 2:
			g.line = append(g.line, "<blockquote><p>"...)
			g.quote(s, false)
			g.line = append(g.line, "</p></blockquote>"...)
			quotes++
		case paras >= 2 && x < 0.15 && lists < 1:
			g.list(s)
			lists++
		default:
			g.line = append(g.line, "<p>"...)
			for k := range 1 + r.IntN(4) {
				if k > 0 {
					g.line = append(g.line, ' ')
				}
				g.sentence(s)
			}
			g.line = append(g.line, "</p>"...)
			paras++
		}
	}
}

func (g *generator) lede(s *story) {
	r := g.r
	td := &topicData[s.topic]
	g.subject(s, 0)
	g.line = append(g.line, ' ')
	g.line = append(g.line, newsVerbs[r.IntN(len(newsVerbs))]...)
	g.line = append(g.line, " that the "...)
	g.line = append(g.line, s.terms[r.IntN(len(s.terms))]...)
	g.line = append(g.line, ' ')
	g.line = append(g.line, td.nouns[r.IntN(len(td.nouns))]...)
	g.words += 5
	g.salad(s, 5+r.IntN(12))
	g.line = append(g.line, " in "...)
	g.line = append(g.line, s.place...)
	g.line = append(g.line, '.')
	g.words += 2
}

// subject writes the grammatical subject of an attribution sentence: a
// person (introduced in full with a role on first mention), the story's
// organisation, or officials of its place. who < 0 picks at random.
func (g *generator) subject(s *story, who int) {
	r := g.r
	if who < 0 {
		switch x := r.IntN(10); {
		case x < 2:
			g.line = append(g.line, s.org...)
			g.words += 2
			return
		case x < 3:
			g.line = append(g.line, "Officials in "...)
			g.line = append(g.line, s.place...)
			g.words += 3
			return
		case x < 7:
			who = 0
		default:
			who = r.IntN(len(s.people))
		}
	}
	p := &s.people[who]
	if g.mentioned&(1<<who) == 0 {
		g.mentioned |= 1 << who
		g.line = append(g.line, p.role...)
		g.line = append(g.line, ' ')
		g.line = append(g.line, p.full...)
		g.words += 3
		return
	}
	g.line = append(g.line, p.surname...)
	g.words++
}

func (g *generator) sentence(s *story) {
	r := g.r
	switch x := r.IntN(20); {
	case x < 7:
		g.subject(s, -1)
		g.line = append(g.line, ' ')
		g.line = append(g.line, newsVerbs[r.IntN(len(newsVerbs))]...)
		if r.IntN(2) == 0 {
			g.line = append(g.line, " that"...)
			g.words++
		}
		g.words++
		g.salad(s, 6+r.IntN(15))
		g.line = append(g.line, '.')
	case x < 16:
		g.line = append(g.line, sentenceStarters[r.IntN(len(sentenceStarters))]...)
		g.words++
		g.salad(s, 8+r.IntN(17))
		g.line = append(g.line, '.')
	default:
		g.quote(s, true)
	}
}

// quote writes “Words words,” Surname said. (attributed) or “Words words.”
func (g *generator) quote(s *story, attributed bool) {
	r := g.r
	g.line = append(g.line, "“"...)
	start := len(g.line)
	g.line = append(g.line, g.v.common[g.v.commonZip[r.Uint64()>>48]]...) // no leading space
	if c := g.line[start]; c >= 'a' && c <= 'z' {
		g.line[start] = c - 'a' + 'A'
	}
	g.words++
	g.salad(s, 5+r.IntN(14))
	if !attributed {
		g.line = append(g.line, ".”"...)
		return
	}
	who := r.IntN(len(s.people))
	if g.mentioned&(1<<who) != 0 {
		g.line = append(g.line, ",” "...)
		g.line = append(g.line, s.people[who].surname...)
		g.line = append(g.line, " said."...)
		g.words += 2
		return
	}
	g.line = append(g.line, ",” said "...)
	g.subject(s, who) // introduces them in full
	g.line = append(g.line, '.')
	g.words++
}

func (g *generator) subhead(s *story) {
	r := g.r
	g.line = append(g.line, "<h2>"...)
	switch r.IntN(4) {
	case 0:
		g.line = append(g.line, "Inside the "...)
		g.line = append(g.line, s.terms[r.IntN(len(s.terms))]...)
		g.line = append(g.line, ' ')
		g.line = append(g.line, topicData[s.topic].nouns[r.IntN(len(topicData[s.topic].nouns))]...)
		g.words += 4
	case 1:
		g.line = append(g.line, s.place...)
		g.line = append(g.line, " reacts"...)
		g.words += 2
	default:
		sh := subheads[r.IntN(len(subheads))]
		g.line = append(g.line, sh...)
		g.words += 3
	}
	g.line = append(g.line, "</h2>"...)
}

func (g *generator) list(s *story) {
	r := g.r
	td := &topicData[s.topic]
	g.line = append(g.line, "<ul>"...)
	for range 3 + r.IntN(3) {
		g.line = append(g.line, "<li>"...)
		start := len(g.line)
		if r.IntN(2) == 0 {
			g.line = append(g.line, s.terms[r.IntN(len(s.terms))]...)
		} else {
			g.line = append(g.line, td.terms[r.IntN(len(td.terms))]...)
		}
		if c := g.line[start]; c >= 'a' && c <= 'z' {
			g.line[start] = c - 'a' + 'A'
		}
		g.words++
		g.salad(s, 2+r.IntN(7))
		g.line = append(g.line, "</li>"...)
	}
	g.line = append(g.line, "</ul>"...)
}

// salad appends n space-separated tokens: mostly Zipf-distributed common
// words, with the story's key terms and entities and its topic's vocabulary
// mixed in. This is the hot loop: half a PCG draw per common word, and a
// fixed 16-byte copy instead of a memmove call.
func (g *generator) salad(s *story, n int) {
	b := g.line
	v := g.v
	td := &topicData[s.topic]
	var x uint64
	prev := uint16(len(v.commonPad)) // no previous common word
	for i := range n {
		if i&1 == 0 {
			x = g.pcg.Uint64()
		} else {
			x >>= 32
		}
		if cap(b)-len(b) < 64 {
			b = slices.Grow(b, 4096)
		}
		sel := x & 1023
		if sel >= 168 { // common word (84% of tokens)
			wi := v.commonZip[(x>>10)&0xffff]
			if wi == prev { // avoid "the the"
				wi = (wi + 1) % uint16(len(v.commonPad))
			}
			prev = wi
			w := &v.commonPad[wi]
			l := len(b)
			b = b[:l+16]
			*(*padWord)(b[l:]) = *w
			b = b[:l+int(w[15])]
			if sel < 200 && i < n-1 {
				b = append(b, ',')
			}
			continue
		}
		a := g.pcg.Uint64()
		prev = uint16(len(v.commonPad))
		b = append(b, ' ')
		switch {
		case sel < 45: // story key term
			b = append(b, s.terms[a%uint64(len(s.terms))]...)
		case sel < 75: // story entity
			switch a % 5 {
			case 0, 1:
				b = append(b, s.people[(a/5)%uint64(len(s.people))].surname...)
			case 2:
				b = append(b, s.place...)
			case 3:
				b = append(b, s.org...)
			default:
				b = append(b, s.place2...)
			}
		case sel < 160: // topic vocabulary
			if a&1 == 0 {
				b = append(b, td.terms[(a>>1)%uint64(len(td.terms))]...)
			} else {
				b = append(b, td.nouns[(a>>1)%uint64(len(td.nouns))]...)
			}
		default: // a number
			b = strconv.AppendUint(b, 2+(a>>8)%97, 10)
			switch a & 3 {
			case 0:
				b = append(b, " percent"...)
				g.words++
			case 1:
				b = append(b, " million"...)
				g.words++
			}
		}
	}
	g.words += n
	g.line = b
}

// appendJSONString appends s as a quoted JSON string.
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
