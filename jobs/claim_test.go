package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/importer"
)

// TestJobGivesUpAfterMaxAttempts: a job whose worker dies every time (its
// lease runs out while claimed) is marked failed with the reason after
// MaxImportAttempts, instead of being resumed forever.
func TestJobGivesUpAfterMaxAttempts(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		imp := enqueue(t, s, tn, people("p", 3))
		for i := 1; i <= roster.MaxImportAttempts; i++ {
			got, err := s.ClaimImport(ctx, "dying-worker", time.Millisecond)
			if err != nil || got.ID != imp.ID || got.Attempts != i {
				t.Fatalf("claim %d: %+v, %v", i, got, err)
			}
			time.Sleep(5 * time.Millisecond) // the lease runs out: the worker "died"
		}
		if _, err := s.ClaimImport(ctx, "next-worker", time.Minute); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Fatalf("claim after the last attempt: %v", err)
		}
		got := find(t, s, imp)
		if got.Status != roster.ImportFailed || !strings.Contains(got.Message, "gave up after") {
			t.Fatalf("job %s %q, want failed with the reason", got.Status, got.Message)
		}
		if _, err := s.FindImportLock(ctx, tn.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Fatalf("the lock stayed: %v", err)
		}
	})
}

// TestStalledWorkerCannotCommit: once another worker has taken over a job
// whose lease ran out, a batch of the stalled worker is refused.
func TestStalledWorkerCannotCommit(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		imp := enqueue(t, s, tn, people("p", 3))
		if _, err := s.ClaimImport(ctx, "stalled", time.Millisecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if _, err := s.ClaimImport(ctx, "resumer", time.Minute); err != nil {
			t.Fatal(err)
		}
		noop := func(roster.ImportTx) error { return nil }
		if err := s.ImportBatch(ctx, tn.ID, imp.ID, "stalled", time.Minute, noop); roster.ErrorCode(err) != roster.ELOCKLOST {
			t.Fatalf("the stalled worker's batch: %v, want %s", err, roster.ELOCKLOST)
		}
		// So is each batch of a group (importer.BatchGrouper), which
		// checks the lock as a batch of its own does.
		g, err := s.(importer.BatchGrouper).BeginImportGroup(ctx, tn.ID, imp.ID, "stalled", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Batch(noop); roster.ErrorCode(err) != roster.ELOCKLOST {
			t.Fatalf("the stalled worker's batch in a group: %v, want %s", err, roster.ELOCKLOST)
		}
		g.Rollback()
		if err := s.ImportBatch(ctx, tn.ID, imp.ID, "resumer", time.Minute, noop); err != nil {
			t.Fatalf("the resuming worker's batch: %v", err)
		}
	})
}
