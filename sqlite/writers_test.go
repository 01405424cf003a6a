package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/sqlite"
	"roster/sqlstore"
)

// An import commits group after group, beginning the next at once. A
// write from elsewhere in the process gets in between two of them, not
// after the import: SQLite's busy handler alone polls, and misses the
// moment between two transactions.
func TestWriterGetsInBetweenImportGroups(t *testing.T) {
	ctx := context.Background()
	s, tn := openWithTenant(t, filepath.Join(t.TempDir(), "roster.db"))
	wrote := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond) // the import is under way
		if _, err := s.CreateTenant(ctx, "other"); err != nil {
			t.Error(err)
		}
		close(wrote)
	}()
	const groups = 300 // about 3 s, a third of SQLite's busy timeout
	for i := range groups {
		select {
		case <-wrote:
			if i == 0 {
				t.Fatal("the write came before the import")
			}
			return
		default:
		}
		g, err := s.BeginImportGroup(ctx, tn.ID, 0, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Batch(func(roster.ImportTx) error { time.Sleep(10 * time.Millisecond); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := g.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("the other write waited for all %d groups", groups)
}

// Another process's import holds SQLite's write lock for all but an
// instant between its groups, which a writer waiting in SQLite's busy
// handler seldom catches. Opening the database and asking to import
// need no write while the import runs: the second import is told at
// once that the first is in progress, not "database is locked" after
// the busy timeout.
func TestImportRefusedWhileAnotherProcessWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "roster.db")
	s, tn := openWithTenant(t, path)
	first := &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: "first.csv"}
	if err := s.StartImport(ctx, first, "first", time.Minute); err != nil {
		t.Fatal(err)
	}
	// The other process, in the middle of a group.
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")

	ctx, cancel := context.WithTimeout(ctx, 5*time.Second) // well within the busy timeout
	defer cancel()
	s2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open while another process writes: %v", err)
	}
	defer s2.Close()
	second := &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: "second.csv"}
	err = s2.StartImport(ctx, second, "second", time.Minute)
	if roster.ErrorCode(err) != roster.EINPROGRESS || !strings.Contains(err.Error(), fmt.Sprintf("#%d", first.ID)) {
		t.Fatalf("second import: %v; want import #%d in progress", err, first.ID)
	}
}

// openWithTenant opens the database at path, closed when the test ends,
// with a tenant in it.
func openWithTenant(t *testing.T, path string) (*sqlstore.Store, *roster.Tenant) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tn, err := s.CreateTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return s, tn
}

// Every write runs on the writer's one connection, so no other
// connection's commit empties its page cache: SQLite's data_version,
// read on that connection, moves only when another connection commits.
func TestWritesKeepTheWritersCache(t *testing.T) {
	ctx := context.Background()
	s, tn := openWithTenant(t, filepath.Join(t.TempDir(), "roster.db"))
	if n := s.WriteDB.Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("the writer's pool takes %d connections, want 1", n)
	}
	version := func() int64 {
		t.Helper()
		var v int64
		if err := s.WriteDB.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := version()
	co := &roster.Company{Name: "Acme"}
	if err := s.CreateCompany(ctx, tn.ID, co); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		c := &roster.Contact{Name: fmt.Sprint("Person ", i), Email: fmt.Sprintf("p%d@example.com", i), Companies: []roster.Membership{{CompanyID: co.ID}}}
		if err := s.CreateContact(ctx, tn.ID, c); err != nil {
			t.Fatal(err)
		}
		c.JobTitle = "Buyer"
		if err := s.UpdateContact(ctx, tn.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateTenant(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	if after := version(); after != before {
		t.Errorf("the store's writes moved the writer's data_version from %d to %d: one ran on another connection", before, after)
	}

	// The probe sees another connection's commit.
	if _, err := s.DB.ExecContext(ctx, `UPDATE contacts SET job_title = 'Seller'`); err != nil {
		t.Fatal(err)
	}
	if after := version(); after == before {
		t.Error("a commit on another connection left the writer's data_version alone")
	}
}
