package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/demo"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/web"
)

func runServe(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	db := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on; port 0 picks a free one")
	baseURL := fs.String("base-url", "", "the site's public address (default: the address it listens on)")
	siteName := fs.String("site-name", "Herald", "the site's name, shown in every page's header")
	withDemo := fs.Bool("demo", false, "load the bundled demo news world before serving")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "herald serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))

	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()

	if *withDemo {
		if err := loadDemo(ctx, store, logger); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	url := "http://" + ln.Addr().String()
	if *baseURL == "" {
		*baseURL = url
	}
	site, err := web.New(store, logger, web.Config{BaseURL: *baseURL, SiteName: *siteName})
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintln(e.stdout, url)

	watchCtx, stopWatching := context.WithCancel(context.Background())
	defer stopWatching()
	go site.WatchChanges(watchCtx)

	srv := &http.Server{
		Handler:           site.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: letting requests in flight finish")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// loadDemo imports the bundled demo world through the ingest pipeline.
// Articles already present are skipped, so restarting changes nothing.
func loadDemo(ctx context.Context, articles herald.ArticleService, logger *slog.Logger) error {
	world, err := demo.JSONL(time.Now())
	if err != nil {
		return err
	}
	im := &ingest.Importer{
		Pipeline: &ingest.Pipeline{Articles: articles},
		OnReject: func(line int, err error) {
			logger.Warn("demo article refused", "line", line, "err", message(err))
		},
	}
	prog, err := im.Import(ctx, bytes.NewReader(world))
	if err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	logger.Info("demo loaded", "imported", prog.Imported, "already_present", prog.Skipped, "rejected", prog.Rejected)
	return nil
}
