package demo

import (
	"sort"
	"sync"
	"time"
)

// The demo world is alive: a few minutes after it starts, one article is
// updated with a new paragraph, another gains a correction, and a third
// is retracted (its page answers 404 and it leaves its feed), so that a
// newcomer running `herald serve --demo` sees Herald follow each case.
// The three are articles of outlets whose pages Herald reads (their feeds
// carry summaries), so that Herald compares page with page.

// Change kinds.
const (
	ChangeUpdate     = "update"
	ChangeCorrection = "correction"
	ChangeRetraction = "retraction"
)

// LiveChange is one change the living demo makes to an article.
type LiveChange struct {
	Kind  string
	URL   string        // the article's address on the origin
	After time.Duration // after the origin went live
}

// liveSchedule is when each change happens after Live, and what it adds.
var liveSchedule = []struct {
	kind  string
	after time.Duration
	para  string
}{
	{ChangeUpdate, 90 * time.Second, "<p><strong>Update:</strong> Officials said on Wednesday afternoon that the figures had been revised after a second count, and that a full report would follow within a week.</p>"},
	{ChangeCorrection, 150 * time.Second, "<p>Correction: An earlier version of this article gave the wrong date for the next meeting; it is on the 14th, not the 12th.</p>"},
	{ChangeRetraction, 210 * time.Second, ""},
}

// life is the living part of an origin.
type life struct {
	mu      sync.Mutex
	start   time.Time
	now     func() time.Time
	changes map[*demoArticle]liveChange
}

type liveChange struct {
	kind  string
	at    time.Time
	extra string // HTML added at the end of the body
}

// Live starts the origin's changes, counted from now(); it returns them
// so the caller can say what will happen. Without Live, the world stays as
// it began.
func (o *Origin) Live(now func() time.Time) []LiveChange {
	l := &life{start: now(), now: now, changes: map[*demoArticle]liveChange{}}
	var summaryOutlets []*outlet
	for _, out := range o.sorted() {
		if out.Licence == "excerpt" {
			summaryOutlets = append(summaryOutlets, out)
		}
	}
	var planned []LiveChange
	for i, c := range liveSchedule {
		if len(summaryOutlets) == 0 {
			break
		}
		out := summaryOutlets[i%len(summaryOutlets)]
		a := newestUnchanged(out, l)
		if a == nil {
			continue
		}
		l.changes[a] = liveChange{kind: c.kind, at: l.start.Add(c.after), extra: c.para}
		planned = append(planned, LiveChange{Kind: c.kind, URL: out.localURL(a), After: c.after})
	}
	o.life = l
	return planned
}

func newestUnchanged(out *outlet, l *life) *demoArticle {
	list := append([]*demoArticle(nil), out.Articles...)
	sort.Slice(list, func(i, j int) bool { return list[i].published.After(list[j].published) })
	for _, a := range list {
		if _, taken := l.changes[a]; !taken {
			return a
		}
	}
	return nil
}

// version is an article as it stands now: its body, when it last changed
// (zero if never), and whether it was retracted.
func (o *Origin) version(a *demoArticle) (body string, changed time.Time, gone bool) {
	if o.life == nil {
		return a.body, time.Time{}, false
	}
	o.life.mu.Lock()
	c, ok := o.life.changes[a]
	now := o.life.now()
	o.life.mu.Unlock()
	if !ok || now.Before(c.at) {
		return a.body, time.Time{}, false
	}
	if c.kind == ChangeRetraction {
		return "", c.at, true
	}
	return a.body + "\n" + c.extra, c.at, false
}
