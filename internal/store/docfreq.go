package store

import (
	"slices"
	"sync"
	"time"
)

// Pending document frequencies: the story placement counts every placed
// article's terms (story_terms), and writing those counts one article at a
// time rewrites a page of the terms' B-tree for nearly every term — about
// 1.5 MB written per article on SQLite, far more than the article itself.
// A store keeps the counts of recent placements in a DocFreqBuffer
// instead and adds them in one statement once enough have gathered, where
// the common terms of many articles share their pages.
//
// The counts are statistics that weigh terms, not records: until they are
// written, this process reads them from the buffer, and another process
// sharing the database reads slightly older weights. Counts not yet
// written when a process dies are lost, which leaves the weights a little
// low; nothing else depends on them.

// Flush thresholds: counts are written when this many articles have been
// counted, or when the oldest pending count is this old.
const (
	DocFreqFlushDocs = 256
	DocFreqFlushAge  = 30 * time.Second
)

// DocFreqBuffer holds counted articles' term counts not yet written. It is
// safe for concurrent use; a store flushes it under its placement lock.
type DocFreqBuffer struct {
	mu     sync.Mutex
	docs   int
	df     map[string]int
	oldest time.Time
}

// DocFreqDelta is a batch of counts to add to the stored ones: Terms
// sorted, Counts[i] the articles Terms[i] occurs in.
type DocFreqDelta struct {
	Docs   int
	Terms  []string
	Counts []int
}

// Count counts one more article with terms (repeats are counted once).
// The caller calls it once the article's placement has committed.
func (b *DocFreqBuffer) Count(terms []string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.df == nil {
		b.df = make(map[string]int)
	}
	if b.docs == 0 {
		b.oldest = now
	}
	b.docs++
	for _, t := range DistinctTerms(terms) {
		b.df[t]++
	}
}

// AddPending adds the pending counts of terms to docs and df, counts read
// from the store, so that they describe every article counted so far.
func (b *DocFreqBuffer) AddPending(docs int, df map[string]int, terms []string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range DistinctTerms(terms) {
		if n := b.df[t]; n > 0 {
			df[t] += n
		}
	}
	return docs + b.docs
}

// Due reports whether the pending counts should be written now.
func (b *DocFreqBuffer) Due(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.docs >= DocFreqFlushDocs || (b.docs > 0 && now.Sub(b.oldest) >= DocFreqFlushAge)
}

// Pending returns the counts not yet written, terms sorted so that two
// writers take the rows' locks in one order. The buffer keeps them until
// Written says they are stored.
func (b *DocFreqBuffer) Pending() DocFreqDelta {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := DocFreqDelta{Docs: b.docs, Terms: make([]string, 0, len(b.df))}
	for t := range b.df {
		d.Terms = append(d.Terms, t)
	}
	slices.Sort(d.Terms)
	d.Counts = make([]int, len(d.Terms))
	for i, t := range d.Terms {
		d.Counts[i] = b.df[t]
	}
	return d
}

// Written takes d, returned by Pending and since committed, out of the
// buffer. Articles counted after Pending stay.
func (b *DocFreqBuffer) Written(d DocFreqDelta, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.docs -= d.Docs
	for i, t := range d.Terms {
		if b.df[t] -= d.Counts[i]; b.df[t] <= 0 {
			delete(b.df, t)
		}
	}
	if b.docs > 0 {
		b.oldest = now
	}
}
