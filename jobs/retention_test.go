package jobs_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"roster"
	"roster/jobs"
)

// TestSweepDeletesEndedJobsFiles: files of jobs that ended before the
// retention period are deleted; queued jobs' files are kept.
func TestSweepDeletesEndedJobsFiles(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		ended := enqueue(t, s, tn, people("e", 2))
		if _, err := s.CancelImport(ctx, tn.ID, ended.ID); err != nil {
			t.Fatal(err)
		}
		waiting := enqueue(t, s, tn, people("w", 2))
		log := slog.New(slog.DiscardHandler)
		if n, err := jobs.Sweep(ctx, s, time.Hour, log); err != nil || n != 0 {
			t.Fatalf("within retention: %d deleted, %v", n, err)
		}
		if n, err := jobs.Sweep(ctx, s, -time.Minute, log); err != nil || n != 1 {
			t.Fatalf("past retention: %d deleted, %v; want the ended job's file", n, err)
		}
		if _, err := os.Stat(ended.FilePath); !os.IsNotExist(err) {
			t.Fatalf("the ended job's file is still there: %v", err)
		}
		if _, err := os.Stat(waiting.FilePath); err != nil {
			t.Fatalf("the queued job's file went: %v", err)
		}
		if got := find(t, s, ended); got.FilePath != "" {
			t.Fatalf("the journal still names the deleted file %q", got.FilePath)
		}
		if n, _ := jobs.Sweep(ctx, s, -time.Minute, log); n != 0 {
			t.Fatalf("a second sweep deleted %d files again", n)
		}
	})
}
