package herald

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Topic is a subject readers follow across stories, such as "Harbour
// wall" or "Port Ellery council": a name, a slug for its page
// (/topics/{slug}) and the rules that decide which articles belong to it.
type Topic struct {
	ID        int64
	Name      string
	Slug      string // "" on add means made from Name
	Rules     TopicRules
	CreatedAt time.Time
	UpdatedAt time.Time

	// TaggedThrough is the highest article id the rules have been applied
	// to since they last changed. Articles above it are tagged on arrival
	// or by the re-tagging that runs after a change; while it is below the
	// store's newest article, re-tagging is under way (see FindArticlesToTag).
	TaggedThrough int64
	// ArticleCount is filled by the Find methods.
	ArticleCount int
}

// TopicRules say which articles belong to a topic: any Match word or
// phrase in the title or the lead, none of the Exclude ones, and, when
// Outlets is set, only articles from those outlets (source slugs). Words
// match whole and without regard to case: "port" does not match "Portugal".
type TopicRules struct {
	Match   []string `json:"match"`
	Exclude []string `json:"exclude,omitempty"`
	Outlets []string `json:"outlets,omitempty"`
}

// Limits on a topic.
const (
	MaxTopicNameLen = 100 // bytes
	MaxTopicRules   = 50  // words and phrases in Match and in Exclude each
	MaxRuleLen      = 100 // bytes of one word or phrase
)

// Validate reports the first thing wrong with t, as an EINVALID error.
// It makes the slug from the name when none is given, and trims the rules.
func (t *Topic) Validate() error {
	t.Name = strings.Join(strings.Fields(t.Name), " ")
	switch {
	case t.Name == "":
		return Errorf(EINVALID, "a topic needs a name")
	case len(t.Name) > MaxTopicNameLen:
		return Errorf(EINVALID, "topic name is longer than %d bytes", MaxTopicNameLen)
	case !utf8.ValidString(t.Name):
		return Errorf(EINVALID, "topic name is not valid UTF-8")
	}
	if t.Slug == "" {
		t.Slug = Slugify(t.Name)
	}
	if err := CheckTopicSlug(t.Slug); err != nil {
		return err
	}
	return t.Rules.Validate()
}

// CheckTopicSlug reports whether slug can name a topic's page: lower-case
// letters, digits and single inner hyphens, as Slugify makes them.
func CheckTopicSlug(slug string) error {
	if slug == "" || len(slug) > MaxSlugLen || Slugify(slug) != slug {
		return Errorf(EINVALID, "topic slug %q is not valid: use lower-case letters, digits and single hyphens, at most %d bytes (such as %q)",
			truncate(slug, 40), MaxSlugLen, "harbour-wall")
	}
	return nil
}

// Validate reports the first thing wrong with r, as an EINVALID error, and
// tidies its words: white space folded, duplicates dropped, outlets made
// slugs.
func (r *TopicRules) Validate() error {
	var err error
	if r.Match, err = cleanRules("match", r.Match); err != nil {
		return err
	}
	if r.Exclude, err = cleanRules("exclude", r.Exclude); err != nil {
		return err
	}
	if len(r.Match) == 0 {
		return Errorf(EINVALID, "a topic needs at least one word or phrase to match (--match)")
	}
	for _, m := range r.Match {
		if onlyStopWords(m) {
			return Errorf(EINVALID, "match %q would match almost every article: give a word or phrase that names the subject", m)
		}
	}
	outlets := r.Outlets[:0:0]
	for _, o := range r.Outlets {
		s := Slugify(o)
		if s == "" {
			return Errorf(EINVALID, "outlet %q is not an outlet's name or slug", o)
		}
		if !contains(outlets, s) {
			outlets = append(outlets, s)
		}
	}
	r.Outlets = outlets
	return nil
}

