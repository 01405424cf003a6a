package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/importer"
	"roster/sqlstore"
	"roster/storetest"
)

// jobDB returns a fresh database for a jobs test: a --db value and the
// store opened on it (migrated).
func jobDB(t *testing.T, backend string) (string, *sqlstore.Store) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "roster.db")
	if backend == "postgres" {
		db = storetest.PostgresSchema(t)
	}
	s, err := open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return db, s
}

// crashFile writes a contacts file of n rows with every outcome: new
// people, later rows updating earlier ones, exact repeats (unchanged) and
// invalid rows (failed).
func crashFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("name,email,phone,job title,company\n")
	plain := func(i int) string {
		return fmt.Sprintf("Person %d,P%d@Example.com,+420 601 %03d %03d,Engineer,Company %d\n", i, i, i/1000, i%1000, i%37)
	}
	for i := range n {
		switch {
		case i%50 == 49:
			fmt.Fprintf(&b, "Broken %d,broken-%d-at-example.com,,,\n", i, i)
		case i%10 == 9 && i >= 100:
			j := i - 98 // ≡ 1 (mod 10): a plain row no other row repeats
			fmt.Fprintf(&b, "Person %d,p%d@example.com,,Lead %d,Company %d\n", j, j, i, i%41)
		case i%10 == 7 && i >= 100:
			b.WriteString(plain(i - 94)) // ≡ 3 (mod 10): never updated, so unchanged
		default:
			b.WriteString(plain(i))
		}
	}
	path := filepath.Join(t.TempDir(), "crash.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func enqueueFile(t *testing.T, s roster.Store, tn *roster.Tenant, path string, dry ...bool) *roster.Import {
	t.Helper()
	imp := &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: filepath.Base(path), FilePath: path,
		Options: importer.Defaults(defaultImportOptions()), DryRun: len(dry) > 0 && dry[0]}
	if err := s.EnqueueImport(context.Background(), imp, false); err != nil {
		t.Fatal(err)
	}
	return imp
}

