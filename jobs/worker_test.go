package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/importer"
	"roster/jobs"
)

func TestWorkerRunsAQueuedJob(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		tn := tenant(t, s, "acme")
		content := people("p", 30) + "No Email,not-an-email,\n" + "Person 0 Again,p0@example.com,Company 0\n"
		imp := enqueue(t, s, tn, content)
		end := newEnded()
		start(t, worker(s, "test:1:worker-1", end))
		end.wait(t, imp.ID)

		got := find(t, s, imp)
		c := got.Counts
		if got.Status != roster.ImportDone || c.Rows != 32 || c.Created != 30 || c.Updated+c.Unchanged != 1 || c.Failed != 1 {
			t.Fatalf("job ended %s (%s) with %+v; want done, 32 rows: 30 created, 1 matched, 1 failed", got.Status, got.Message, c)
		}
		if got.Attempts != 1 || got.Worker != "test:1:worker-1" || got.FinishedAt == nil {
			t.Fatalf("job: attempts %d, worker %q, finished %v", got.Attempts, got.Worker, got.FinishedAt)
		}
		if n := len(contacts(t, s, tn)); n != 30 {
			t.Fatalf("%d contacts stored, want 30", n)
		}
		if _, err := s.FindImportLock(context.Background(), tn.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Fatalf("the lock is still held after the job ended: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // a second OnEnd would show by now
		if n := end.count(imp.ID); n != 1 {
			t.Fatalf("OnEnd called %d times, want once", n)
		}
		if e := end.imps[0]; e.Status != roster.ImportDone || e.Counts != c {
			t.Fatalf("OnEnd saw %s %+v, the store holds done %+v", e.Status, e.Counts, c)
		}
	})
}

// batches records the order of import batches and whether two imports of
// one tenant ever wrote at the same time.
type batches struct {
	roster.Store
	mu      sync.Mutex
	active  map[int64]int64 // tenant -> import writing a batch now
	order   map[int64][]int64
	overlap []string
}

func (b *batches) ImportBatch(ctx context.Context, tenantID, importID int64, holder string, lease time.Duration, fn func(tx roster.ImportTx) error) error {
	b.mu.Lock()
	if other, ok := b.active[tenantID]; ok {
		b.overlap = append(b.overlap, fmt.Sprintf("tenant %d: import %d wrote while %d did", tenantID, importID, other))
	}
	b.active[tenantID] = importID
	b.order[tenantID] = append(b.order[tenantID], importID)
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.active, tenantID)
		b.mu.Unlock()
	}()
	time.Sleep(time.Millisecond) // widen the window another import would write in
	return b.Store.ImportBatch(ctx, tenantID, importID, holder, lease, fn)
}

func TestJobsOfATenantRunOneAfterTheOther(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		b := &batches{Store: s, active: map[int64]int64{}, order: map[int64][]int64{}}
		acme, other := tenant(t, s, "acme"), tenant(t, s, "other")
		first := enqueue(t, s, acme, people("a", 600))
		second := enqueue(t, s, acme, people("b", 600))
		third := enqueue(t, s, other, people("c", 600))
		end := newEnded()
		// Three workers for three jobs: only the lock keeps acme's second job waiting.
		for i := range 3 {
			w := worker(b, fmt.Sprintf("test:1:worker-%d", i+1), end)
			w.BatchSize = 50
			start(t, w)
		}
		end.wait(t, first.ID, second.ID, third.ID)

		if len(b.overlap) > 0 {
			t.Fatalf("two imports of one tenant wrote at once: %v", b.overlap)
		}
		// acme's batches: all of one job, then all of the other.
		seq := b.order[acme.ID]
		switches := 0
		for i := 1; i < len(seq); i++ {
			if seq[i] != seq[i-1] {
				switches++
			}
		}
		if len(seq) != 24 || switches != 1 {
			t.Fatalf("acme's batches ran in the order %v; want 12 of one job, then 12 of the other", seq)
		}
		f, s2 := find(t, s, first), find(t, s, second)
		if seq[0] == second.ID {
			f, s2 = s2, f
		}
		if s2.StartedAt.Before(*f.FinishedAt) {
			t.Fatalf("import %d started at %v, before import %d finished at %v", s2.ID, s2.StartedAt, f.ID, *f.FinishedAt)
		}
		for _, imp := range []*roster.Import{first, second, third} {
			got := find(t, s, imp)
			if got.Status != roster.ImportDone || got.Counts.Created != 600 || got.Attempts != 1 {
				t.Fatalf("import %d: %s (%s), %+v, attempts %d; want done with 600 created", got.ID, got.Status, got.Message, got.Counts, got.Attempts)
			}
		}
		if n, m := len(contacts(t, s, acme)), len(contacts(t, s, other)); n != 1200 || m != 600 {
			t.Fatalf("acme has %d contacts (want 1200), other %d (want 600)", n, m)
		}
	})
}