func cleanRules(what string, in []string) ([]string, error) {
	var out []string
	for _, w := range in {
		w = strings.Join(strings.Fields(w), " ")
		switch {
		case w == "":
			continue
		case len(w) > MaxRuleLen:
			return nil, Errorf(EINVALID, "%s %q is longer than %d bytes", what, truncate(w, 40), MaxRuleLen)
		case !utf8.ValidString(w):
			return nil, Errorf(EINVALID, "%s is not valid UTF-8", what)
		case len(ruleWords(w)) == 0:
			return nil, Errorf(EINVALID, "%s %q has no letters or digits", what, w)
		}
		if !contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) > MaxTopicRules {
		return nil, Errorf(EINVALID, "a topic may have at most %d %s words or phrases", MaxTopicRules, what)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Matches reports whether an article with this title and lead, from the
// outlet with this slug, belongs to the topic.
func (r TopicRules) Matches(title, lead, outlet string) bool {
	if len(r.Outlets) > 0 && !contains(r.Outlets, outlet) {
		return false
	}
	text := " " + strings.Join(ruleWords(title+"\n"+lead), " ") + " "
	has := func(phrase string) bool {
		return strings.Contains(text, " "+strings.Join(ruleWords(phrase), " ")+" ")
	}
	for _, x := range r.Exclude {
		if has(x) {
			return false
		}
	}
	for _, m := range r.Match {
		if has(m) {
			return true
		}
	}
	return false
}

// ruleWords returns the lower-cased words of s, apostrophes dropped so that
// "council's" and "councils" are spelt alike by rules and articles.
func ruleWords(s string) []string {
	s = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func onlyStopWords(phrase string) bool {
	for _, w := range ruleWords(phrase) {
		if !topicStopWords[w] && len([]rune(w)) > 1 {
			return false
		}
	}
	return true
}

// topicStopWords are words too common to tell one subject from another.
var topicStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for from with as is are was were be been being
		it its this that these those he she they we you i his her their our your my not no yes all any some more most
		new news said says say will would can could has have had do does did about after before over under up down out
		one two today year years day week time people than then there here what which who when where why how also just`) {
		m[w] = true
	}
	return m
}()

// DigestPoint is one point of a topic's "Latest developments" box: one
// sentence, from one article, standing for one development.
type DigestPoint struct {
	ID      int64
	TopicID int64
	// Development names what the point stands for, unique within the
	// topic: "article:42" for an article; "story:7" once articles are
	// grouped into stories. A newer article of the same development
	// refreshes the point rather than adding one.
	Development string
	ArticleID   int64
	Sentence    string    // as chosen by internal/digest
	PublishedAt time.Time // the article's

	// Editor's decisions, kept through every refresh.
	EditedText string // the editor's wording; "" keeps Sentence
	Pinned     bool   // shown whatever its age
	Hidden     bool   // never shown

	// Filled by FindDigest.
	ArticleSlug  string
	ArticleTitle string
	OriginalURL  string
	Source       *Source
}

// Text returns the point as readers see it: the editor's wording if any.
func (p *DigestPoint) Text() string {
	if p.EditedText != "" {
		return p.EditedText
	}
	return p.Sentence
}

// Digest sizes: the box shows at most DigestMax points; the store keeps a
// few more so that hiding one brings the next back.
const (
	DigestMax  = 6
	DigestKept = 30
	// MaxPointLen bounds a point's text, chosen or edited, in bytes.
	MaxPointLen = 600
)

// DigestEdit is an editor's change to a point. Nil fields do not change.
type DigestEdit struct {
	Pinned *bool
	Hidden *bool
	Text   *string // "" goes back to the chosen sentence
}

// Validate checks the edit, as an EINVALID error.
func (e DigestEdit) Validate() error {
	if e.Pinned == nil && e.Hidden == nil && e.Text == nil {
		return Errorf(EINVALID, "nothing to change")
	}
	if e.Text != nil {
		t := strings.Join(strings.Fields(*e.Text), " ")
		switch {
		case len(t) > MaxPointLen:
			return Errorf(EINVALID, "a point is at most %d bytes", MaxPointLen)
		case !utf8.ValidString(t):
			return Errorf(EINVALID, "the point's text is not valid UTF-8")
		}
		*e.Text = t
	}
	return nil
}

// TopicStory is one entry of a topic's page: a story with articles in
// the topic, or an article of the topic in no story.
type TopicStory struct {
	// Story is summarised as FindStories does: its lead, every article and
	// outlet, in the topic or not. For an article in no story, ID is 0
	// and the article is its lead and only article.
	Story *Story
	// Latest is the story's newest shown article in the topic: the page
	// is ordered by it. Filled without HTML and Text.
	Latest *Article
}

// DigestDecider chooses, from the points a topic's digest shows (as
// FindDigest returns them), the point to put for one development, or nil
// to put none. TopicService.RefreshDigest calls it under the topic's
// digest lock, so it must be quick and must not call the store.
type DigestDecider func(shown []*DigestPoint) (*DigestPoint, error)

// TopicService stores topics, which articles belong to them, and their
// digests. Find methods return an ENOTFOUND error when nothing matches.
type TopicService interface {
	// AddTopic validates and stores t, filling in ID, Slug and the times.
	// A slug already taken is an ECONFLICT error; nothing is written on
	// any error. The new topic has TaggedThrough 0: the caller tags the
	// existing articles (internal/ingest.Retag).
	AddTopic(ctx context.Context, t *Topic) error
	// UpdateTopic replaces the name and rules of the topic t.ID, and sets
	// TaggedThrough to 0 so that re-tagging starts again; the tags stay
	// until re-tagging replaces them.
	UpdateTopic(ctx context.Context, t *Topic) error
	FindTopicBySlug(ctx context.Context, slug string) (*Topic, error)
	// FindTopics returns every topic, by name.
	FindTopics(ctx context.Context) ([]*Topic, error)
	// FindTopicsOfArticles returns the topics of each article, the most
	// specific (fewest articles) first. Articles with none are absent.
	FindTopicsOfArticles(ctx context.Context, articleIDs []int64) (map[int64][]*Topic, error)
	// FindTopicArticles returns one page of the topic's articles like
	// FindArticles (shown copies only, newest first, f.Cursor and f.Limit;
	// other fields are ignored).
	FindTopicArticles(ctx context.Context, topicID int64, f ArticleFilter) ([]*Article, string, error)
	// FindTopicStories returns one page of the topic's stories, the one
	// whose newest article in the topic is newest first, and the next
	// page's cursor ("" on the last one). A shown article of the topic in
	// no story is an entry of its own. Each page costs what it lists (and
	// the older articles of its stories it passes), never a read of all
	// the topic's articles.
	FindTopicStories(ctx context.Context, topicID int64, f StoryFilter) ([]*TopicStory, string, error)

	// SetArticleTopics replaces the topics of an article, as found on its
	// arrival.
	SetArticleTopics(ctx context.Context, articleID int64, topicIDs []int64) error
	// FindArticlesToTag returns up to limit articles with an id above
	// after, in id order, with title, lead and source but no body, and
	// the highest article id stored (for progress).
	FindArticlesToTag(ctx context.Context, after int64, limit int) ([]*Article, int64, error)
	// TagArticles records, for one batch of re-tagging, which articles
	// belong to the topic and which do not any more (their points leave
	// its digest, whatever an editor decided), and moves TaggedThrough to
	// through, in one transaction. A topic changed since
	// (UpdatedAt differs from since) is left alone and ECONFLICT returned,
	// so a stale re-tagging cannot overwrite a newer one.
	TagArticles(ctx context.Context, topicID int64, since time.Time, in, out []int64, through int64) error

	// PutDigestPoint stores the point for p.Development in p.TopicID, or
	// refreshes the one stored (its article, sentence and time) keeping
	// the editor's decisions, then forgets the oldest points beyond
	// DigestKept that no editor touched. It fills p.ID.
	PutDigestPoint(ctx context.Context, p *DigestPoint) error
	// RefreshDigest reads the topic's digest as FindDigest(topicID,
	// false) does, passes it to decide, and puts the point decide returns
	// (none when nil; its TopicID is set to topicID) as PutDigestPoint
	// does, in one transaction that
	// holds the topic's digest lock: refreshes of one topic, in this
	// process or another, run one after the other, each deciding on the
	// points those before it put. An error from decide is returned and
	// nothing is written. A topic that does not exist is ENOTFOUND.
	RefreshDigest(ctx context.Context, topicID int64, decide DigestDecider) error
	// FindDigest returns the topic's points in one query: pinned first,
	// then newest first, at most DigestMax, hidden ones left out unless
	// all is set (then every kept point is returned).
	FindDigest(ctx context.Context, topicID int64, all bool) ([]*DigestPoint, error)
	// EditDigestPoint applies an editor's change. A point that no longer
	// exists is an ENOTFOUND error saying so.
	EditDigestPoint(ctx context.Context, id int64, e DigestEdit) error
}
