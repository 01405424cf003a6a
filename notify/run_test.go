package notify_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"roster"
	"roster/importer"
	"roster/notify"
)

// queueJob queues an import job of the env's file and returns it.
func (e *env) queueJob() *roster.Import {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), "job.csv")
	if err := os.WriteFile(path, []byte(peopleCSV), 0o644); err != nil {
		e.t.Fatal(err)
	}
	imp := &roster.Import{TenantID: e.tenant.ID, Kind: roster.KindContacts, FileName: "job.csv", FilePath: path,
		Options: importer.Defaults(roster.ImportOptions{CreateCompanies: true})}
	if err := e.s.EnqueueImport(e.ctx, imp, false); err != nil {
		e.t.Fatal(err)
	}
	return imp
}

// waitFor polls cond for a few seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Run tells the end of every job from the journal, whoever ended it (here
// a cancel while it was queued, which no worker sees), once: a second
// notifier, as in another process, finds nothing left to tell. The CLI's
// imports are not told.
func TestRunTellsEveryEndedJobOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // its import ran through the CLI's path
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusNoContent })
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	job := e.queueJob()
	if _, err := e.s.CancelImport(e.ctx, e.tenant.ID, job.ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	n := e.notifier()
	go n.Run(ctx, 20*time.Millisecond)
	waitFor(t, "the cancelled job is told of", func() bool {
		imp, _ := e.s.FindImport(e.ctx, e.tenant.ID, job.ID)
		return len(rc.requests()) == 1 && imp != nil && imp.Status == roster.ImportCancelled
	})
	n.Wait() // the delivery, and the mark after it
	other := e.notifier()
	go other.Run(ctx, 20*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	if got := len(rc.requests()); got != 1 {
		t.Fatalf("%d deliveries, want 1 (the job, once; not the CLI's import)", got)
	}
}

// A notifier that stops before it has told a job (a crash, a shutdown)
// leaves it to the next once its claim's lease ends.
func TestRunToldAgainAfterACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	block := make(chan struct{})
	rc := newReceiver(t, func(attempt int, r *http.Request) int {
		if attempt == 1 {
			<-block // the first process dies during its delivery
		}
		return http.StatusNoContent
	})
	defer close(block)
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	job := e.queueJob()
	if _, err := e.s.CancelImport(e.ctx, e.tenant.ID, job.ID); err != nil {
		t.Fatal(err)
	}
	first := e.notifier()
	first.ClaimLease = 300 * time.Millisecond
	ctx, cancel := context.WithCancel(e.ctx)
	go first.Run(ctx, 20*time.Millisecond)
	waitFor(t, "the first delivery starts", func() bool { return len(rc.requests()) == 1 })
	cancel()
	first.Close() // abandons the delivery: the job stays untold
	next := e.notifier()
	next.ClaimLease = 300 * time.Millisecond
	ctx2, cancel2 := context.WithCancel(e.ctx)
	defer cancel2()
	go next.Run(ctx2, 20*time.Millisecond)
	waitFor(t, "the job is told again", func() bool { return len(rc.requests()) == 2 })
	next.Wait()
	// Told twice, by two processes, as one delivery a receiver can drop.
	if reqs := rc.requests(); reqs[0].header.Get(notify.HeaderDelivery) != reqs[1].header.Get(notify.HeaderDelivery) {
		t.Errorf("delivery ids %q and %q differ", reqs[0].header.Get(notify.HeaderDelivery), reqs[1].header.Get(notify.HeaderDelivery))
	}
	if imps, err := e.s.ClaimNotifications(e.ctx, time.Minute, 10); err != nil || len(imps) != 0 {
		t.Fatalf("left to tell: %v, %v", imps, err)
	}
}
