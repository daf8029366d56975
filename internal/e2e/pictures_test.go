package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const (
	picturesWait   = 90 * time.Second // until the demo's pictures are fetched and resized
	minHomeThumbs  = 4                // the home page shows at least this many thumbnails once ready
	imagesTimeout  = 20 * time.Second // scroll every picture into view and wait for it
	maxLayoutShift = 0.01             // the sum of layout-shift values a page may cause
)

// pictureArticle is the part of an item of GET /api/v1/articles that the
// pictures test reads.
type pictureArticle struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Licence string `json:"licence"`
	Image   *struct {
		URL string `json:"url"`
	} `json:"image"`
	StoryID *int64 `json:"story_id"`
}

// TestPictures starts "herald serve --demo", waits until the demo outlets'
// pictures are stored, and checks in Chromium, on a desktop and on a phone
// screen, that the home page, a story page and a full article with a lead
// picture show every picture from Herald's own origin, with its size set,
// asking no other origin for anything and moving nothing as they load.
func TestPictures(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium(t)
	bin := buildHerald(t)
	srv := startHerald(t, bin)
	lead := waitForPictures(t, srv.url)
	shots := screenshotDir(t)
	b := newBrowser(t, chromium, srv)

	pages := []struct {
		name, path string
		minImages  int
		lead       bool // the page must show a lead picture
	}{
		{name: "home", path: "/", minImages: minHomeThumbs},
		{name: "story", path: fmt.Sprintf("/stories/%d", *lead.StoryID), minImages: 1},
		{name: "article", path: "/articles/" + lead.Slug, minImages: 1, lead: true},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			for _, vp := range viewports {
				p, reqs := b.openWatched(t, pg.name+" "+pg.path, pg.path, vp)
				if p == nil {
					continue
				}
				p.checkPictures(pg.minImages, pg.lead)
				p.checkLayoutShift()
				p.screenshot(filepath.Join(shots, "pictures-"+pg.name+"-"+vp.name+".png"))
				p.close() // reports any request to another origin
				total, media, foreign := reqs.counts()
				t.Logf("%s: %d requests, %d of them for /media/, %d to another origin", p.name, total, media, foreign)
				if total == 0 || media == 0 {
					t.Errorf("%s: recorded %d requests, %d for /media/; the network events are not being seen", p.name, total, media)
				}
			}
		})
	}
}

