//go:build !race

package syndication

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
