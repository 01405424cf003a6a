package jobs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/importer"
	"roster/jobs"
	"roster/storetest"
)

// each runs fn against a fresh SQLite store and a fresh PostgreSQL schema.
func each(t *testing.T, fn func(t *testing.T, s roster.Store)) {
	t.Helper()
	for _, db := range []struct {
		name string
		open func(testing.TB) roster.Store
	}{
		{"sqlite", func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) }},
		{"postgres", func(t testing.TB) roster.Store { return storetest.OpenPostgres(t) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			fn(t, db.open(t))
		})
	}
}

func tenant(t *testing.T, s roster.Store, name string) *roster.Tenant {
	t.Helper()
	tn, err := s.CreateTenant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// people returns a contacts CSV of n people whose emails start with prefix.
func people(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("name,email,company\n")
	for i := range n {
		fmt.Fprintf(&b, "Person %d,%s%d@example.com,Company %d\n", i, prefix, i, i%7)
	}
	return b.String()
}

// enqueue stores content as a file and queues an import job of it.
func enqueue(t *testing.T, s roster.Store, tn *roster.Tenant, content string) *roster.Import {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return enqueueFile(t, s, tn, path)
}

// enqueueFile queues an import job of the file at path.
func enqueueFile(t *testing.T, s roster.Store, tn *roster.Tenant, path string) *roster.Import {
	t.Helper()
	imp := &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: filepath.Base(path), FilePath: path,
		Options: importer.Defaults(roster.ImportOptions{CreateCompanies: true})}
	if err := s.EnqueueImport(context.Background(), imp, false); err != nil {
		t.Fatal(err)
	}
	return imp
}

// ended collects the jobs a worker's OnEnd reports.
type ended struct {
	mu   sync.Mutex
	imps []roster.Import
	c    chan int64
}

func newEnded() *ended { return &ended{c: make(chan int64, 100)} }

func (e *ended) hook(_ context.Context, imp *roster.Import, res *importer.Result) {
	e.mu.Lock()
	e.imps = append(e.imps, *imp)
	e.mu.Unlock()
	e.c <- imp.ID
}

// wait waits until the job id has ended, or fails the test.
func (e *ended) wait(t *testing.T, ids ...int64) {
	t.Helper()
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	timeout := time.After(60 * time.Second)
	for len(want) > 0 {
		select {
		case id := <-e.c:
			delete(want, id)
		case <-timeout:
			t.Fatalf("jobs %v never ended", want)
		}
	}
}

func (e *ended) count(id int64) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, imp := range e.imps {
		if imp.ID == id {
			n++
		}
	}
	return n
}

// start runs worker w until the test ends (or stop is called); stop waits for it.
func start(t *testing.T, w *jobs.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("worker: %v", err)
				}
			case <-time.After(60 * time.Second):
				t.Errorf("the worker did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func worker(s roster.Store, name string, end *ended) *jobs.Worker {
	w := &jobs.Worker{Store: s, Importer: &importer.Importer{Store: s, Lease: 5 * time.Second}, Holder: name,
		Poll: 10 * time.Millisecond}
	if end != nil {
		w.OnEnd = end.hook
	}
	return w
}

// contacts returns all of the tenant's contacts.
func contacts(t *testing.T, s roster.Store, tn *roster.Tenant) []*roster.Contact {
	t.Helper()
	var all []*roster.Contact
	f := roster.ContactFilter{Page: roster.Page{Limit: roster.MaxLimit}}
	for {
		page, next, err := s.ListContacts(context.Background(), tn.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		f.Cursor = next
	}
}

func find(t *testing.T, s roster.Store, imp *roster.Import) *roster.Import {
	t.Helper()
	got, err := s.FindImport(context.Background(), imp.TenantID, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// waitFor polls cond until it holds, or fails the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// interrupt runs jobs on a worker of 200-row batches until imp has
// committed a few, and then shuts the worker down.
func interrupt(t *testing.T, s roster.Store, imp *roster.Import, end *ended) {
	t.Helper()
	w := worker(s, "test:1:worker-1", end)
	w.BatchSize = 200
	stop := start(t, w)
	waitFor(t, "the job has committed a few batches", func() bool { return find(t, s, imp).Counts.Rows >= 1000 })
	stop()
}

// resume runs jobs on a second worker of 200-row batches until imp ends.
func resume(t *testing.T, s roster.Store, imp *roster.Import, end *ended) {
	t.Helper()
	w := worker(s, "test:1:worker-2", end)
	w.BatchSize = 200
	start(t, w)
	end.wait(t, imp.ID)
}
