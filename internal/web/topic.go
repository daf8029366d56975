package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/herald-news/herald"
)

// developmentsView is a "Latest developments on <topic>" box.
type developmentsView struct {
	Topic  *herald.Topic
	Points []pointView
}

// pointView is one point of the box: a sentence and where it comes from.
type pointView struct {
	Text      string
	Href      string // the article's page on this site
	Outlet    string
	Published time.Time
	Pinned    bool
}

func newDevelopments(t *herald.Topic, points []*herald.DigestPoint, without int64) *developmentsView {
	v := &developmentsView{Topic: t}
	for _, p := range points {
		if p.ArticleID == without {
			continue
		}
		v.Points = append(v.Points, pointView{
			Text: p.Text(), Href: "/articles/" + p.ArticleSlug, Outlet: p.Source.Name,
			Published: p.PublishedAt, Pinned: p.Pinned,
		})
	}
	if len(v.Points) == 0 {
		return nil
	}
	return v
}

// developmentsFor returns the box shown under article a: the digest of its
// most specific topic (the one with the fewest articles), without the
// point taken from a itself; nil when there is nothing to show.
func (s *Server) developmentsFor(ctx context.Context, a *herald.Article) (*developmentsView, error) {
	of, err := s.Store.FindTopicsOfArticles(ctx, []int64{a.ID})
	if err != nil || len(of[a.ID]) == 0 {
		return nil, err
	}
	t := of[a.ID][0]
	points, err := s.Store.FindDigest(ctx, t.ID, false)
	if err != nil {
		return nil, err
	}
	return newDevelopments(t, points, a.ID), nil
}

type topicView struct {
	layout
	Topic        *herald.Topic
	Developments *developmentsView
	Stories      []topicStoryItem
	Next         string
	IsFirst      bool
}

// topicStoryItem is an entry of a topic's page: a story as the home page
// shows it, with the outlet and time of its newest article in the topic,
// which orders the page.
type topicStoryItem struct {
	storyItem
	Latest       articleItem
	LatestIsLead bool
}

func newTopicStoryItem(e *herald.TopicStory) topicStoryItem {
	it := topicStoryItem{storyItem: newStoryItem(e.Story), Latest: newArticleItem(e.Latest), LatestIsLead: e.Latest.ID == e.Story.Lead.ID}
	if e.Story.ID == 0 {
		it.StoryHref, it.More = "", 0 // an article in no story
	}
	return it
}

// handleTopic shows a topic: its digest, then its stories, the one with
// the newest article in the topic first, a page at a time.
func (s *Server) handleTopic(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveCached(w, r, func() (*page, error) {
		ctx := r.Context()
		t, err := s.Store.FindTopicBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		path := "/topics/" + t.Slug
		v := topicView{layout: s.newLayout(t.Name, path), Topic: t}
		v.Canonical = s.absURL(path)
		v.Description = "The latest on " + t.Name + " from " + s.Config.SiteName + "."
		cursor := r.URL.Query().Get("after")
		v.IsFirst = cursor == ""
		v.NoIndex = !v.IsFirst
		if v.IsFirst {
			points, err := s.Store.FindDigest(ctx, t.ID, false)
			if err != nil {
				return nil, err
			}
			v.Developments = newDevelopments(t, points, 0)
		}
		list, next, err := s.Store.FindTopicStories(ctx, t.ID, herald.StoryFilter{Cursor: cursor, Limit: herald.DefaultPageSize})
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			v.Stories = append(v.Stories, newTopicStoryItem(e))
		}
		if next != "" {
			v.Next = path + "?after=" + url.QueryEscape(next)
		}
		items := make([]*articleItem, len(v.Stories))
		for i := range v.Stories {
			items[i] = &v.Stories[i].articleItem
		}
		if err := s.fillThumbs(ctx, items...); err != nil {
			return nil, err
		}
		return s.htmlPage("topic.html", v)
	})
}