func TestCancelQueuedJob(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		tn := tenant(t, s, "acme")
		cancelled := enqueue(t, s, tn, people("x", 10))
		next := enqueue(t, s, tn, people("y", 10))
		got, err := s.CancelImport(context.Background(), tn.ID, cancelled.ID)
		if err != nil || got.Status != roster.ImportCancelled {
			t.Fatalf("CancelImport of a queued job: %+v, %v", got, err)
		}
		end := newEnded()
		start(t, worker(s, "test:1:worker-1", end))
		end.wait(t, next.ID) // jobs run in order: the cancelled one would have come first

		got = find(t, s, cancelled)
		if got.Status != roster.ImportCancelled || got.Attempts != 0 || got.Counts.Rows != 0 {
			t.Fatalf("the cancelled job: %s, attempts %d, %+v; want cancelled and never run", got.Status, got.Attempts, got.Counts)
		}
		if end.count(cancelled.ID) != 0 {
			t.Fatal("OnEnd was called for a job that never ran")
		}
		for _, c := range contacts(t, s, tn) {
			if strings.HasPrefix(c.Email, "x") {
				t.Fatalf("contact %s of the cancelled job was imported", c.Email)
			}
		}
	})
}

func TestCancelRunningJob(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		tn := tenant(t, s, "acme")
		const rows = 100_000
		imp := enqueue(t, s, tn, people("p", rows))
		end := newEnded()
		w := worker(s, "test:1:worker-1", end)
		w.BatchSize = 200
		start(t, w)
		waitFor(t, "the job has committed a few batches", func() bool { return find(t, s, imp).Counts.Rows >= 1000 })
		// SQLite's busy handler is not fair: a writer committing batch after
		// batch may starve the cancel past busy_timeout (seen under -race).
		waitFor(t, "the cancel is recorded", func() bool {
			_, err := s.CancelImport(context.Background(), tn.ID, imp.ID)
			if err != nil {
				t.Logf("cancel: %v", err)
			}
			return err == nil
		})
		end.wait(t, imp.ID)

		got := find(t, s, imp)
		c := got.Counts
		if got.Status != roster.ImportCancelled || c.Rows >= rows || c.Rows%200 != 0 {
			t.Fatalf("job ended %s (%s) after %d rows; want cancelled at a batch boundary before %d", got.Status, got.Message, c.Rows, rows)
		}
		stored := contacts(t, s, tn)
		if c.Created != c.Rows || len(stored) != c.Rows {
			t.Fatalf("counts %+v but %d contacts stored: the counts must be what was committed", c, len(stored))
		}
		if _, err := s.FindImportLock(context.Background(), tn.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Fatalf("the lock is still held: %v", err)
		}
		if _, err := s.UndoImport(context.Background(), tn.ID, imp.ID); err != nil {
			t.Fatal(err)
		}
		if left := contacts(t, s, tn); len(left) != 0 {
			t.Fatalf("undoing the cancelled job left %d contacts", len(left))
		}
	})
}

// A worker shutting down is not a user's cancel: the job stays running,
// its lock is freed, and the next worker resumes it where it stopped.
func TestShutdownLeavesTheJobResumable(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		tn := tenant(t, s, "acme")
		const rows = 50_000
		imp := enqueue(t, s, tn, people("p", rows)+"Bad Row,bad-email,\n")
		end := newEnded()
		interrupt(t, s, imp, end)

		got := find(t, s, imp)
		if got.Status != roster.ImportRunning || got.FinishedAt != nil || got.Counts.Rows >= rows {
			t.Fatalf("after the shutdown the job is %s (%s) with %d rows; want still running, part done", got.Status, got.Message, got.Counts.Rows)
		}
		if n := len(contacts(t, s, tn)); n != got.Counts.Rows {
			t.Fatalf("%d contacts stored, but the checkpoint says %d rows", n, got.Counts.Rows)
		}
		if _, err := s.FindImportLock(context.Background(), tn.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Fatalf("a stopped worker must free the lock at once: %v", err)
		}
		if len(end.imps) != 0 {
			t.Fatalf("OnEnd was called for a job that has not ended: %+v", end.imps)
		}

		resume(t, s, imp, end)
		got = find(t, s, imp)
		c := got.Counts
		// The shutdown gave its attempt back: only a worker that dies counts.
		if got.Status != roster.ImportDone || got.Attempts != 1 || c.Rows != rows+1 || c.Created != rows || c.Failed != 1 {
			t.Fatalf("resumed job: %s (%s), attempts %d, %+v; want done, counted as attempt 1, with %d created, 1 failed", got.Status, got.Message, got.Attempts, c, rows)
		}
		if n := len(contacts(t, s, tn)); n != rows {
			t.Fatalf("%d contacts stored, want %d", n, rows)
		}
	})
}

