package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// TestStalledWorkerCannotCloseTheJob: a worker that stalled past its lease
// and failed when it came back (a deadlock with the worker that took the
// job over, say) cannot close the job: neither fail it under its new
// worker, nor free that worker's lock, nor change a status it ended with.
func TestStalledWorkerCannotCloseTheJob(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		imp := enqueue(t, s, tn, people("p", 3))
		stalled, err := s.ClaimImport(ctx, "stalled", time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		resumed, err := s.ClaimImport(ctx, "resumer", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		stalled.Status, stalled.Message = roster.ImportFailed, "internal error"
		if err := s.FinishImport(ctx, stalled, "stalled"); roster.ErrorCode(err) != roster.ELOCKLOST {
			t.Fatalf("the stalled worker closed the job: %v, want %s", err, roster.ELOCKLOST)
		}
		if got := find(t, s, imp); got.Status != roster.ImportRunning {
			t.Fatalf("job %s %q, want running", got.Status, got.Message)
		}
		if lock, err := s.FindImportLock(ctx, tn.ID); err != nil || lock.Holder != "resumer" {
			t.Fatalf("lock %+v, %v; want the resumer's", lock, err)
		}
		resumed.Status = roster.ImportDone
		if err := s.FinishImport(ctx, resumed, "resumer"); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishImport(ctx, stalled, "stalled"); roster.ErrorCode(err) != roster.ELOCKLOST {
			t.Fatalf("the stalled worker closed the ended job: %v", err)
		}
		if got := find(t, s, imp); got.Status != roster.ImportDone {
			t.Fatalf("job %s %q, want done", got.Status, got.Message)
		}
	})
}

// TestPausedJobsNeverGiveUp: a worker that pauses its job at a batch
// boundary (a shutdown, as in a rolling restart) gives the attempt back,
// so any number of restarts never make the job give up; a worker that
// lost the job meanwhile pauses nothing.
func TestPausedJobsNeverGiveUp(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		imp := enqueue(t, s, tn, people("p", 3))
		for i := range roster.MaxImportAttempts + 2 {
			got, err := s.ClaimImport(ctx, "restarting", time.Minute)
			if err != nil || got.ID != imp.ID || got.Attempts != 1 {
				t.Fatalf("claim %d: %+v, %v", i+1, got, err)
			}
			if err := s.PauseImport(ctx, got, "restarting"); err != nil {
				t.Fatal(err)
			}
			if got.Attempts != 0 {
				t.Fatalf("attempts after the pause: %d", got.Attempts)
			}
		}
		got, err := s.ClaimImport(ctx, "stalled", time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if _, err := s.ClaimImport(ctx, "resumer", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.PauseImport(ctx, got, "stalled"); err != nil {
			t.Fatal(err)
		}
		if lock, err := s.FindImportLock(ctx, tn.ID); err != nil || lock.Holder != "resumer" {
			t.Fatalf("lock %+v, %v; want the resumer's", lock, err)
		}
		if j := find(t, s, imp); j.Attempts != 2 || j.Status != roster.ImportRunning {
			t.Fatalf("job %+v; want running at its second attempt", j)
		}
	})
}

// TestEnqueueAloneAcrossConnections: uploads of one tenant that arrive at
// once, as through several processes serving one database, queue one job;
// the others are refused with EINPROGRESS naming it. queue=true (alone
// false) queues behind it.
func TestEnqueueAloneAcrossConnections(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		path := filepath.Join(t.TempDir(), "upload.csv")
		if err := os.WriteFile(path, []byte(people("p", 3)), 0o644); err != nil {
			t.Fatal(err)
		}
		job := func() *roster.Import {
			return &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: "upload.csv", FilePath: path,
				Options: importer.Defaults(roster.ImportOptions{CreateCompanies: true})}
		}
		const n = 8
		errs := make(chan error, n)
		var start sync.WaitGroup
		start.Add(1)
		for range n {
			go func() {
				start.Wait()
				errs <- s.EnqueueImport(ctx, job(), true)
			}()
		}
		start.Done()
		queued := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				queued++
			case roster.ErrorCode(err) != roster.EINPROGRESS:
				t.Errorf("enqueue: %v", err)
			}
		}
		if queued != 1 {
			t.Fatalf("%d jobs queued at once, want 1", queued)
		}
		if err := s.EnqueueImport(ctx, job(), false); err != nil {
			t.Fatalf("queue behind it: %v", err)
		}
	})
}

