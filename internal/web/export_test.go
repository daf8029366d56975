package web

import "context"

// CatchUp makes the page cache see the store's current version now, so a
// test's first request is not answered from a cache that the watcher is
// about to drop.
func (s *Server) CatchUp(ctx context.Context) { s.refreshVersion(ctx) }
