package herald

import (
	"context"
	"time"
)

// Correction is a note an outlet added to one of its articles: a
// correction, a clarification or an editor's note (see
// internal/correction). Herald shows it at the top of its copy and lists
// it on /corrections.
type Correction struct {
	ArticleID int64
	Text      string
	FoundAt   time.Time // when Herald first read it

	// Filled by FindCorrections, for the list.
	ArticleSlug  string
	ArticleTitle string
	Licence      Licence // the article's: a headline's notes are not shown
	SourceName   string
	SourceSlug   string
}

// MaxCorrectionLen bounds one note as stored.
const MaxCorrectionLen = 1000

// CorrectionFilter selects the newest corrections, FoundAt first.
type CorrectionFilter struct {
	ArticleID int64  // one article's; 0 for every article's
	Cursor    string // from a previous page's next cursor
	Limit     int    // at most MaxPageSize; 0 means DefaultPageSize
}

// CorrectionService keeps the notes found in articles.
type CorrectionService interface {
	// AddCorrections records the notes found in a version of the
	// article; a note recorded before keeps its time, and one the outlet
	// later removed stays listed (a correction, once made, is history).
	// An unknown article is ENOTFOUND; a note longer than
	// MaxCorrectionLen is cut.
	AddCorrections(ctx context.Context, articleID int64, notes []string) error
	// FindCorrections returns one page of corrections, newest first, and
	// the next page's cursor ("" on the last).
	FindCorrections(ctx context.Context, f CorrectionFilter) ([]*Correction, string, error)
}