// handleTopicRSS is a topic's feed: its latest articles.
func (s *Server) handleTopicRSS(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveCached(w, r, func() (*page, error) {
		t, err := s.Store.FindTopicBySlug(r.Context(), slug)
		if err != nil {
			return nil, err
		}
		list, _, err := s.Store.FindTopicArticles(r.Context(), t.ID, herald.ArticleFilter{Limit: feedSize})
		if err != nil {
			return nil, err
		}
		items, err := s.rssItems(r.Context(), list)
		if err != nil {
			return nil, err
		}
		feed := newRSS(rssChannel{
			Title:       t.Name + " — " + s.Config.SiteName,
			Link:        s.topicURL(t.Slug),
			Description: "The latest on " + t.Name + " from " + s.Config.SiteName,
			Language:    "en",
			Self:        atomLink{Href: s.topicURL(t.Slug) + "/rss.xml", Rel: "self", Type: "application/rss+xml"},
			Items:       items,
		})
		if len(list) > 0 {
			feed.Channel.LastBuildDate = rssDate(list[0].PublishedAt)
		}
		return xmlPage("application/rss+xml; charset=utf-8", feed)
	})
}

// apiTopic is a topic in the JSON API.
type apiTopic struct {
	Name         string          `json:"name"`
	Slug         string          `json:"slug"`
	URL          string          `json:"url"`
	ArticleCount *int            `json:"article_count,omitempty"`
	Rules        *apiTopicRules  `json:"rules,omitempty"`
	Digest       []apiDigestItem `json:"digest,omitempty"`
}

type apiTopicRules struct {
	Match   []string `json:"match"`
	Exclude []string `json:"exclude"`
	Outlets []string `json:"outlets"`
}

// apiDigestItem is one point of a topic's latest developments.
type apiDigestItem struct {
	Text        string    `json:"text"`
	ArticleURL  string    `json:"article_url"`
	OriginalURL string    `json:"original_url"`
	Source      string    `json:"source"`
	PublishedAt time.Time `json:"published_at"`
	Pinned      bool      `json:"pinned,omitempty"`
}

func (s *Server) apiTopic(t *herald.Topic, full bool) apiTopic {
	v := apiTopic{Name: t.Name, Slug: t.Slug, URL: s.absURL("/topics/" + t.Slug)}
	if full {
		n := t.ArticleCount
		v.ArticleCount = &n
		v.Rules = &apiTopicRules{Match: orEmpty(t.Rules.Match), Exclude: orEmpty(t.Rules.Exclude), Outlets: orEmpty(t.Rules.Outlets)}
	}
	return v
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func (s *Server) apiDigest(points []*herald.DigestPoint) []apiDigestItem {
	out := []apiDigestItem{}
	for _, p := range points {
		out = append(out, apiDigestItem{
			Text: p.Text(), ArticleURL: s.absURL("/articles/" + p.ArticleSlug), OriginalURL: p.OriginalURL,
			Source: p.Source.Name, PublishedAt: p.PublishedAt.UTC(), Pinned: p.Pinned,
		})
	}
	return out
}

// articleTopics returns the API form of each article's topics, most
// specific first, in one query.
func (s *Server) articleTopics(ctx context.Context, list []*herald.Article) (map[int64][]apiTopic, error) {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	of, err := s.Store.FindTopicsOfArticles(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]apiTopic{}
	for _, a := range list {
		out[a.ID] = []apiTopic{}
		for _, t := range of[a.ID] {
			out[a.ID] = append(out[a.ID], s.apiTopic(t, false))
		}
	}
	return out, nil
}

func (s *Server) handleAPITopics(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		topics, err := s.Store.FindTopics(r.Context())
		if err != nil {
			return nil, err
		}
		out := apiList[apiTopic]{Items: []apiTopic{}}
		for _, t := range topics {
			out.Items = append(out.Items, s.apiTopic(t, true))
		}
		return jsonPage(out)
	})
}

func (s *Server) handleAPITopic(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		t, err := s.Store.FindTopicBySlug(r.Context(), r.PathValue("slug"))
		if err != nil {
			return nil, err
		}
		points, err := s.Store.FindDigest(r.Context(), t.ID, false)
		if err != nil {
			return nil, err
		}
		v := s.apiTopic(t, true)
		v.Digest = s.apiDigest(points)
		return jsonPage(v)
	})
}

func (s *Server) handleAPITopicDigest(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		t, err := s.Store.FindTopicBySlug(r.Context(), r.PathValue("slug"))
		if err != nil {
			return nil, err
		}
		points, err := s.Store.FindDigest(r.Context(), t.ID, false)
		if err != nil {
			return nil, err
		}
		return jsonPage(apiList[apiDigestItem]{Items: s.apiDigest(points)})
	})
}
