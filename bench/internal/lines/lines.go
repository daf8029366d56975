// Package lines reads the JSON-lines streams the bench/ tools take in.
package lines

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Skip reads past up to n non-blank lines of r without keeping them (a
// line may be longer than r's buffer), and returns how many it passed:
// fewer than n only when r ended. Resumed fills skip the lines a kept
// store holds already this way, without holding them in memory.
func Skip(r *bufio.Reader, n int) (int, error) {
	k := 0
	for k < n {
		b, err := r.ReadSlice('\n')
		blank := len(bytes.TrimSpace(b)) == 0
		for errors.Is(err, bufio.ErrBufferFull) {
			blank = false // a line longer than the buffer holds something
			_, err = r.ReadSlice('\n')
		}
		if !blank {
			k++
		}
		if errors.Is(err, io.EOF) {
			return k, nil
		}
		if err != nil {
			return k, fmt.Errorf("read input: %w", err)
		}
	}
	return k, nil
}
