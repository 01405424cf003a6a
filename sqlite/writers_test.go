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
