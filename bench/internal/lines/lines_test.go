package lines

import (
	"bufio"
	"strings"
	"testing"
)

func TestSkip(t *testing.T) {
	long := strings.Repeat("x", 100) // longer than the test reader's buffer
	tests := []struct {
		in       string
		n, want  int
		nextLine string
	}{
		{in: "a\n\nb\nc\n", n: 2, want: 2, nextLine: "c\n"},
		{in: "a\n" + long + "\nc\n", n: 2, want: 2, nextLine: "c\n"},
		{in: "a\n  \n", n: 3, want: 1, nextLine: ""},
		{in: "a\nb", n: 2, want: 2, nextLine: ""},
		{in: "a\nb\n", n: 0, want: 0, nextLine: "a\n"},
	}
	for _, tt := range tests {
		r := bufio.NewReaderSize(strings.NewReader(tt.in), 16)
		k, err := Skip(r, tt.n)
		if err != nil || k != tt.want {
			t.Errorf("Skip(%.10q…, %d) = %d, %v; want %d", tt.in, tt.n, k, err, tt.want)
			continue
		}
		if rest, _ := r.ReadString('\n'); rest != tt.nextLine {
			t.Errorf("after Skip(%.10q…, %d) the next line is %q; want %q", tt.in, tt.n, rest, tt.nextLine)
		}
	}
}
