package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/herald-news/herald/internal/extract"
)

// maxPage bounds a page read by herald extract, as the fetcher bounds a
// fetched one.
const maxPage = 10 << 20

func runExtract(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	pageURL := fs.String("url", "", "the page's address, for making links absolute and naming the site")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: herald extract [--url URL] FILE|-")
		fmt.Fprintln(fs.Output(), "Prints the article extracted from an HTML page as JSON, as ingestion sees it.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, moveFlagsFirst(args), e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	in, _, err := openInput(fs.Arg(0), e.stdin)
	if err != nil {
		return err
	}
	defer in.Close()
	page, err := io.ReadAll(io.LimitReader(in, maxPage+1))
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", fs.Arg(0), err)
	}
	if len(page) > maxPage {
		return fmt.Errorf("%s is larger than %d MB", fs.Arg(0), maxPage>>20)
	}
	article, err := extract.Extract(page, *pageURL)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(extractOutput{
		Title: article.Title, Byline: article.Byline,
		PublishedAt: timeOrNull(article.PublishedAt), ModifiedAt: timeOrNull(article.ModifiedAt),
		SiteName: article.SiteName, CanonicalURL: article.CanonicalURL, Lang: article.Lang,
		Image: article.Image, Text: article.Text, HTML: article.HTML,
	})
}

// extractOutput is what herald extract prints: every field always
// present, dates null when the page gives none, so scripts need not guess.
type extractOutput struct {
	Title        string     `json:"title"`
	Byline       string     `json:"byline"`
	PublishedAt  *time.Time `json:"published_at"`
	ModifiedAt   *time.Time `json:"modified_at"`
	SiteName     string     `json:"site_name"`
	CanonicalURL string     `json:"canonical_url"`
	Lang         string     `json:"lang"`
	Image        string     `json:"image"`
	Text         string     `json:"text"`
	HTML         string     `json:"html"`
}

func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
