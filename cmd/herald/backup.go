package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

const backupUsage = `Usage:
  herald backup [--db PATH] FILE

Writes a consistent snapshot of the SQLite store to FILE while herald serve
keeps serving and ingesting, checks it (integrity, search index, row
counts) and only then puts it under FILE. FILE opens as a Herald
database; "herald restore FILE" brings it back.

PostgreSQL is backed up with its own tools:
  pg_dump -Fc -f herald.dump 'postgres://…'
  pg_restore --no-owner -d 'postgres://…(an empty database)' herald.dump
`

func runBackup(ctx context.Context, args []string, e env) error {
	c := newCommand("backup", backupUsage)
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	if isPostgres(*c.db) {
		return errPostgresBackup
	}
	start := time.Now()
	snap, err := sqlite.BackupFile(ctx, *c.db, c.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %s in %s, checked\n%s\n", snap.Path, byteSize(snap.Bytes),
		time.Since(start).Round(time.Millisecond), snap.Counts)
	return nil
}

// errPostgresBackup sends the operator of a PostgreSQL store to pg_dump,
// which does consistent snapshots of a live database better than Herald
// could.
var errPostgresBackup = herald.Errorf(herald.EINVALID,
	"herald backup writes SQLite snapshots; back up PostgreSQL with pg_dump -Fc -f herald.dump 'postgres://…' and bring it back with pg_restore (see the README)")

// backupFlags are herald serve's flags for backups on a schedule.
type backupFlags struct {
	dir   *string
	every *time.Duration
	keep  *int
}

func addBackupFlags(fs *flag.FlagSet) *backupFlags {
	return &backupFlags{
		dir:   fs.String("backup-dir", "", "write a checked backup of the SQLite store into this `folder` on a schedule (default: none)"),
		every: fs.Duration("backup-every", 24*time.Hour, "how often to back up into --backup-dir (1h to 168h)"),
		keep:  fs.Int("backup-keep", 7, "how many of its backups to keep in --backup-dir; older ones are removed (1 to 1000)"),
	}
}

// Bounds of the backup flags: more often than hourly would copy a large
// store most of the time; less often than weekly is not a schedule to
// trust a newsroom's history to.
const (
	minBackupEvery = time.Hour
	maxBackupEvery = 7 * 24 * time.Hour
	maxBackupKeep  = 1000
)

// validate checks the flags before anything starts, so that a mistake
// stops serve at once with a clear message.
func (f *backupFlags) validate() error {
	if *f.dir == "" {
		return nil
	}
	if *f.every < minBackupEvery || *f.every > maxBackupEvery {
		return herald.Errorf(herald.EINVALID, "--backup-every %s is outside 1h to 168h (7 days)", *f.every)
	}
	if *f.keep < 1 || *f.keep > maxBackupKeep {
		return herald.Errorf(herald.EINVALID, "--backup-keep %d is outside 1 to %d", *f.keep, maxBackupKeep)
	}
	info, err := os.Stat(*f.dir)
	switch {
	case err != nil:
		return herald.Errorf(herald.EINVALID, "--backup-dir %s: the folder does not exist", *f.dir)
	case !info.IsDir():
		return herald.Errorf(herald.EINVALID, "--backup-dir %s is not a folder", *f.dir)
	}
	probe, err := os.CreateTemp(*f.dir, ".herald-write-test-*")
	if err != nil {
		return herald.Errorf(herald.EINVALID, "--backup-dir %s is not writable: %s", *f.dir, reasonOf(err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// schedule returns the backups the flags ask for, or nil when they ask
// for none.
func (f *backupFlags) schedule(store herald.Store, reg prometheus.Registerer, logger *slog.Logger) (*backupSchedule, error) {
	if *f.dir == "" {
		return nil, nil
	}
	db, ok := store.(*sqlite.DB)
	if !ok {
		return nil, herald.Errorf(herald.EINVALID, "--backup-dir backs up a SQLite store; back up PostgreSQL with pg_dump -Fc (see the README)")
	}
	s := &backupSchedule{db: db, dir: *f.dir, every: *f.every, keep: *f.keep, logger: logger, now: time.Now,
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "herald_backup_last_success_timestamp_seconds",
			Help: "When the last good scheduled backup was written, in seconds since 1970; 0 when none was."}),
		lastDuration: prometheus.NewGauge(prometheus.GaugeOpts{Name: "herald_backup_last_duration_seconds",
			Help: "How long the last good scheduled backup took to write and check."}),
		lastBytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "herald_backup_last_bytes",
			Help: "The size of the last good scheduled backup."}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Name: "herald_backup_failures_total",
			Help: "Scheduled backups that failed since the process started."}),
	}
	s.status.Every = s.every
	reg.MustRegister(s.lastSuccess, s.lastDuration, s.lastBytes, s.failures)
	return s, nil
}

