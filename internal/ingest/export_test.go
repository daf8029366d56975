package ingest

import (
	"context"

	"github.com/herald-news/herald"
)

// TopicsPrepare and TopicsStore expose the two steps of Add, so that a
// benchmark can time the one-at-a-time store step alone.
func (p *Pipeline) TopicsPrepare(it Item) (*herald.Article, error) {
	a, _, err := p.prepare(it)
	return a, err
}

func (p *Pipeline) TopicsStore(ctx context.Context, a *herald.Article) (bool, error) {
	return p.store(ctx, a, "")
}

// TopicsForgetAhead drops the digest points chosen while preparing, so
// that the store step chooses them itself, as it did before they were
// chosen ahead.
func (p *Pipeline) TopicsForgetAhead() {
	p.topics.aheadMu.Lock()
	defer p.topics.aheadMu.Unlock()
	p.topics.ahead = nil
}
