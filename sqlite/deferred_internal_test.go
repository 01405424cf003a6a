package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"roster"
	"roster/sqlstore"
)

// bulkTables are the tables whose links migration 009 defers.
var bulkTables = []string{"companies", "contacts", "contact_emails", "memberships", "import_changes", "import_errors", "dry_records", "dry_keys"}

// A database made before migration 009, with a directory in it, comes
// out of it whole, and from then on its links are checked at COMMIT, on
// every connection, including the one that migrated it: a broken link
// still fails its transaction and leaves nothing behind, and deleting a
// parent still deletes its links.
func TestLinksDeferredByMigration(t *testing.T) {
	ctx := context.Background()
	db, err := open(filepath.Join(t.TempDir(), "roster.db"), "cache_size(-16384)", "temp_store(2)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := sqlstore.New(db, Dialect)
	before := fstest.MapFS{}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, name := range names {
		if base := filepath.Base(name); base < "009" {
			body, _ := migrations.ReadFile(name)
			before[base] = &fstest.MapFile{Data: body}
		}
	}
	if err := s.Migrate(ctx, before); err != nil {
		t.Fatal(err)
	}
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	// The company is written as the store did then: today's has columns
	// of later migrations.
	co := &roster.Company{Name: "Acme"}
	if err := db.QueryRowContext(ctx, `INSERT INTO companies (tenant_id, name, name_key, created_at, updated_at)
		VALUES (?, 'Acme', 'acme', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id`, tn.ID).Scan(&co.ID); err != nil {
		t.Fatal(err)
	}
	ann := &roster.Contact{Name: "Ann", Email: "ann@x.cz", OtherEmails: []string{"ann@y.cz"}, Companies: []roster.Membership{{CompanyID: co.ID}}}
	if err := s.CreateContact(ctx, tn.ID, ann); err != nil {
		t.Fatal(err)
	}
	// Several connections open before the migration, one of them the
	// migration's.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		if conns[i], err = db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := conns[i].ExecContext(ctx, "SELECT count(*) FROM contacts"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns[1:] {
		c.Close()
	}
	if err := Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}

	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	for _, table := range bulkTables {
		var def string
		if err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&def); err != nil {
			t.Fatal(err)
		}
		if n, m := strings.Count(def, "REFERENCES"), strings.Count(def, "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"); n == 0 || n != m {
			t.Errorf("%s: %d of %d links deferred:\n%s", table, m, n, def)
		}
	}
	got, err := s.FindContact(ctx, tn.ID, ann.ID)
	if err != nil || got.Email != "ann@x.cz" || len(got.OtherEmails) != 1 || len(got.Companies) != 1 {
		t.Fatalf("Ann after the migration: %+v, %v", got, err)
	}

	// Each connection: an email of a missing contact is taken by its
	// statement and refused by the commit.
	conns[1], _ = db.Conn(ctx)
	conns[2], _ = db.Conn(ctx)
	for i, c := range conns {
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES (?, 'ghost@x.cz', 99999), (?, 'ann@z.cz', ?)`, tn.ID, tn.ID, ann.ID); err != nil {
			t.Fatalf("connection %d: the statement failed (%v); the link should be checked at COMMIT", i, err)
		}
		if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Fatalf("connection %d: COMMIT gave %v, want a foreign key error", i, err)
		}
		c.Close()
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM contact_emails WHERE email IN ('ghost@x.cz', 'ann@z.cz')").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d emails of the failed transactions stayed (%v)", n, err)
	}

	if _, err := db.ExecContext(ctx, "DELETE FROM tenants WHERE id = ?", tn.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"companies", "contacts", "contact_emails", "memberships"} {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows left after their tenant was deleted (%v)", table, n, err)
		}
	}
}
