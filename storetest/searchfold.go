package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/sqlstore"
)

// RunSearchMigration checks migration 013 on a directory written before
// it, when a contact's search text was only lower-cased and companies had
// none: afterwards every contact and company is found ignoring accents,
// through batches of rows, and what the records hold is left as it was.
// migrate applies the database's migrations.
func RunSearchMigration(t *testing.T, open func(testing.TB) *sqlstore.Store, migrate func(context.Context, *sqlstore.Store) error) {
	ctx := context.Background()
	s := open(t)
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	exec := execer(t, s)
	// The schema as it was: companies without a search text.
	exec(`ALTER TABLE companies DROP COLUMN search`)
	exec(`DELETE FROM schema_migrations WHERE version = 13`)

	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	// add writes a contact as the store did before the migration.
	add := func(name, email string) int64 {
		t.Helper()
		var id int64
		err := s.DB.QueryRowContext(ctx, s.Q(`INSERT INTO contacts (tenant_id, name, email, search, created_at, updated_at, import_digest)
			VALUES (?, ?, ?, ?, ?, ?, 42) RETURNING id`), tn.ID, name, email, strings.ToLower(name+" "+email), created, created).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES (?, ?, ?)`, tn.ID, email, id)
		return id
	}
	addCompany := func(name string) {
		t.Helper()
		exec(`INSERT INTO companies (tenant_id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			tn.ID, name, roster.NameKey(name), created, created)
	}
	ann := add("Ann Lee", "ann@example.com")
	dvorak := add("Antonín Dvořák", "antonin@dvořák.cz")
	// Enough more to take several batches of the migration's reads and writes.
	const many = 6000
	exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+fmt.Sprint(many)+`)
		INSERT INTO contacts (tenant_id, name, email, search, created_at, updated_at)
		SELECT CAST(? AS BIGINT), 'Łucja ' || i, 'lucja' || i || '@example.pl', 'łucja ' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n`, tn.ID)
	addCompany("Müller GmbH")
	addCompany("Muller GmbH")
	addCompany("Łódź Logistics")

	if err := migrate(ctx, s); err != nil {
		t.Fatalf("migration: %v", err)
	}

	count := func(query string) int {
		t.Helper()
		n := 0
		f := roster.ContactFilter{Query: query, Page: roster.Page{Limit: 1000}}
		for {
			cs, next, err := s.ListContacts(ctx, tn.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			n += len(cs)
			if next == "" {
				return n
			}
			f.Cursor = next
		}
	}
	for q, want := range map[string]int{"dvorak": 1, "@dvorak.cz": 1, "ann lee": 1, "lucja ": many, "lucja 5999": 1, "ŁUCJA 6000": 1} {
		if got := count(q); got != want {
			t.Errorf("%d contacts found by %q, want %d", got, q, want)
		}
	}
	cos, _, err := s.ListCompanies(ctx, tn.ID, roster.CompanyFilter{Query: "muller"})
	if got := names(cos); err != nil || !slices.Equal(got, []string{"Müller GmbH", "Muller GmbH"}) {
		t.Errorf("companies found by muller: %q, %v", got, err)
	}
	cos, _, err = s.ListCompanies(ctx, tn.ID, roster.CompanyFilter{Query: "lodz"})
	if got := names(cos); err != nil || !slices.Equal(got, []string{"Łódź Logistics"}) {
		t.Errorf("companies found by lodz: %q, %v", got, err)
	}
	// The records hold what they held: their time of change and import
	// digest stay (a re-import of the same row still settles it unread).
	for _, id := range []int64{ann, dvorak} {
		var updated time.Time
		var digest *int64
		err := s.DB.QueryRowContext(ctx, s.Q(`SELECT updated_at, import_digest FROM contacts WHERE id = ?`), id).Scan(&updated, &digest)
		if err != nil || !updated.Equal(created) || digest == nil || *digest != 42 {
			t.Errorf("contact %d after the migration: updated_at %v, digest %v, %v; want them kept", id, updated, digest, err)
		}
	}
	// Migrating again changes nothing.
	if err := migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
}
