package sqlite

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"roster"
)

// pagesInBlock is how many pages SQLite's connections now cache in the
// block setUpPageCache gave it.
func pagesInBlock(t *testing.T) int64 {
	t.Helper()
	tls := libc.NewTLS()
	defer tls.Close()
	cur, high := libc.Xmalloc(tls, 8), libc.Xmalloc(tls, 8)
	defer libc.Xfree(tls, cur)
	defer libc.Xfree(tls, high)
	if rc := sqlite3.Xsqlite3_status64(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, cur, high, 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_status64: %d", rc)
	}
	return int64(binary.NativeEndian.Uint64(libc.GoBytes(cur, 8)))
}

// Writes run on the writer's one connection, with its large page cache,
// whose pages SQLite takes from the block rather than one by one.
func TestWriterCachesInTheBlock(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "roster.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.WriteDB == nil || s.WriteDB.Stats().MaxOpenConnections != 1 {
		t.Fatal("writes do not run on a connection of their own")
	}
	var pages int
	if err := s.WriteDB.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if want := -writerCache >> 10; pages != want {
		t.Errorf("the writer's cache_size is %d, want %d", pages, want)
	}
	before := pagesInBlock(t)
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		c := &roster.Contact{Name: fmt.Sprint("Person ", i), Email: fmt.Sprintf("p%d@example.com", i), Description: fmt.Sprintf("%0500d", i)}
		if err := s.CreateContact(ctx, tn.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	if after := pagesInBlock(t); after < before+40 {
		t.Errorf("the block holds %d cached pages after writing 300 contacts, %d before", after, before)
	}
}
