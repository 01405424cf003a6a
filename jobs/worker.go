// Package jobs runs queued imports: workers claim jobs from the store
// with a lease (roster.ImportStore.ClaimImport), run them with the
// importer, and resume a job whose worker died after its last committed
// batch. One import runs at a time per tenant; the tenant's import lock
// is the lease.
package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"roster"
	"roster/importer"
)

// DefaultPoll is how long an idle worker waits before it looks for a job again.
const DefaultPoll = time.Second

// defaultLease is the importer's lease when Importer.Lease is not set.
const defaultLease = 30 * time.Second

// Worker claims import jobs and runs them, one at a time, until its
// context ends.
type Worker struct {
	Store    roster.Store
	Importer *importer.Importer
	// Holder names the worker in the import lock, e.g. "host:pid:worker-1".
	Holder string
	// Poll is how long to wait when the queue is empty (default 1 s).
	Poll time.Duration
	// Log receives one line per job outcome (default: discarded).
	Log *slog.Logger
	// OnEnd, if set, is called after each job ends: done, failed or
	// cancelled. A job paused by a shutdown has not ended.
	OnEnd func(ctx context.Context, imp *roster.Import, res *importer.Result)
	// BatchSize overrides the importer's rows per transaction (tests).
	BatchSize int
	// Dir holds the files of jobs fetched from the database (default: the
	// system's temporary directory).
	Dir string
}

// Run claims and runs jobs until ctx is done. A job that fails or panics
// is marked failed and the worker goes on; a job running when ctx ends
// stops at its next batch boundary and stays running, its lock released,
// for a worker to resume. Run returns nil when ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	if w.Store == nil || w.Importer == nil {
		return errors.New("jobs: a worker needs a Store and an Importer")
	}
	log := w.logger()
	for {
		if ctx.Err() != nil {
			return nil
		}
		imp, err := w.Store.ClaimImport(ctx, w.Holder, w.lease())
		switch {
		case err == nil:
			w.runJob(ctx, imp)
			continue
		case ctx.Err() != nil:
			return nil
		case roster.ErrorCode(err) != roster.ENOTFOUND:
			// The database may come back: keep polling rather than die.
			log.Error("claiming an import job failed", "worker", w.Holder, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.poll()):
		}
	}
}

// runJob runs one claimed job. The job runs on a context that a shutdown
// does not cancel: cancelling it would make the importer record a user's
// cancel. A shutdown stops it between batches through Options.Stop instead.
func (w *Worker) runJob(ctx context.Context, imp *roster.Import) {
	log := w.logger().With("worker", w.Holder, "import", imp.ID, "tenant", imp.TenantID, "attempt", imp.Attempts)
	if imp.Attempts > 1 {
		log.Info("import job resumed", "after_rows", imp.Counts.Rows)
	} else {
		log.Info("import job started", "file", imp.FileName)
	}
	jobCtx := context.WithoutCancel(ctx)
	res, err := w.execute(jobCtx, ctx.Done(), imp)
	if res == nil {
		res = &importer.Result{Import: imp}
	}
	switch {
	case errors.Is(err, importer.ErrStopped):
		log.Info("import job paused by shutdown; another worker resumes it", "rows", imp.Counts.Rows)
		return
	case err != nil && imp.Status == roster.ImportRunning:
		// Not ended: it lost its lock to another worker, which goes on with it.
		log.Warn("import job left to another worker", "err", err)
		return
	case err != nil:
		log.Error("import job failed", "status", imp.Status, "message", imp.Message, "err", err)
	default:
		log.Info("import job ended", "status", imp.Status, "rows", imp.Counts.Rows, "created", imp.Counts.Created,
			"updated", imp.Counts.Updated, "unchanged", imp.Counts.Unchanged, "failed", imp.Counts.Failed, "message", imp.Message)
	}
	if w.OnEnd != nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					log.Error("import job end hook panicked", "panic", p, "stack", string(debug.Stack()))
				}
			}()
			w.OnEnd(jobCtx, imp, res)
		}()
	}
}

// execute runs the job, turning a panic into a failed job so one bad job
// cannot take the worker (and the jobs after it) down.
func (w *Worker) execute(ctx context.Context, stop <-chan struct{}, imp *roster.Import) (res *importer.Result, err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		w.logger().Error("import job panicked", "worker", w.Holder, "import", imp.ID, "panic", p, "stack", string(debug.Stack()))
		imp.Status, imp.Message = roster.ImportFailed, fmt.Sprintf("internal error: the import stopped unexpectedly (%v)", p)
		err = fmt.Errorf("import job #%d panicked: %v", imp.ID, p)
		if ferr := w.Store.FinishImport(ctx, imp, w.Holder); ferr != nil { // frees the lock too
			err = errors.Join(err, ferr)
		}
	}()
	cleanup, err := w.localFile(ctx, imp)
	if err != nil {
		imp.Status, imp.Message = roster.ImportFailed, "the file to import cannot be read: "+roster.ErrorMessage(err)
		w.Store.FinishImport(ctx, imp, w.Holder) // frees the lock too
		return nil, err
	}
	defer cleanup()
	o := importer.Options{Holder: w.Holder, Stop: stop, BatchSize: w.BatchSize}
	return w.Importer.RunJob(ctx, &roster.Tenant{ID: imp.TenantID}, imp, o)
}

// localFile makes sure the job's file is on this machine: a job queued by
// a process on another machine is fetched from the copy in the database
// into a temporary file (checked against its SHA-256), removed after the run.
func (w *Worker) localFile(ctx context.Context, imp *roster.Import) (cleanup func(), err error) {
	if _, err := os.Stat(imp.FilePath); err == nil {
		return func() {}, nil
	}
	f, err := os.CreateTemp(w.Dir, fmt.Sprintf("roster-import-%d-*", imp.ID))
	if err != nil {
		return nil, err
	}
	cleanup = func() { os.Remove(f.Name()) }
	h := sha256.New()
	err = w.Store.ReadImportFile(ctx, imp.TenantID, imp.ID, io.MultiWriter(f, h))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && hex.EncodeToString(h.Sum(nil)) != imp.FileSHA256 {
		err = fmt.Errorf("the kept copy of %s does not match its SHA-256", imp.FileName)
	}
	if err != nil {
		cleanup()
		return nil, err
	}
	imp.FilePath = f.Name() // for this run only; the journal keeps the original path
	return cleanup, nil
}

func (w *Worker) lease() time.Duration {
	if w.Importer.Lease > 0 {
		return w.Importer.Lease
	}
	return defaultLease
}

func (w *Worker) poll() time.Duration {
	if w.Poll > 0 {
		return w.Poll
	}
	return DefaultPoll
}

func (w *Worker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Run runs n workers like proto until ctx is done and they have stopped.
// Each is named proto.Holder (default host:pid) with ":worker-i" appended.
func Run(ctx context.Context, n int, proto Worker) error {
	if proto.Holder == "" {
		proto.Holder = DefaultHolder()
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		w := proto
		w.Holder = fmt.Sprintf("%s:worker-%d", proto.Holder, i+1)
		wg.Go(func() { errs[i] = w.Run(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// DefaultHolder names this process: host:pid.
func DefaultHolder() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}
