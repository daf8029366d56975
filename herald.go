// Package herald holds Herald's domain: the articles, sources and errors that
// every other package speaks in, and the service interfaces the stores
// implement. It imports only the standard library.
//
// Herald pulls news from sources, turns each page into a clean article and
// publishes a news site. The subpackages are arranged around this package:
// internal/sqlite and internal/postgres implement the services on one
// database each, internal/ingest is the one way into the store, and
// internal/web serves the site from the services.
package herald

import "context"

// Store is everything a Herald database provides. Both internal/sqlite and
// internal/postgres implement it, and internal/storetest checks that they
// keep the same contract.
type Store interface {
	ArticleService
	SourceService
	StoryService
	SearchService
	RelatedService
	CommentService
	UserService
	TopicService
	MediaService
	AuditService
	TakedownService
	ArticleEditService
	CorrectionService
	RevisionService
	CheckService

	// Version reports a number that grows whenever anything a page shows
	// has changed, in this process or another sharing the database. Caches
	// compare it to know when to drop what they hold.
	Version(ctx context.Context) (int64, error)

	Close() error
}
