package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"roster"
	"roster/sqlite"
)

// An import commits group after group, beginning the next at once. A
// write from elsewhere in the process gets in between two of them, not
// after the import: SQLite's busy handler alone polls, and misses the
// moment between two transactions.
func TestWriterGetsInBetweenImportGroups(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "roster.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
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
