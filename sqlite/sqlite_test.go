package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"roster"
	"roster/sqlite"
	"roster/sqlstore"
	"roster/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) })
}

// Every connection of the pools gets the settings an import's speed and
// memory were measured with: the WAL is checkpointed (and synced) every
// 65,536 pages, not every batch; the page caches stay within 16 MB for
// reads, 32 MB for the writer and 256 KB a look-ahead connection;
// statement journals stay in memory.
func TestConnectionSettings(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "roster.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		db                      *sql.DB
		checkpoint, cache, temp int
	}{{s.DB, 65536, -16384, 2}, {s.WriteDB, 65536, -32768, 2}, {s.ReadDB, 0, -256, 0}} { // the reader never writes, so never checkpoints
		var checkpoint, cache, temp int
		if err := c.db.QueryRow("PRAGMA wal_autocheckpoint").Scan(&checkpoint); err != nil {
			t.Fatal(err)
		}
		if err := c.db.QueryRow("PRAGMA cache_size").Scan(&cache); err != nil {
			t.Fatal(err)
		}
		if err := c.db.QueryRow("PRAGMA temp_store").Scan(&temp); err != nil {
			t.Fatal(err)
		}
		if c.checkpoint != 0 && checkpoint != c.checkpoint || cache != c.cache || temp != c.temp {
			t.Errorf("wal_autocheckpoint %d, cache_size %d, temp_store %d; want %d, %d, %d", checkpoint, cache, temp, c.checkpoint, c.cache, c.temp)
		}
	}
}

// New files get 8 KB pages; a file made before keeps its own.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	pageSize := func(s *sqlstore.Store) int {
		t.Helper()
		var n int
		if err := s.DB.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s, _ := openWithTenant(t, filepath.Join(t.TempDir(), "new.db"))
	if n := pageSize(s); n != 8192 {
		t.Errorf("a new file's page size is %d, want 8192", n)
	}

	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA page_size = 4096; CREATE TABLE before_roster (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, tn := openWithTenant(t, old)
	if n := pageSize(s); n != 4096 {
		t.Errorf("an existing file's page size became %d, want 4096", n)
	}
	if err := s.CreateContact(ctx, tn.ID, &roster.Contact{Name: "Ann", Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
}
