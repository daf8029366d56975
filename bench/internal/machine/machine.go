// Package machine describes the machine a benchmark runs on, for the
// reports the bench/ tools print beside their figures.
package machine

import (
	"os"
	"strings"
)

// LoadAvg returns the 1-, 5- and 15-minute load averages, or "" where
// /proc/loadavg cannot be read.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// CPUModel returns the processor's model name, or "" where /proc/cpuinfo
// does not say.
func CPUModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