// comparable is a contact without what differs between two tenants'
// copies: ids and timestamps.
func comparableContacts(t *testing.T, s roster.Store, tn *roster.Tenant) []roster.Contact {
	t.Helper()
	var out []roster.Contact
	f := roster.ContactFilter{Page: roster.Page{Limit: roster.MaxLimit}}
	for {
		page, next, err := s.ListContacts(context.Background(), tn.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			c.ID, c.CreatedAt, c.UpdatedAt = 0, time.Time{}, time.Time{}
			for i := range c.Companies {
				c.Companies[i].CompanyID = 0
			}
			out = append(out, *c)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	slices.SortFunc(out, func(a, b roster.Contact) int { return strings.Compare(a.Email, b.Email) })
	return out
}

func failedRowNumbers(t *testing.T, s roster.Store, tenantID, importID int64) []int {
	t.Helper()
	var rows []int
	if err := s.FailedRows(context.Background(), tenantID, importID, func(fr roster.FailedRow) error {
		rows = append(rows, fr.Row)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestWorkerCrashes: a job whose worker processes are SIGKILLed at random
// moments, again and again, and resumed each time by the next one, ends
// exactly as one uninterrupted import of the same file. A dry-run job
// does too, and leaves the directory as it was.
func TestWorkerCrashes(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, dry := range []bool{false, true} {
			name := backend
			if dry {
				name += "/dry_run"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				testWorkerCrashes(t, backend, dry)
			})
		}
	}
}

func testWorkerCrashes(t *testing.T, backend string, dry bool) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("ROSTER_TEST_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	t.Logf("seed %d (replay with ROSTER_TEST_SEED=%d)", seed, seed)
	rnd := rand.New(rand.NewPCG(seed, seed))

	ctx := context.Background()
	db, s := jobDB(t, backend)
	crashed, err := s.CreateTenant(ctx, "crashed")
	if err != nil {
		t.Fatal(err)
	}
	reference, err := s.CreateTenant(ctx, "reference")
	if err != nil {
		t.Fatal(err)
	}
	// Big enough that five attempts cannot finish it even on a fast
	// machine: each commits a batch or, on SQLite, a group of batches (up
	// to 20,000 rows) before it is killed, within 300 ms of that commit.
	rows := 60_000
	if backend == "sqlite" && !dry {
		rows = 150_000
	}
	path := crashFile(t, rows)
	imp := enqueueFile(t, s, crashed, path, dry)

	env := []string{"ROSTER_IMPORT_LEASE=1s"}
	kills := 0
	for attempt := 1; kills < 5; attempt++ {
		w := rosterProcess(t, env, "worker", "--db", db)
		var got *roster.Import
		waitUntil(t, "a worker claims the job", func() bool {
			got, err = s.FindImport(ctx, crashed.ID, imp.ID)
			return err == nil && (got.Attempts >= attempt || got.Status != roster.ImportRunning && got.Status != roster.ImportQueued)
		})
		if got.Status == roster.ImportDone {
			break
		}
		// Kill it mid-import: after it committed a batch of its own, at a
		// random moment within the next few batches.
		before := got.Counts.Rows
		waitUntil(t, "the worker commits a batch", func() bool {
			got, err = s.FindImport(ctx, crashed.ID, imp.ID)
			return err == nil && (got.Counts.Rows > before || got.Status != roster.ImportRunning)
		})
		time.Sleep(time.Duration(rnd.IntN(300)) * time.Millisecond)
		w.Process.Kill()
		w.Wait()
		got, _ = s.FindImport(ctx, crashed.ID, imp.ID)
		if got.Status != roster.ImportRunning {
			t.Logf("attempt %d: the job ended (%s) before its worker was killed", got.Attempts, got.Status)
			break
		}
		kills++
		t.Logf("kill %d: attempt %d killed after %d of %d rows", kills, got.Attempts, got.Counts.Rows, rows)
	}
	last := rosterProcess(t, env, "worker", "--db", db)
	var got *roster.Import
	waitUntil(t, "the job ends", func() bool {
		got, err = s.FindImport(ctx, crashed.ID, imp.ID)
		return err == nil && got.Status != roster.ImportRunning && got.Status != roster.ImportQueued
	})
	last.Process.Kill()
	last.Wait()
	if kills < 3 {
		t.Errorf("only %d workers were killed while the job ran; the test proves little (seed %d)", kills, seed)
	}

	ref, err := (&importer.Importer{Store: s}).Run(ctx, reference, path, importer.Options{ImportOptions: imp.Options})
	if err != nil {
		t.Fatal(err)
	}
	want := ref.Import.Counts
	if want.Created == 0 || want.Updated == 0 || want.Unchanged == 0 || want.Failed == 0 {
		t.Fatalf("the reference import's counts %+v lack an outcome; the file must have them all", want)
	}
	if got.Status != roster.ImportDone || got.Counts != want {
		t.Fatalf("after %d kills the job is %s (%s) with %+v; an uninterrupted run gives done with %+v (seed %d)",
			kills, got.Status, got.Message, got.Counts, want, seed)
	}
	if got.Attempts < kills+1 {
		t.Errorf("the job took %d attempts; %d workers were killed while it ran", got.Attempts, kills)
	}

	have, ref2 := comparableContacts(t, s, crashed), comparableContacts(t, s, reference)
	if dry {
		ref2 = nil // the directory stays as it was: empty
	}
	if len(have) != len(ref2) {
		t.Fatalf("%d contacts after the crashes, %d after the uninterrupted run (seed %d)", len(have), len(ref2), seed)
	}
	for i := range have {
		if i > 0 && have[i].Email == have[i-1].Email {
			t.Fatalf("%s is stored twice (seed %d)", have[i].Email, seed)
		}
		if !reflect.DeepEqual(have[i], ref2[i]) {
			t.Fatalf("contact %d differs from the uninterrupted run's (seed %d):\n got %+v\nwant %+v", i, seed, have[i], ref2[i])
		}
	}
	failedGot, failedWant := failedRowNumbers(t, s, crashed.ID, imp.ID), failedRowNumbers(t, s, reference.ID, ref.Import.ID)
	if !slices.Equal(failedGot, failedWant) || len(failedGot) != want.Failed {
		t.Fatalf("failed rows journaled %v; the uninterrupted run journaled %v (seed %d)", failedGot, failedWant, seed)
	}
	if _, err := s.FindImportLock(ctx, crashed.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
		t.Fatalf("the tenant's lock is still held: %v", err)
	}
}

// TestTwoProcessesShareTheQueue: a serve and a worker process on one
// PostgreSQL database run a queue of jobs; each runs exactly once.
func TestTwoProcessesShareTheQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, s := jobDB(t, "postgres")
	const perJob = 300
	var imps []*roster.Import
	tenants := map[int64]*roster.Tenant{}
	for i := range 4 {
		tn, err := s.CreateTenant(ctx, fmt.Sprint("tenant-", i))
		if err != nil {
			t.Fatal(err)
		}
		tenants[tn.ID] = tn
	}
	for j := range 8 {
		var b strings.Builder
		b.WriteString("name,email\n")
		for i := range perJob {
			fmt.Fprintf(&b, "Person %d-%d,j%d-p%d@example.com\n", j, i, j, i)
		}
		path := filepath.Join(t.TempDir(), "job.csv")
		os.WriteFile(path, []byte(b.String()), 0o644)
		var tn *roster.Tenant
		for _, x := range tenants {
			if x.Name == fmt.Sprint("tenant-", j%4) {
				tn = x
			}
		}
		imps = append(imps, enqueueFile(t, s, tn, path))
	}
	env := []string{"ROSTER_IMPORT_LEASE=5s", "ROSTER_DATA_DIR=" + t.TempDir()}
	procs := []*exec.Cmd{
		rosterProcess(t, env, "serve", "--db", db, "--addr", "127.0.0.1:0", "--workers", "1"),
		rosterProcess(t, env, "worker", "--db", db),
	}
	waitUntil(t, "every job ends", func() bool {
		for _, imp := range imps {
			got, err := s.FindImport(ctx, imp.TenantID, imp.ID)
			if err != nil || got.Status == roster.ImportQueued || got.Status == roster.ImportRunning {
				return false
			}
		}
		return true
	})
	for _, p := range procs {
		p.Process.Kill()
		p.Wait()
	}
	workers := map[string]int{}
	for _, imp := range imps {
		got, _ := s.FindImport(ctx, imp.TenantID, imp.ID)
		if got.Status != roster.ImportDone || got.Attempts != 1 || got.Counts.Created != perJob || got.Counts.Rows != perJob {
			t.Errorf("job %d: %s (%s), attempts %d, %+v; want done once with %d created", got.ID, got.Status, got.Message, got.Attempts, got.Counts, perJob)
		}
		workers[strings.SplitN(got.Worker, ":", 2)[1]]++
	}
	for _, tn := range tenants {
		cs := comparableContacts(t, s, tn)
		if len(cs) != 2*perJob {
			t.Errorf("tenant %s has %d contacts, want %d", tn.Name, len(cs), 2*perJob)
		}
		for i := 1; i < len(cs); i++ {
			if cs[i].Email == cs[i-1].Email {
				t.Errorf("tenant %s stores %s twice", tn.Name, cs[i].Email)
			}
		}
	}
	t.Logf("jobs per process: %v", workers)
}

// TestWorkerCommandStopsGracefully: when its context ends (SIGINT,
// SIGTERM), 'roster worker' exits 0 and leaves the job it ran resumable.
func TestWorkerCommandStopsGracefully(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, s := jobDB(t, backend)
			tn, err := s.CreateTenant(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			imp := enqueueFile(t, s, tn, crashFile(t, 60_000))
			m := NewMain()
			var stderr syncBuffer
			m.Stdout, m.Stderr = &stderr, &stderr
			runCtx, stop := context.WithCancel(ctx)
			code := make(chan int, 1)
			go func() { code <- m.Run(runCtx, []string{"worker", "--db", db, "--workers", "2"}) }()
			var got *roster.Import
			waitUntil(t, "the job has committed a batch", func() bool {
				got, err = s.FindImport(ctx, tn.ID, imp.ID)
				return err == nil && got.Counts.Rows > 0
			})
			stop()
			select {
			case c := <-code:
				if c != exitOK {
					t.Fatalf("worker exited %d: %s", c, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the worker did not stop")
			}
			got, _ = s.FindImport(ctx, tn.ID, imp.ID)
			if got.Counts.Rows == 60_000 {
				// Stopped right after its first batch: finishing 60,000 rows
				// first would mean the stop was not heard.
				t.Fatal("the job finished before the worker stopped")
			}
			if got.Status != roster.ImportRunning || got.FinishedAt != nil {
				t.Fatalf("a stopped worker left its job %s (%s); want it running, to be resumed", got.Status, got.Message)
			}
			if _, err := s.FindImportLock(ctx, tn.ID); roster.ErrorCode(err) != roster.ENOTFOUND {
				t.Fatalf("a stopped worker must free the lock: %v", err)
			}
			if !strings.Contains(stderr.String(), "paused by shutdown") {
				t.Errorf("the worker's log does not say it paused the job:\n%s", stderr.String())
			}
		})
	}
}

// waitUntil polls cond until it holds, or fails the test after a minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}
