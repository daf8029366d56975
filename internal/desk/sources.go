package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// SourceForm is what an editor typed to add or edit a source; every
// field is text as typed, checked here.
type SourceForm struct {
	URL      string // only when adding
	Name     string
	Licence  string
	Fulltext string
	Images   string // all, lead, none, or "" to follow the licence
	Every    string // a duration such as 30m; "" lets Herald decide
}

// settings checks f's settings and puts them on src.
func (f SourceForm) settings(src *herald.Source) error {
	var err error
	if src.Licence, err = herald.ParseLicence(f.Licence); err != nil {
		return onField("licence", err)
	}
	if src.Fulltext, err = herald.ParseFulltext(f.Fulltext); err != nil {
		return onField("fulltext", err)
	}
	if src.Images, err = herald.ParseImagePolicy(f.Images); err != nil {
		return onField("images", err)
	}
	if src.Every, err = parseEvery(f.Every); err != nil {
		return err
	}
	return nil
}

func parseEvery(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, invalid("every", "%q is not a duration such as 30m or 2h", s)
	}
	if d < herald.MinCheckInterval || d > herald.MaxCheckInterval {
		return 0, invalid("every", "%s is outside 5m to 24h", d)
	}
	return d, nil
}

// sourceValues is what the audit log keeps of a source's settings.
type sourceValues struct {
	Name     string `json:"name"`
	FeedURL  string `json:"feed_url,omitempty"`
	Licence  string `json:"licence,omitempty"`
	Fulltext string `json:"fulltext,omitempty"`
	Images   string `json:"images,omitempty"`
	Every    string `json:"every,omitempty"`
	Paused   bool   `json:"paused,omitempty"`
}

func valuesOf(s *herald.Source) sourceValues {
	v := sourceValues{Name: s.Name, FeedURL: s.FeedURL, Licence: string(s.Licence), Fulltext: string(s.Fulltext),
		Images: string(s.Images), Paused: s.Paused()}
	if s.Every != 0 {
		v.Every = s.Every.String()
	}
	return v
}

// resolve finds what an address typed by an editor is.
func (d *Desk) resolve(ctx context.Context, raw string) (*ingest.Resolved, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, invalid("url", "an address is required: a feed, a sitemap, a site's home page or an article")
	}
	if err := herald.CheckWebURL(raw); err != nil {
		return nil, onField("url", err)
	}
	if d.Client == nil {
		return nil, herald.Errorf(herald.EINVALID, "this process cannot fetch addresses")
	}
	r, err := ingest.Resolve(ctx, d.Client, raw)
	if err != nil {
		return nil, &FieldError{Field: "url", Message: fmt.Sprintf("%s: %s", raw, ingest.Describe(err))}
	}
	return r, nil
}

// AddSource finds what f.URL is, then follows it with f's settings; its
// first check is due at once. The note says what was found and chosen.
func (d *Desk) AddSource(ctx context.Context, a Actor, f SourceForm) (src *herald.Source, note string, err error) {
	if err := allow(a, "source"); err != nil {
		return nil, "", err
	}
	src = &herald.Source{Name: strings.TrimSpace(f.Name)}
	if err := f.settings(src); err != nil {
		return nil, "", err
	}
	r, err := d.resolve(ctx, f.URL)
	if err != nil {
		return nil, "", err
	}
	src.FeedURL, src.Kind, src.Homepage = r.FeedURL, r.Kind, r.Homepage
	if src.Name == "" {
		src.Name = r.Title
	}
	if src.Name == "" {
		return nil, r.Note, invalid("name", "%s gives no name for the outlet: give it one", f.URL)
	}
	if err := src.Validate(); err != nil {
		return nil, r.Note, onField("name", err)
	}
	return src, r.Note, d.addSource(ctx, a, src)
}

// AddFoundSource follows src as given, its address already known to be a
// feed (an OPML outline, say), without fetching it first.
func (d *Desk) AddFoundSource(ctx context.Context, a Actor, src *herald.Source) error {
	if err := src.Validate(); err != nil {
		return err
	}
	return d.addSource(ctx, a, src)
}

func (d *Desk) addSource(ctx context.Context, a Actor, src *herald.Source) error {
	ctx, err := audited(ctx, a, "source.add", src.FeedURL, nil, valuesOf(src))
	if err != nil {
		return err
	}
	if err := d.settle(ctx, a, d.Store.AddSource(ctx, src)); err != nil {
		if AlreadyDone(err, a) {
			return err
		}
		return onField("url", err)
	}
	return nil
}

// EditSource changes the settings f gives of the source with the slug.
func (d *Desk) EditSource(ctx context.Context, a Actor, slug string, f SourceForm) (*herald.Source, error) {
	if err := allow(a, "source"); err != nil {
		return nil, err
	}
	old, err := d.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	var next herald.Source
	if err := f.settings(&next); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(f.Name)
	if name == "" {
		return nil, invalid("name", "a name is required: it is shown in every attribution")
	}
	upd := herald.SourceUpdate{Name: &name, Licence: &next.Licence, Fulltext: &next.Fulltext, Images: &next.Images, Every: &next.Every}
	if err := upd.Validate(); err != nil {
		return nil, onField("name", err)
	}
	return d.updateSource(ctx, a, "source.update", old, upd)
}

