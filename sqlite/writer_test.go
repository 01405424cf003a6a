package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"roster"
	"roster/sqlstore"
)

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
	var cache int
	if err := s.WriteDB.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		t.Fatal(err)
	}
	if cache != -32768 {
		t.Errorf("the writer's cache_size is %d, want -32768 (32 MB)", cache)
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