// panicky panics when an import of one tenant reads its fields.
type panicky struct {
	roster.Store
	tenantID int64
}

func (p *panicky) ListFields(ctx context.Context, tenantID int64, kind roster.Kind) ([]*roster.FieldDef, error) {
	if tenantID == p.tenantID {
		panic("boom")
	}
	return p.Store.ListFields(ctx, tenantID, kind)
}

func TestPanicFailsTheJobNotTheWorker(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		bad, good := tenant(t, s, "bad"), tenant(t, s, "good")
		doomed := enqueue(t, s, bad, people("p", 5))
		fine := enqueue(t, s, good, people("q", 5))
		end := newEnded()
		start(t, worker(&panicky{Store: s, tenantID: bad.ID}, "test:1:worker-1", end))
		end.wait(t, doomed.ID, fine.ID)

		got := find(t, s, doomed)
		if got.Status != roster.ImportFailed || !strings.Contains(got.Message, "internal error") || got.FinishedAt == nil {
			t.Fatalf("the job that panicked: %s %q; want failed with a message", got.Status, got.Message)
		}
		if _, err := s.FindImportLock(context.Background(), bad.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Fatalf("the panicked job's lock is still held: %v", err)
		}
		if got := find(t, s, fine); got.Status != roster.ImportDone || got.Counts.Created != 5 {
			t.Fatalf("the next job: %s (%s) %+v; want done", got.Status, got.Message, got.Counts)
		}
	})
}

func TestRunStartsNWorkers(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		var imps []*roster.Import
		for i := range 4 {
			imps = append(imps, enqueue(t, s, tenant(t, s, fmt.Sprint("t", i)), people("p", 300)))
		}
		end := newEnded()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- jobs.Run(ctx, 3, jobs.Worker{Store: s, Importer: &importer.Importer{Store: s}, Holder: "test:1",
				Poll: 10 * time.Millisecond, OnEnd: end.hook, BatchSize: 50})
		}()
		end.wait(t, imps[0].ID, imps[1].ID, imps[2].ID, imps[3].ID)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		holders := map[string]bool{}
		for _, imp := range imps {
			got := find(t, s, imp)
			if got.Status != roster.ImportDone || got.Attempts != 1 {
				t.Fatalf("import %d: %s attempts %d", got.ID, got.Status, got.Attempts)
			}
			if !strings.HasPrefix(got.Worker, "test:1:worker-") {
				t.Fatalf("import %d ran on %q", got.ID, got.Worker)
			}
			holders[got.Worker] = true
		}
		t.Logf("4 jobs ran on %d workers", len(holders))
	})
}

// A cancel asked while the job's worker was dead is honoured by the worker
// that resumes it, before it writes another batch.
func TestCancelWhileNoWorkerRuns(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		imp := enqueue(t, s, tn, people("p", 1000))
		if _, err := s.ClaimImport(ctx, "dead", time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CancelImport(ctx, tn.ID, imp.ID); err != nil || !got.CancelRequested {
			t.Fatalf("cancel: %+v, %v", got, err)
		}
		time.Sleep(5 * time.Millisecond) // the lease runs out
		end := newEnded()
		resume(t, s, imp, end)
		if got := find(t, s, imp); got.Status != roster.ImportCancelled || got.Counts.Rows != 0 {
			t.Fatalf("job %s (%s) with %+v; want cancelled with no row", got.Status, got.Message, got.Counts)
		}
		if n := len(contacts(t, s, tn)); n != 0 {
			t.Fatalf("%d contacts written after the cancel", n)
		}
	})
}
