package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sanitize"
)

type articleView struct {
	layout
	Article   *herald.Article
	Licence   herald.Licence
	Body      template.HTML // the part of the body the licence allows
	Source    *herald.Source
	IsFull    bool
	IsExcerpt bool
	// AlsoBy lists the other outlets that published this text.
	AlsoBy []herald.Copy
	// Story links to the article's story when it holds other articles.
	Story *storyLink
	// Related is "You may also like".
	Related []articleItem
	// Comments is the thread and the form under the article.
	Comments commentsView
	// Developments is the "Latest developments" box; nil for none.
	Developments *developmentsView
	// Lead is the lead picture, under the headline; nil for none stored.
	Lead *picture
	// DeskHref, for a signed-in editor, is the article's page in the desk.
	DeskHref string
	// Corrections are the outlet's corrections and editor's notes, shown
	// at the top.
	Corrections []*herald.Correction
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if personalRequest(r) && s.serveVisitorArticle(w, r, slug) {
		return
	}
	s.serveCached(w, r, func() (*page, error) {
		a, err := s.Store.FindArticleBySlug(r.Context(), slug)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return s.gonePage(r, slug, err)
		}
		if err != nil {
			return nil, err
		}
		if a.DuplicateOf != 0 {
			// Another outlet's copy of this text has the page.
			shown, err := s.Store.FindArticleByID(r.Context(), a.DuplicateOf)
			if err != nil {
				return nil, err
			}
			return redirectPage("/articles/" + shown.Slug), nil
		}
		v, err := s.articlePageView(r.Context(), a)
		if err != nil {
			return nil, err
		}
		if v.Comments, err = s.buildComments(r, a, commentState{}); err != nil {
			return nil, err
		}
		p, err := s.htmlPage("article.html", v)
		if err == nil {
			p.expires = s.now().Add(articleFormLifetime)
		}
		return p, err
	})
}

// articlePageView is everything the article page shows but the comments,
// the same for every reader: the article, its story, its topic's latest
// developments, its related list.
func (s *Server) articlePageView(ctx context.Context, a *herald.Article) (articleView, error) {
	images, err := s.Store.FindArticleImages(ctx, []int64{a.ID})
	if err != nil {
		return articleView{}, err
	}
	v := s.articleView(a, images[a.ID])
	if v.Story, err = s.findStoryLink(ctx, a); err != nil {
		return v, err
	}
	if v.Related, err = s.relatedItems(ctx, a); err != nil {
		return v, err
	}
	if err := s.fillThumbs(ctx, itemPointers(v.Related)...); err != nil {
		return v, err
	}
	if v.Developments, err = s.developmentsFor(ctx, a); err != nil {
		return v, err
	}
	if v.Corrections, err = s.articleCorrections(ctx, a); err != nil {
		return v, err
	}
	return v, nil
}

