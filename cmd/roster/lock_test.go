package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/sqlite"
)

// TestMain lets a test start this very binary as the roster program, so a
// test can run a second, real roster process (and kill it).
func TestMain(m *testing.M) {
	if args := os.Getenv("ROSTER_TEST_RUN_MAIN"); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			panic(err)
		}
		os.Exit(NewMain().Run(context.Background(), argv))
	}
	os.Exit(m.Run())
}

// rosterProcess starts the roster program as a child process.
func rosterProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	argv, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), "ROSTER_TEST_RUN_MAIN="+string(argv)), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// TestImportLockAcrossProcesses: while one roster process imports, a
// second import of the tenant exits 3 saying which import runs; when the
// first process is killed, its lease runs out and imports go on.
func TestImportLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "roster.db")
	// Big enough that the first import still runs when the second starts
	// and when it is killed, however fast the machine.
	var big strings.Builder
	big.WriteString("name,email\n")
	for i := range 600_000 {
		fmt.Fprintf(&big, "Person %d,p%d@example.com\n", i, i)
	}
	bigFile := filepath.Join(dir, "big.csv")
	small := filepath.Join(dir, "small.csv")
	os.WriteFile(bigFile, []byte(big.String()), 0o644)
	os.WriteFile(small, []byte("name,email\nLate Comer,late@example.com\n"), 0o644)
	if code := NewMain().Run(context.Background(), []string{"tenants", "create", "default", "--db", db}); code != 0 {
		t.Fatal("tenants create failed")
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tenant, _ := store.FindTenant(context.Background(), "default")

	// The lease is short so the test is quick, but long enough that the
	// first process keeps it while the whole test suite loads the machine.
	const lease = 5 * time.Second
	first := rosterProcess(t, []string{"ROSTER_IMPORT_LEASE=" + lease.String()}, "import", "--db", db, bigFile)
	var lock *roster.ImportLock
	for deadline := time.Now().Add(30 * time.Second); lock == nil; {
		if time.Now().After(deadline) {
			t.Fatal("the first import never took the lock")
		}
		lock, _ = store.FindImportLock(context.Background(), tenant.ID)
		time.Sleep(10 * time.Millisecond)
	}

	var stderr bytes.Buffer
	m := NewMain()
	var stdout bytes.Buffer
	m.Stdout, m.Stderr = &stdout, &stderr
	if code := m.Run(context.Background(), []string{"import", "--db", db, small}); code != exitInProgress {
		t.Fatalf("second import exit code %d, want %d; stderr: %s %s", code, exitInProgress, stderr.String(), stdout.String())
	}
	want := fmt.Sprintf("another import (#%d)", lock.ImportID)
	if !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), "in progress since") {
		t.Fatalf("second import said %q; want it to name %q and since when", stderr.String(), want)
	}
	// With --json, the script reading stdout gets the error's code too.
	stdout.Reset()
	if code := m.Run(context.Background(), []string{"import", "--json", "--db", db, small}); code != exitInProgress || !strings.Contains(stdout.String(), `"code": "import_in_progress"`) {
		t.Fatalf("second import --json: exit %d, stdout %s", code, stdout.String())
	}

	// A crash: SIGKILL leaves the lock behind, but only until its lease ends.
	first.Process.Kill()
	first.Wait()
	time.Sleep(lease + 100*time.Millisecond)
	// The journal says so at once, without waiting for another import.
	stdout.Reset()
	if code := m.Run(context.Background(), []string{"imports", "list", "--db", db}); code != 0 || strings.Contains(stdout.String(), "running") {
		t.Fatalf("imports list after the lease ran out (exit %d):\n%s", code, stdout.String())
	}
	killed, err := store.FindImport(context.Background(), tenant.ID, lock.ImportID)
	if err != nil || killed.Status != roster.ImportFailed || killed.Message == "" {
		t.Fatalf("the killed import is %+v, %v; want it marked failed with a reason", killed, err)
	}
	// What the killed import committed is whole batches, journaled: undo removes it all.
	rep, err := store.UndoImport(context.Background(), tenant.ID, lock.ImportID)
	if err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := m.Run(context.Background(), []string{"import", "--db", db, small}); code != 0 {
		t.Fatalf("import after the lease ran out: exit %d: %s", code, stderr.String())
	}
	l, _, _ := store.ListContacts(context.Background(), tenant.ID, roster.ContactFilter{Page: roster.Page{Limit: 10}})
	if len(l) != 1 || l[0].Email != "late@example.com" {
		t.Fatalf("after undoing the killed import (%d deleted) the directory holds %d contacts: %v", rep.Deleted, len(l), l)
	}
}
