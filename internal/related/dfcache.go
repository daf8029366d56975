package related

import (
	"context"
	"sync"
	"time"
)

// dfCache remembers the document frequencies of common terms. Counting a
// term's articles costs the store time in proportion to the count, and
// the common terms of the articles arriving now are mostly the same, so
// the counts are kept for a while; they change little in that time.
// Rare terms are always counted afresh: their counts are cheap, and the
// second article to carry a new name must find the first.
type dfCache struct {
	mu      sync.Mutex
	entries map[string]cachedDF
}

type cachedDF struct {
	df int
	at time.Time
}

// Limits of the cache: a term counted in fewer than dfCacheMin articles is
// not kept, an entry is trusted for dfCacheAge, and the cache is emptied
// when it holds dfCacheSize terms (a year of news uses fewer).
const (
	dfCacheMin  = 200
	dfCacheAge  = 10 * time.Minute
	dfCacheSize = 200000
)

// termDocs returns docs and the document frequency of each of terms, like
// the store's TermDocs, asking the store only for the terms not cached.
func (c *dfCache) termDocs(ctx context.Context, s Store, terms []string, now time.Time) (int, []int, error) {
	df := make([]int, len(terms))
	var ask []string
	var at []int
	c.mu.Lock()
	for i, t := range terms {
		if e, ok := c.entries[t]; ok && now.Sub(e.at) < dfCacheAge {
			df[i] = e.df
			continue
		}
		ask, at = append(ask, t), append(at, i)
	}
	c.mu.Unlock()
	docs, counted, err := s.TermDocs(ctx, ask)
	if err != nil {
		return 0, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= dfCacheSize {
		c.entries = map[string]cachedDF{}
	}
	for j, i := range at {
		df[i] = counted[j]
		if counted[j] >= dfCacheMin {
			c.entries[terms[i]] = cachedDF{df: counted[j], at: now}
		}
	}
	return docs, df, nil
}
