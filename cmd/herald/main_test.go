package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runHerald runs the command line in-process and returns what it printed.
func runHerald(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut})
	return out.String(), errOut.String(), err
}

func TestImportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	lines := `{"url":"https://a.example/1","title":"One","text":"Body.","source":"A News"}
{"url":"https://a.example/2","title":"Two","text":"Body.","source":"A News","published_at":"not a date"}
{"url":"https://a.example/3","title":"Three","html":"<p>Body.</p>","source":"A News","licence":"headline"}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runHerald(t, "", "import", "--db", db, file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	for _, want := range []string{"line 2: published_at \"not a date\" is not an RFC 3339 time", "imported 2, skipped 0 (already present), rejected 1"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	_, stderr, err = runHerald(t, lines, "import", "--db", db, "-")
	if err != nil || !strings.Contains(stderr, "imported 0, skipped 2 (already present), rejected 1") {
		t.Errorf("re-import from stdin: %v\n%s", err, stderr)
	}
}

func TestClearErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"UnwritableDB", []string{"import", "--db", filepath.Join(dir, "missing", "herald.db"), "-"}, "cannot open database"},
		{"MissingFile", []string{"import", "--db", filepath.Join(dir, "h.db"), filepath.Join(dir, "nope.jsonl")}, "cannot read"},
		{"ServeUnwritableDB", []string{"serve", "--db", "/proc/herald.db", "--addr", "127.0.0.1:0"}, "cannot open database /proc/herald.db"},
		{"BadAddr", []string{"serve", "--db", filepath.Join(dir, "h2.db"), "--addr", "not-an-address"}, "cannot listen on not-an-address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runHerald(t, "", tt.args...)
			if err == nil {
				t.Fatal("succeeded")
			}
			msg := message(err)
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || strings.Contains(stderr, "goroutine") {
				t.Errorf("message %q (stderr %q); want one line containing %q", msg, stderr, tt.want)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"serve", "--no-such-flag"}, {"import"}} {
		_, stderr, err := runHerald(t, "", args...)
		if err != errUsage || !strings.Contains(stderr, "herald") && !strings.Contains(stderr, "Usage") {
			t.Errorf("%q: err %v, stderr %q", args, err, stderr)
		}
	}
}

// TestServeStartsAndStops runs the real server with the demo world: it
// prints its address first, answers, and returns cleanly when told to stop.
func TestServeStartsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "herald.db")
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--db", db},
			env{stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard})
		pw.Close()
	}()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	url := strings.TrimSpace(first)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the address", first)
	}
	for _, path := range []string{"/healthz", "/", "/api/v1/articles"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after a clean stop", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database not created: %v", err)
	}
}
