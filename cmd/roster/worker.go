package main

import (
	"context"
	"log/slog"
	"time"

	"roster"
	"roster/importer"
	"roster/jobs"
)

// worker runs import job workers only, until SIGINT or SIGTERM; a job
// running then stops at its next batch boundary and stays queued for
// resumption.
func (m *Main) worker(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("worker", "[--workers N]", &c)
	n := fs.Int("workers", 1, "how many import jobs to run at once (one per tenant at a time)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 1 {
		return usagef("worker: --workers must be at least 1")
	}
	m.importsAtOnce(*n)
	lease, err := m.importLease()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(m.Stderr, nil))
	store, err := open(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	log.Info("roster worker running", "workers", *n, "db", redact(c.db))
	err = m.runWorkers(ctx, store, *n, lease, log)
	log.Info("roster worker stopped")
	return err
}

// runWorkers runs n job workers until ctx is done and they have stopped.
// Each job that ends is notified (webhook, email); deliveries in flight
// get a few seconds to finish after the workers stop.
func (m *Main) runWorkers(ctx context.Context, store roster.Store, n int, lease time.Duration, log *slog.Logger) error {
	notifier, err := m.newNotifier(store, log)
	if err != nil {
		return err
	}
	defer func() {
		grace, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		notifier.Shutdown(grace)
	}()
	retention, err := m.fileRetention()
	if err != nil {
		return err
	}
	go jobs.SweepEvery(ctx, store, retention, time.Hour, log)
	// Every job's end is told from the journal, at least once: those this
	// process ends, and those others end (a cancel through the API, a job
	// that gave up, a process that died before telling).
	told := make(chan struct{})
	go func() { defer close(told); notifier.Run(ctx, notifyEvery) }()
	defer func() { <-told }()
	return jobs.Run(ctx, n, jobs.Worker{
		Store:    store,
		Importer: &importer.Importer{Store: store, Lease: lease},
		Log:      log,
		OnEnd: func(context.Context, *roster.Import, *importer.Result) {
			notifier.Kick()
		},
	})
}

// notifyEvery is how often workers look for ended jobs not told of yet.
const notifyEvery = 5 * time.Second

// importLease is the import lock's lease from ROSTER_IMPORT_LEASE (0: the importer's default).
func (m *Main) importLease() (time.Duration, error) {
	v := m.Getenv("ROSTER_IMPORT_LEASE")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		return 0, usagef("ROSTER_IMPORT_LEASE must be a duration of at least 1s, like 30s")
	}
	return d, nil
}

// fileRetention is how long job files are kept, from ROSTER_FILE_RETENTION.
func (m *Main) fileRetention() (time.Duration, error) {
	v := m.Getenv("ROSTER_FILE_RETENTION")
	if v == "" {
		return jobs.DefaultRetention, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usagef("ROSTER_FILE_RETENTION must be a positive duration, like 168h")
	}
	return d, nil
}
