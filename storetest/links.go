package storetest

import (
	"context"
	"testing"

	"roster"
	"roster/sqlstore"
)

// RunLinks checks, below the store's own code, that the database keeps
// a contact's links whole: a link must name an existing contact, company
// and tenant, and deleting one of those deletes its links. SQLite keeps
// this with foreign keys, PostgreSQL with statement-level triggers.
func RunLinks(t *testing.T, open func(testing.TB) *sqlstore.Store) {
	ctx := context.Background()
	s := open(t)
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) error {
		_, err := s.DB.ExecContext(ctx, s.Q(q), args...)
		return err
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.DB.QueryRowContext(ctx, s.Q(q), args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	co := &roster.Company{Name: "Acme"}
	if err := s.CreateCompany(ctx, tn.ID, co); err != nil {
		t.Fatal(err)
	}
	add := func(name, email string) *roster.Contact {
		t.Helper()
		c := &roster.Contact{Name: name, Email: email, OtherEmails: []string{"other." + email}, Companies: []roster.Membership{{CompanyID: co.ID}}}
		if err := s.CreateContact(ctx, tn.ID, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	ann, bob := add("Ann", "ann@example.com"), add("Bob", "bob@example.com")

	t.Run("a link must name what exists", func(t *testing.T) {
		for _, bad := range []struct {
			what, q string
			args    []any
		}{
			{"email of a missing contact", `INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES (?, ?, ?)`, []any{tn.ID, "x@example.com", 99999}},
			{"membership of a missing contact", `INSERT INTO memberships (tenant_id, contact_id, company_id, position) VALUES (?, ?, ?, 0)`, []any{tn.ID, 99999, co.ID}},
			{"membership in a missing company", `INSERT INTO memberships (tenant_id, contact_id, company_id, position) VALUES (?, ?, ?, 1)`, []any{tn.ID, ann.ID, 99999}},
			{"emails of consecutive contacts, the last missing", `INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES (?, ?, ?), (?, ?, ?)`,
				[]any{tn.ID, "y@example.com", bob.ID, tn.ID, "z@example.com", bob.ID + 1}},
			{"email moved to a missing contact", `UPDATE contact_emails SET contact_id = 99999 WHERE email = ?`, []any{"ann@example.com"}},
			{"contact of a missing tenant", `INSERT INTO contacts (tenant_id, name, created_at, updated_at) VALUES (99999, 'X', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, nil},
		} {
			if err := exec(bad.q, bad.args...); err == nil {
				t.Errorf("%s: written", bad.what)
			}
		}
		if n := count(`SELECT count(*) FROM contact_emails WHERE contact_id = ?`, ann.ID); n != 2 {
			t.Errorf("Ann has %d emails after the failed writes, want 2", n)
		}
	})

	t.Run("deleting a record deletes its links", func(t *testing.T) {
		if err := exec(`DELETE FROM contacts WHERE id = ?`, ann.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT count(*) FROM contact_emails WHERE contact_id = ?`, ann.ID) + count(`SELECT count(*) FROM memberships WHERE contact_id = ?`, ann.ID); n != 0 {
			t.Errorf("%d links of a deleted contact left", n)
		}
		if n := count(`SELECT count(*) FROM memberships WHERE contact_id = ?`, bob.ID); n != 1 {
			t.Fatalf("Bob has %d memberships, want 1", n)
		}
		if err := exec(`DELETE FROM companies WHERE id = ?`, co.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT count(*) FROM memberships WHERE company_id = ?`, co.ID); n != 0 {
			t.Errorf("%d memberships of a deleted company left", n)
		}
		if n := count(`SELECT count(*) FROM contact_emails WHERE contact_id = ?`, bob.ID); n != 2 {
			t.Errorf("Bob has %d emails after his company went, want 2", n)
		}
	})
}