// PauseSource stops (pause) or restarts the checks of the source.
func (d *Desk) PauseSource(ctx context.Context, a Actor, slug string, pause bool) (*herald.Source, error) {
	action := map[bool]string{true: "source.pause", false: "source.resume"}[pause]
	return d.changeSource(ctx, a, slug, action, herald.SourceUpdate{Paused: &pause})
}

// CheckSourceNow makes the source's next check due at once.
func (d *Desk) CheckSourceNow(ctx context.Context, a Actor, slug string) (*herald.Source, error) {
	return d.changeSource(ctx, a, slug, "source.check", herald.SourceUpdate{CheckNow: true})
}

// UpdateSource changes what upd names of the source with the slug.
func (d *Desk) UpdateSource(ctx context.Context, a Actor, slug string, upd herald.SourceUpdate) (*herald.Source, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	return d.changeSource(ctx, a, slug, "source.update", upd)
}

func (d *Desk) changeSource(ctx context.Context, a Actor, slug, action string, upd herald.SourceUpdate) (*herald.Source, error) {
	if err := allow(a, "source"); err != nil {
		return nil, err
	}
	old, err := d.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if upd.Paused != nil && !*upd.Paused && old.TakenDown() {
		// Resuming would fetch the outlet's new articles while its old
		// ones stay down: restoring does both.
		return nil, herald.Errorf(herald.ECONFLICT, "everything from %s is taken down (%s): restore the source to follow it again",
			old.Name, old.TakedownReason)
	}
	return d.updateSource(ctx, a, action, old, upd)
}

func (d *Desk) updateSource(ctx context.Context, a Actor, action string, old *herald.Source, upd herald.SourceUpdate) (*herald.Source, error) {
	ctx, err := audited(ctx, a, action, old.Slug, valuesOf(old), updateValues(old, upd))
	if err != nil {
		return nil, err
	}
	src, err := d.Store.UpdateSource(ctx, old.Slug, upd)
	return src, d.settle(ctx, a, err)
}

// Repicture reports whether the change from old to src changes which
// pictures the stored articles show: the caller then runs
// ingest.ApplyImagePolicy, which takes a while on a large source.
func Repicture(old, src *herald.Source) bool {
	return old.Images != src.Images
}

// updateValues is old with upd applied, as the audit log keeps it.
func updateValues(old *herald.Source, upd herald.SourceUpdate) sourceValues {
	v := valuesOf(old)
	if upd.Name != nil {
		v.Name = *upd.Name
	}
	if upd.Licence != nil {
		v.Licence = string(*upd.Licence)
	}
	if upd.Fulltext != nil {
		v.Fulltext = string(*upd.Fulltext)
	}
	if upd.Images != nil {
		v.Images = string(*upd.Images)
	}
	if upd.Every != nil {
		v.Every = ""
		if *upd.Every != 0 {
			v.Every = upd.Every.String()
		}
	}
	if upd.Paused != nil {
		v.Paused = *upd.Paused
	}
	return v
}

// RemoveSource stops following the source; with purge its articles are
// deleted too.
func (d *Desk) RemoveSource(ctx context.Context, a Actor, slug string, purge bool) error {
	if err := allow(a, "source"); err != nil {
		return err
	}
	old, err := d.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return err
	}
	action := "source.remove"
	if purge {
		action = "source.purge"
	}
	ctx, err = audited(ctx, a, action, slug, map[string]any{"source": valuesOf(old), "articles": old.ArticleCount}, nil)
	if err != nil {
		return err
	}
	return d.settle(ctx, a, d.Store.RemoveSource(ctx, slug, purge))
}

// SourcePreview is what adding an address would follow: the feed chosen
// and why, the other feeds its page advertised, and its first items as
// they would be stored.
type SourcePreview struct {
	Source *herald.Source // not stored
	Note   string
	Others []string
	Items  []ingest.PreviewItem
}

// PreviewItems is how many of a source's items a preview shows.
const PreviewItems = 3

// PreviewSource finds what f.URL is and reads its first items with f's
// settings, storing nothing.
func (d *Desk) PreviewSource(ctx context.Context, a Actor, f SourceForm) (*SourcePreview, error) {
	if err := allow(a, "source"); err != nil {
		return nil, err
	}
	src := &herald.Source{Name: strings.TrimSpace(f.Name)}
	if err := f.settings(src); err != nil {
		return nil, err
	}
	r, err := d.resolve(ctx, f.URL)
	if err != nil {
		return nil, err
	}
	src.FeedURL, src.Kind, src.Homepage = r.FeedURL, r.Kind, r.Homepage
	if src.Name == "" {
		src.Name = r.Title
	}
	p := &SourcePreview{Source: src, Note: r.Note}
	for _, u := range r.Advertised {
		if u != r.FeedURL {
			p.Others = append(p.Others, u)
		}
	}
	if p.Items, err = ingest.Preview(ctx, d.Client, src, PreviewItems); err != nil {
		return nil, &FieldError{Field: "url", Message: fmt.Sprintf("%s: %s", src.FeedURL, ingest.Describe(err))}
	}
	return p, nil
}
