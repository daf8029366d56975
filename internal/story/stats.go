package story

// MemStats is an in-memory Stats: a map of term → document frequency. It
// serves tests and benchmarks; the caller keeps the same counts in its
// database. A MemStats is not safe for concurrent use.
type MemStats struct {
	df   map[string]int
	docs int
}

var _ Stats = (*MemStats)(nil)

// NewMemStats returns empty statistics.
func NewMemStats() *MemStats { return &MemStats{df: map[string]int{}} }

// Observe counts one document with the given (distinct) tokens, as
// returned by Terms.
func (m *MemStats) Observe(toks []Token) {
	if m.df == nil {
		m.df = map[string]int{}
	}
	m.docs++
	for _, t := range toks {
		m.df[t.Term]++
	}
}

// DocFreq returns the number of observed documents containing term.
func (m *MemStats) DocFreq(term string) int { return m.df[term] }

// Docs returns the number of observed documents.
func (m *MemStats) Docs() int { return m.docs }