// backupSchedule writes a backup of the store into dir every so often,
// through the same checked, atomic path as "herald backup", and keeps the
// newest keep of them.
type backupSchedule struct {
	db     *sqlite.DB
	dir    string
	every  time.Duration
	keep   int
	logger *slog.Logger
	now    func() time.Time

	lastSuccess, lastDuration, lastBytes prometheus.Gauge
	failures                             prometheus.Counter

	mu     sync.Mutex // guards status
	status web.BackupStatus
}

// backupName is the name of a scheduled backup written at t; the names
// sort in time order.
func backupName(t time.Time) string {
	return "herald-" + t.UTC().Format("20060102T150405Z") + ".db"
}

// backupNamePattern matches the names backupName makes, and so the files
// pruning may remove: nothing else in the folder is touched.
var backupNamePattern = regexp.MustCompile(`^herald-\d{8}T\d{6}Z\.db$`)

// Status is what the dashboard shows.
func (s *backupSchedule) Status() web.BackupStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Run writes a backup whenever one is due until ctx ends: the first as
// soon as the newest in dir is every old (at once when there is none), so
// a restart neither skips one nor writes an extra one.
func (s *backupSchedule) Run(ctx context.Context) {
	next := s.now()
	if names, err := s.backups(); err == nil && len(names) > 0 {
		newest := filepath.Join(s.dir, names[len(names)-1])
		if info, err := os.Stat(newest); err == nil {
			s.succeeded(newest, info.Size(), info.ModTime(), 0)
			next = info.ModTime().Add(s.every)
		}
	}
	for {
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		s.backupNow(ctx)
		next = s.now().Add(s.every)
	}
}

// backupNow writes one backup, records the outcome, and prunes.
func (s *backupSchedule) backupNow(ctx context.Context) error {
	start := s.now()
	snap, err := s.db.Backup(ctx, filepath.Join(s.dir, backupName(start)))
	if ctx.Err() != nil {
		return ctx.Err() // stopping: the cut backup is no failure
	}
	if err != nil {
		s.failures.Inc()
		s.mu.Lock()
		s.status.Failed, s.status.FailedAt = message(err), s.now()
		s.mu.Unlock()
		s.logger.Error("scheduled backup failed", "dir", s.dir, "err", message(err))
		return err
	}
	took := s.now().Sub(start)
	s.succeeded(snap.Path, snap.Bytes, s.now(), took)
	s.logger.Info("backup written", "file", snap.Path, "bytes", snap.Bytes, "took", took.Round(time.Millisecond), "rows", snap.Counts.String())
	if err := s.prune(); err != nil {
		s.logger.Error("pruning old backups", "dir", s.dir, "err", err)
	}
	return nil
}

func (s *backupSchedule) succeeded(path string, bytes int64, at time.Time, took time.Duration) {
	s.lastSuccess.Set(float64(at.UnixNano()) / 1e9)
	s.lastBytes.Set(float64(bytes))
	s.lastDuration.Set(took.Seconds())
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.Last, s.status.File, s.status.Bytes, s.status.Failed = at, path, bytes, ""
}

// backups lists the scheduled backups in dir, oldest first.
func (s *backupSchedule) backups() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && backupNamePattern.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// prune removes the scheduled backups beyond the newest keep.
func (s *backupSchedule) prune() error {
	names, err := s.backups()
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names[:max(0, len(names)-s.keep)] {
		errs = append(errs, os.Remove(filepath.Join(s.dir, name)))
	}
	return errors.Join(errs...)
}

// reasonOf is the part of an operating system error a person needs:
// "permission denied", "read-only file system".
func reasonOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