// articleView is the article's own part of its page; images are its
// pictures (FindArticleImages).
func (s *Server) articleView(a *herald.Article, images []herald.ArticleImage) articleView {
	self := s.absURL("/articles/" + a.Slug)
	v := articleView{layout: s.newLayout(a.Title, self), Article: a, Licence: a.Licence, Source: a.Source}
	for _, c := range a.Copies {
		if c.ArticleID != a.ID {
			v.AlsoBy = append(v.AlsoBy, c)
		}
	}
	v.Description = summary(a)
	lead, hasLead := storedLead(images)
	if a.Licence == herald.LicenceHeadline {
		hasLead, images = false, nil
	}
	skip := ""
	if hasLead {
		v.Lead = newPicture(lead, leadSizes)
		skip = lead.SourceURL
	}
	switch a.Licence {
	case herald.LicenceFull:
		v.IsFull = true
		// Sanitised when it was stored; balanced again because bodies
		// stored before sanitize.Article balanced them can leave a tag
		// open that would swallow the rest of the page.
		// Pictures are Herald's copies, or nothing.
		v.Body = template.HTML(bodyPictures(sanitize.Balance(a.HTML), images, skip))
		v.Canonical = a.OriginalURL
	case herald.LicenceExcerpt:
		v.IsExcerpt = true
		v.Body = template.HTML("<p>" + template.HTMLEscapeString(a.Lead) + "</p>")
		v.Canonical = self
	default:
		v.Canonical = self
	}
	v.Meta = []meta{
		{Property: "og:type", Content: "article"},
		{Property: "og:title", Content: a.Title},
		{Property: "og:url", Content: self},
		{Property: "og:site_name", Content: s.Config.SiteName},
		{Property: "article:published_time", Content: a.PublishedAt.UTC().Format("2006-01-02T15:04:05Z")},
		{Name: "twitter:title", Content: a.Title},
	}
	if v.Description != "" {
		v.Meta = append(v.Meta,
			meta{Property: "og:description", Content: v.Description},
			meta{Name: "twitter:description", Content: v.Description})
	}
	card, image := "summary", ""
	if c, ok := cardVariant(lead); hasLead && ok {
		card, image = "summary_large_image", s.absURL(mediaURL(lead.Hash, c))
		v.Meta = append(v.Meta,
			meta{Property: "og:image", Content: image},
			meta{Property: "og:image:width", Content: strconv.Itoa(c.Width)},
			meta{Property: "og:image:height", Content: strconv.Itoa(c.Height)})
		if lead.Alt != "" {
			v.Meta = append(v.Meta, meta{Property: "og:image:alt", Content: lead.Alt})
		}
		v.Meta = append(v.Meta, meta{Name: "twitter:image", Content: image})
	}
	v.Meta = append(v.Meta, meta{Name: "twitter:card", Content: card})
	v.JSONLD = jsonLD(newsArticleLD(a, self, s.Config.SiteName, s.absURL("/"), image))
	return v
}

// newsArticleLD is the schema.org NewsArticle that search engines read.
// image is the absolute address of Herald's copy of the lead picture; ""
// for none.
func newsArticleLD(a *herald.Article, self, siteName, home, image string) map[string]any {
	ld := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         a.Title,
		"datePublished":    a.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"dateModified":     modified(a).UTC().Format("2006-01-02T15:04:05Z"),
		"mainEntityOfPage": self,
		"url":              self,
		"isBasedOn":        a.OriginalURL,
		"publisher":        map[string]any{"@type": "Organization", "name": siteName, "url": home},
		"sourceOrganization": map[string]any{
			"@type": "NewsMediaOrganization", "name": a.Source.Name, "url": a.Source.Homepage,
		},
	}
	if author := strings.TrimSpace(strings.TrimPrefix(a.Byline, "By ")); author != "" {
		ld["author"] = map[string]any{"@type": "Person", "name": author}
	} else {
		ld["author"] = map[string]any{"@type": "Organization", "name": a.Source.Name}
	}
	if image != "" {
		ld["image"] = []string{image}
	}
	if a.Lang != "" {
		ld["inLanguage"] = a.Lang
	}
	return ld
}

// goneView is the page of an article no longer published.
type goneView struct {
	layout
	Takedown  *herald.Takedown
	Withdrawn bool
}

// gonePage answers for an article that is not stored: 410 Gone with the
// reason when it was taken down or withdrawn, notFound otherwise.
func (s *Server) gonePage(r *http.Request, slug string, notFound error) (*page, error) {
	t, err := s.Store.FindTakedown(r.Context(), slug)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	l := s.newLayout(t.Title, "")
	l.NoIndex = true
	body, err := s.render("gone.html", goneView{layout: l, Takedown: t, Withdrawn: t.Status == herald.StatusWithdrawn})
	if err != nil {
		return nil, err
	}
	return newPage(http.StatusGone, "text/html; charset=utf-8", body), nil
}

// modified is when the article last changed: its newest version's time,
// or its publication.
func modified(a *herald.Article) time.Time {
	if a.UpdatedAt.After(a.PublishedAt) {
		return a.UpdatedAt
	}
	return a.PublishedAt
}
