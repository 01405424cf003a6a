package jobs

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"roster"
)

// DefaultRetention is how long a job's stored file is kept after the job
// ends, for its failed-rows report.
const DefaultRetention = 7 * 24 * time.Hour

// Sweep deletes the stored files of jobs that ended more than retention
// ago, and returns how many it deleted. Any process may run it: the store
// hands each path out once.
func Sweep(ctx context.Context, store roster.Store, retention time.Duration, log *slog.Logger) (int, error) {
	paths, err := store.ExpireImportFiles(ctx, time.Now().Add(-retention))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			log.Warn("could not delete an expired import file", "path", p, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// SweepEvery runs Sweep at start and then every interval until ctx ends.
func SweepEvery(ctx context.Context, store roster.Store, retention, interval time.Duration, log *slog.Logger) {
	for {
		if n, err := Sweep(ctx, store, retention, log); err != nil {
			log.Warn("import file retention", "err", err)
		} else if n > 0 {
			log.Info("deleted expired import files", "files", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