// TestCancelledBeforeItStarted: cancelling a queued job says so in the
// job it returns, as the journal does, and such a job (like a queued one)
// has nothing to undo.
func TestCancelledBeforeItStarted(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		imp := enqueue(t, s, tn, people("p", 3))
		if _, err := s.UndoImport(ctx, tn.ID, imp.ID); roster.ErrorCode(err) != roster.ECONFLICT {
			t.Fatalf("undo of a queued job: %v, want %s", err, roster.ECONFLICT)
		}
		got, err := s.CancelImport(ctx, tn.ID, imp.ID)
		if err != nil || got.Status != roster.ImportCancelled || !got.CancelRequested {
			t.Fatalf("cancel: %+v, %v", got, err)
		}
		if stored := find(t, s, imp); stored.Status != got.Status || stored.CancelRequested != got.CancelRequested || stored.Message != got.Message {
			t.Fatalf("cancel returned %+v, the journal holds %+v", got, stored)
		}
		if _, err := s.UndoImport(ctx, tn.ID, imp.ID); roster.ErrorCode(err) != roster.ECONFLICT {
			t.Fatalf("undo of a job cancelled before it started: %v, want %s", err, roster.ECONFLICT)
		}
		if stored := find(t, s, imp); stored.Status != roster.ImportCancelled {
			t.Fatalf("after the refused undo the job is %s", stored.Status)
		}
	})
}

// TestClaimNotifications: the jobs that ended and were not told are
// claimed once per lease, until marked told; running jobs and the CLI's
// imports are never claimed.
func TestClaimNotifications(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		ended := enqueue(t, s, tn, people("p", 3))
		if _, err := s.CancelImport(ctx, tn.ID, ended.ID); err != nil {
			t.Fatal(err)
		}
		running := enqueue(t, s, tn, people("q", 3))
		if _, err := s.ClaimImport(ctx, "w", time.Minute); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "cli.csv")
		os.WriteFile(path, []byte(people("r", 2)), 0o644)
		if _, err := (&importer.Importer{Store: s}).Run(ctx, tenant(t, s, "cli"), path, importer.Options{}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimNotifications(ctx, 50*time.Millisecond, 10)
		if err != nil || len(got) != 1 || got[0].ID != ended.ID || got[0].Status != roster.ImportCancelled {
			t.Fatalf("claimed %+v, %v; want the cancelled job", got, err)
		}
		if again, err := s.ClaimNotifications(ctx, time.Minute, 10); err != nil || len(again) != 0 {
			t.Fatalf("claimed again within the lease: %+v, %v", again, err)
		}
		time.Sleep(60 * time.Millisecond)
		if again, err := s.ClaimNotifications(ctx, time.Minute, 10); err != nil || len(again) != 1 {
			t.Fatalf("after the lease: %+v, %v; want it claimed again", again, err)
		}
		if err := s.MarkNotified(ctx, ended.ID); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if again, err := s.ClaimNotifications(ctx, time.Millisecond, 10); err != nil || len(again) != 0 {
			t.Fatalf("claimed once told: %+v, %v", again, err)
		}
		_ = running
	})
}

// TestFieldStaysWhileAnImportRuns: a custom field is not removed under a
// running import, which would write its values back on the rows after.
func TestFieldStaysWhileAnImportRuns(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		if err := s.CreateField(ctx, tn.ID, &roster.FieldDef{Kind: roster.KindContacts, Key: "plan", Type: roster.FieldText}); err != nil {
			t.Fatal(err)
		}
		enqueue(t, s, tn, people("p", 3))
		job, err := s.ClaimImport(ctx, "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteField(ctx, tn.ID, roster.KindContacts, "plan"); roster.ErrorCode(err) != roster.EINPROGRESS {
			t.Fatalf("remove during the import: %v, want %s", err, roster.EINPROGRESS)
		}
		job.Status = roster.ImportDone
		if err := s.FinishImport(ctx, job, "w"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteField(ctx, tn.ID, roster.KindContacts, "plan"); err != nil {
			t.Fatalf("remove after the import: %v", err)
		}
	})
}
