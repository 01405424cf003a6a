package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"roster"
	"roster/sqlite"
	"roster/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) })
}

// Every connection of the pools gets the settings an import's speed and
// memory were measured with: the WAL is checkpointed (and synced) every
// 256 MB, not every batch; the page caches stay within 16 MB, and 256 KB
// a look-ahead connection; statement journals stay in memory.
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
	}{{s.DB, 65536, -16384, 2}, {s.ReadDB, 0, -256, 0}} { // the reader never writes, so never checkpoints
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
