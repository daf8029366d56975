//go:build race

package story

// raceEnabled reports whether the race detector is on: it makes the corpus
// runs several times slower.
const raceEnabled = true
