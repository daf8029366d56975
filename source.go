package herald

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Source is an outlet whose articles Herald republishes: the name shown in
// the attribution, and its homepage.
type Source struct {
	ID           int64
	Slug         string // from the name; unique
	Name         string
	Homepage     string
	CreatedAt    time.Time
	ArticleCount int // filled by FindSources and FindSourceBySlug
}

// MaxSourceNameLen bounds an outlet's name.
const MaxSourceNameLen = 200

// Validate reports the first thing wrong with s, as an EINVALID error.
func (s *Source) Validate() error {
	switch {
	case strings.TrimSpace(s.Name) == "":
		return Errorf(EINVALID, "source is required")
	case len(s.Name) > MaxSourceNameLen:
		return Errorf(EINVALID, "source is longer than %d bytes", MaxSourceNameLen)
	case Slugify(s.Name) == "":
		return Errorf(EINVALID, "source %q has no letters or digits", s.Name)
	case len(s.Homepage) > MaxURLLen:
		return Errorf(EINVALID, "source_url is longer than %d bytes", MaxURLLen)
	}
	if s.Homepage != "" {
		if err := CheckWebURL(s.Homepage); err != nil {
			return Errorf(EINVALID, "source_url: %s", ErrorMessage(err))
		}
	}
	return nil
}

// SourceService finds sources. Sources are created with their first
// article by ArticleService.AddArticle.
type SourceService interface {
	// FindSources returns every source, by name.
	FindSources(ctx context.Context) ([]*Source, error)
	// FindSourceBySlug returns an ENOTFOUND error when there is none.
	FindSourceBySlug(ctx context.Context, slug string) (*Source, error)
}

// CheckWebURL reports an EINVALID error unless s is an absolute http or
// https URL with a host.
func CheckWebURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return Errorf(EINVALID, "%q is not a URL", truncate(s, 80))
	case u.Scheme != "http" && u.Scheme != "https":
		return Errorf(EINVALID, "%q is not an http or https URL", truncate(s, 80))
	case u.Host == "":
		return Errorf(EINVALID, "%q has no host", truncate(s, 80))
	}
	return nil
}