// waitForPictures waits until the demo world has fetched enough pictures:
// the home page shows several thumbnails, and a full article with a lead
// picture belongs to a story. It returns that article.
func waitForPictures(t *testing.T, base string) pictureArticle {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	deadline := start.Add(picturesWait)
	var thumbs int
	for {
		var err error
		thumbs, err = countThumbs(client, base)
		if err != nil {
			t.Fatal(err)
		}
		if thumbs >= minHomeThumbs {
			var page struct {
				Items []pictureArticle `json:"items"`
			}
			getAPI(t, client, base+"/api/v1/articles?limit=100", &page)
			for _, a := range page.Items {
				if a.Licence == "full" && a.Image != nil && a.StoryID != nil {
					t.Logf("pictures ready after %s: %d thumbnails on the home page; lead picture %s on /articles/%s %q",
						time.Since(start).Round(100*time.Millisecond), thumbs, a.Image.URL, a.Slug, a.Title)
					return a
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the home page shows %d thumbnails (want %d) or no full article with a lead picture and a story is listed by %s/api/v1/articles",
				picturesWait, thumbs, minHomeThumbs, base)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// countThumbs counts the thumbnails of the home page.
func countThumbs(client *http.Client, base string) (int, error) {
	resp, err := client.Get(base + "/")
	if err != nil {
		return 0, fmt.Errorf("GET %s/: %w", base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, fmt.Errorf("GET %s/: read body: %w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s/: status %s", base, resp.Status)
	}
	return strings.Count(string(body), `<img class="thumb"`), nil
}

// requestLog counts the requests of one tab by where they go.
type requestLog struct {
	origin string // scheme://host:port of Herald

	mu                    sync.Mutex // mu guards the counts
	total, media, foreign int
}

// listen runs in chromedp's event loop, so it only counts.
func (l *requestLog) listen(ev any) {
	e, ok := ev.(*network.EventRequestWillBeSent)
	if !ok || e.Request == nil {
		return
	}
	u, err := url.Parse(e.Request.URL)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total++
	switch {
	case err != nil:
		l.foreign++
	case u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about":
	case u.Scheme+"://"+u.Host != l.origin:
		l.foreign++
	case strings.HasPrefix(u.Path, "/media/"):
		l.media++
	}
}

func (l *requestLog) counts() (total, media, foreign int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, l.media, l.foreign
}

// openWatched is browser.open with a layout-shift observer installed before
// the page loads and a count of the tab's requests. The observer is
// injected through DevTools, which the page's Content-Security-Policy does
// not govern.
func (b *browser) openWatched(t *testing.T, name, path string, vp viewport) (*page, *requestLog) {
	t.Helper()
	w := &watcher{host: b.srv.host}
	reqs := &requestLog{origin: b.srv.url}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(w.listen), chromedp.WithListener(reqs.listen))
	p := &page{t: t, name: fmt.Sprintf("%s (%s %dx%d)", name, vp.name, vp.width, vp.height), ctx: ctx, cancel: cancel, watch: w}
	if err := chromedp.Do(ctx); err != nil {
		t.Errorf("%s: open a tab: %v", p.name, err)
		cancel()
		return nil, nil
	}
	sctx, scancel := context.WithTimeout(ctx, stepTimeout)
	err := chromedp.Do(sctx, chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
	if err == nil {
		_, err = chromedp.Call(sctx, cdppage.AddScriptToEvaluateOnNewDocument,
			cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: jsObserveLayoutShift})
	}
	scancel()
	if err != nil {
		t.Errorf("%s: set the viewport and the layout-shift observer: %v", p.name, err)
		cancel()
		return nil, nil
	}
	nctx, ncancel := context.WithTimeout(ctx, navTimeout)
	resp, err := chromedp.Run(nctx, chromedp.NavigateResponse(b.srv.url+path))
	ncancel()
	if err != nil {
		t.Errorf("%s: load %s%s: %v", p.name, b.srv.url, path, err)
		cancel()
		return nil, nil
	}
	if resp == nil || resp.Status != http.StatusOK {
		status := "no response"
		if resp != nil {
			status = fmt.Sprintf("%d %s", resp.Status, resp.StatusText)
		}
		t.Errorf("%s: GET %s%s answered %s, want 200", p.name, b.srv.url, path, status)
		cancel()
		return nil, nil
	}
	return p, reqs
}

// pictureInfo is what jsLoadPictures reports of one <img>.
type pictureInfo struct {
	Src        string `json:"src"`
	CurrentSrc string `json:"currentSrc"`
	Complete   bool   `json:"complete"`
	Natural    int    `json:"naturalWidth"`
	Width      string `json:"width"`
	Height     string `json:"height"`
	SameOrigin bool   `json:"sameOrigin"`
	Lead       bool   `json:"lead"`
	Shown      bool   `json:"shown"`
}

// checkPictures scrolls every picture of the page into view, waits for it,
// and checks that at least min pictures are shown, that each one loaded
// from Herald's own origin and has its width and height set, and, when
// lead is true, that a lead picture is among them.
func (p *page) checkPictures(min int, lead bool) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, imagesTimeout+stepTimeout)
	defer cancel()
	imgs, err := chromedp.Run(ctx, chromedp.Evaluate[[]pictureInfo](jsLoadPictures, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Errorf("%s: load the pictures: %v", p.name, err)
		return
	}
	if len(imgs) < min {
		p.t.Errorf("%s: %d pictures, want at least %d", p.name, len(imgs), min)
	}
	leads := 0
	for _, img := range imgs {
		if img.Lead {
			leads++
		}
		switch {
		case !img.Complete || img.Natural == 0:
			p.t.Errorf("%s: picture %s did not load (complete %t, naturalWidth %d, shown %t)", p.name, img.Src, img.Complete, img.Natural, img.Shown)
		case !img.SameOrigin:
			p.t.Errorf("%s: picture %s loaded from %s, another origin", p.name, img.Src, img.CurrentSrc)
		}
		if img.Width == "" || img.Height == "" {
			p.t.Errorf("%s: picture %s has width=%q height=%q; both must be set so that nothing moves as it loads", p.name, img.Src, img.Width, img.Height)
		}
	}
	if lead && leads == 0 {
		p.t.Errorf("%s: no lead picture (figure.lead-picture img) among its %d pictures", p.name, len(imgs))
	}
	p.t.Logf("%s: %d pictures loaded, %d lead", p.name, len(imgs), leads)
}

// layoutShift is what jsLayoutShift reports.
type layoutShift struct {
	Sum     float64 `json:"sum"`
	Entries []struct {
		Value   float64  `json:"value"`
		Time    float64  `json:"time"`
		Sources []string `json:"sources"`
	} `json:"entries"`
}

// checkLayoutShift checks that the layout shifts the page caused without
// input, as Chromium's PerformanceObserver reported them since the page
// began to load, sum to less than maxLayoutShift.
func (p *page) checkLayoutShift() {
	p.t.Helper()
	var ls layoutShift
	if !p.eval(jsLayoutShift, &ls) {
		return
	}
	p.t.Logf("%s: layout shift %.4f in %d entries", p.name, ls.Sum, len(ls.Entries))
	if ls.Sum >= maxLayoutShift {
		var what []string
		for _, e := range ls.Entries {
			what = append(what, fmt.Sprintf("%.4f at %.0f ms moving %s", e.Value, e.Time, strings.Join(e.Sources, ", ")))
		}
		p.t.Errorf("%s: layout shift sums to %.4f, want < %g: %s", p.name, ls.Sum, maxLayoutShift, strings.Join(what, "; "))
	}
}

// jsObserveLayoutShift runs in every new document before the page's own
// scripts, and adds up the layout shifts that no input caused.
const jsObserveLayoutShift = `(() => {
	const state = {sum: 0, entries: [], supported: false};
	window.__heraldLayoutShift = state;
	const describe = (n) => {
		if (!n || n.nodeType !== 1) return n ? n.nodeName : "?";
		let s = n.tagName.toLowerCase();
		if (n.id) s += "#" + n.id;
		if (n.className && typeof n.className === "string") s += "." + n.className.trim().split(/\s+/).join(".");
		return s;
	};
	try {
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) {
				if (e.hadRecentInput) continue;
				state.sum += e.value;
				state.entries.push({value: e.value, time: e.startTime, sources: (e.sources || []).map((s) => describe(s.node))});
			}
		}).observe({type: "layout-shift", buffered: true});
		state.supported = true;
	} catch (err) {
		state.error = String(err);
	}
})()`

// jsLayoutShift reads what jsObserveLayoutShift gathered (jsLoadPictures
// has waited two frames since the last picture, so its entries are in). It
// throws when the observer is missing, so that a page it never ran in fails
// instead of passing.
const jsLayoutShift = `(() => {
	const s = window.__heraldLayoutShift;
	if (!s || !s.supported) throw new Error("the layout-shift observer is not installed: " + (s && s.error));
	return {sum: s.sum, entries: s.entries};
})()`

// jsLoadPictures scrolls each picture that has not loaded into view, waits
// for it to load or fail, scrolls back to the top, and describes every
// <img> of the page.
const jsLoadPictures = `(async () => {
	const imgs = Array.from(document.images);
	const settle = (img) => new Promise((resolve) => {
		if (img.complete) return resolve();
		img.addEventListener("load", resolve, {once: true});
		img.addEventListener("error", resolve, {once: true});
		setTimeout(resolve, 5000);
	});
	for (const img of imgs) {
		if (img.complete && img.naturalWidth > 0) continue;
		img.scrollIntoView({block: "center"});
		await settle(img);
	}
	// Wait for decoding too, but not for a picture that never loads.
	await Promise.all(imgs.map((img) => Promise.race([img.decode().catch(() => {}), new Promise((r) => setTimeout(r, 2000))])));
	window.scrollTo(0, 0);
	await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
	await new Promise((r) => setTimeout(r, 200));
	return imgs.map((img) => {
		const r = img.getBoundingClientRect();
		let same = false;
		try { same = new URL(img.currentSrc).origin === location.origin; } catch (e) {}
		return {
			src: img.getAttribute("src"),
			currentSrc: img.currentSrc,
			complete: img.complete,
			naturalWidth: img.naturalWidth,
			width: img.getAttribute("width") || "",
			height: img.getAttribute("height") || "",
			sameOrigin: same,
			lead: img.closest("figure.lead-picture") !== null,
			shown: r.width > 0 && r.height > 0,
		};
	});
})()`
