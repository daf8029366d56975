package ingest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
)

// lineWith is an import line whose fields are good but for the JSON
// written after the url (fields later in a line win).
func lineWith(fields string) string {
	return `{"url":"https://a.example/checked","title":"Checked","text":"Body.","source":"A",` + fields + `}`
}

// TestImportClampsFutureDates checks that a date more than a day ahead is
// stored as the pipeline's now and reported with its line, and that the
// store holds the clamped date (9999 once came back as 1816).
func TestImportClampsFutureDates(t *testing.T) {
	db := mustOpen(t)
	now := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
	var warns, rejects []string
	im := &ingest.Importer{
		Pipeline: &ingest.Pipeline{Articles: db, Now: func() time.Time { return now }},
		OnWarn:   func(no int, msg string) { warns = append(warns, fmt.Sprintf("line %d: %s", no, msg)) },
		OnReject: func(no int, err error) { rejects = append(rejects, fmt.Sprintf("line %d: %v", no, err)) },
	}
	lines := []struct {
		published string
		want      time.Time
		warn      string // "" for none
	}{
		{"9999-12-31T23:59:59Z", now, "published_at 9999-12-31T23:59:59Z is more than a day ahead; taken as now (2026-03-10T18:00:00Z)"},
		{"2026-03-12T18:00:00Z", now, "published_at 2026-03-12T18:00:00Z is more than a day ahead; taken as now (2026-03-10T18:00:00Z)"},
		{"2026-03-11T17:00:00Z", time.Date(2026, 3, 11, 17, 0, 0, 0, time.UTC), ""}, // within the day
		{"2300-01-01T00:00:00Z", now, "published_at 2300-01-01T00:00:00Z is more than a day ahead"},
		{"", now, ""},
	}
	var input strings.Builder
	var wantWarns []string
	for i, l := range lines {
		fmt.Fprintf(&input, `{"url":"https://a.example/%d","title":"T %d","text":"Body %d.","source":"A","published_at":%q}`+"\n", i, i, i, l.published)
		if l.warn != "" {
			wantWarns = append(wantWarns, fmt.Sprintf("line %d: %s", i+1, l.warn))
		}
	}
	prog, err := im.Import(context.Background(), strings.NewReader(input.String()))
	if err != nil || prog.Imported != len(lines) || len(rejects) != 0 {
		t.Fatalf("Import: %+v, %v, rejects %q; want all %d imported", prog, err, rejects, len(lines))
	}
	if len(warns) != len(wantWarns) {
		t.Fatalf("warnings %q, want %q", warns, wantWarns)
	}
	for i := range warns {
		if !strings.HasPrefix(warns[i], wantWarns[i]) {
			t.Errorf("warning %q, want %q", warns[i], wantWarns[i])
		}
	}
	for i, l := range lines {
		a, err := db.FindArticleByID(context.Background(), int64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if !a.PublishedAt.Equal(l.want) {
			t.Errorf("published_at %q stored as %v, want %v", l.published, a.PublishedAt, l.want)
		}
	}
}

// TestPipelineDates checks the rule on dates for items from any way in:
// feeds and pages have applied it already, and the pipeline keeps to it.
func TestPipelineDates(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
	item := func(n int) ingest.Item {
		return ingest.Item{URL: fmt.Sprintf("https://feed.example/%d", n), Title: "T", Text: fmt.Sprintf("Body %d.", n), Source: "Feed"}
	}
	p := &ingest.Pipeline{Articles: mustOpen(t), Now: func() time.Time { return now }}
	it := item(20)
	it.PublishedAt = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	a, _, err := p.Add(ctx, it)
	if err != nil || !a.PublishedAt.Equal(now) {
		t.Errorf("9999-12-31 stored as %v (%v), want now", a.PublishedAt, err)
	}
	it = item(21)
	it.PublishedAt = time.Date(1850, 6, 1, 0, 0, 0, 0, time.UTC)
	_, _, err = p.Add(ctx, it)
	if herald.ErrorCode(err) != herald.EINVALID || herald.ErrorMessage(err) != "published_at 1850-06-01T00:00:00Z is before 1900" {
		t.Errorf("1850 gives %v, want EINVALID naming the date", err)
	}
}

// TestFollowerReportsFeedDates follows a feed whose dates are out of the
// window: the item dated 9999 is stored as now, the one dated 0001 as now
// too (its date set aside), and the log says why for each.
func TestFollowerReportsFeedDates(t *testing.T) {
	ctx := context.Background()
	feed := `<rss version="2.0"><channel><title>Odd Dates</title><link>http://odd.example/</link>` +
		`<item><title>Far ahead</title><link>http://odd.example/ahead</link><pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate>` +
		`<description>The harbour wall vote went ahead on Tuesday night after a long debate.</description></item>` +
		`<item><title>Placeholder</title><link>http://odd.example/zero</link><pubDate>0001-01-01T00:00:00Z</pubDate>` +
		`<description>The ferry timetable changes next month, the operator said on Monday.</description></item>` +
		`</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.xml" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, feed)
	}))
	t.Cleanup(srv.Close)
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: -1,
		HostAddrs: map[string]string{"odd.example": strings.TrimPrefix(srv.URL, "http://")}})
	db := mustOpen(t)
	src := &herald.Source{Name: "Odd Dates", Homepage: "http://odd.example/", FeedURL: "http://odd.example/feed.xml",
		Kind: herald.KindFeed, Licence: herald.LicenceFull, Fulltext: herald.FulltextNever}
	if err := db.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	var mu sync.Mutex
	f := &ingest.Follower{Store: db, Pipeline: &ingest.Pipeline{Articles: db}, Fetcher: client, Owner: "test",
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))}
	before := time.Now()
	if _, added, err := f.Check(ctx, src); err != nil || added != 2 {
		t.Fatalf("Check: %d added, %v; want 2", added, err)
	}
	after := time.Now()
	list, _, err := db.FindArticles(ctx, herald.ArticleFilter{SourceID: src.ID})
	if err != nil || len(list) != 2 {
		t.Fatalf("stored %d articles (%v), want 2", len(list), err)
	}
	for _, a := range list {
		if a.PublishedAt.Before(before.Add(-time.Second)) || a.PublishedAt.After(after) {
			t.Errorf("%s stored as published %v, want now", a.OriginalURL, a.PublishedAt)
		}
	}
	mu.Lock()
	got := log.String()
	mu.Unlock()
	for _, want := range []string{
		`url=http://odd.example/ahead reason="pubDate 9999-12-31T23:59:59Z is more than a day ahead; taken as now (`,
		`url=http://odd.example/zero reason="pubDate 0001-01-01T00:00:00Z is before 1900; set aside"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s:\n%s", want, got)
		}
	}
}

// lockedWriter lets a log be read while the follower's workers write it.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
