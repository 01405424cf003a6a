package postgres_test

import (
	"context"
	"testing"
	"time"

	"roster"
	"roster/storetest"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	storetest.RunLinks(t, storetest.OpenPostgres)
}

// A company deleted while another transaction writes memberships to it
// waits for that transaction, then takes the memberships with it: what
// the foreign key's row lock did before migration 009.
func TestCompanyDeletedWhileLinked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tenant := openWithTenant(t)
	co := &roster.Company{Name: "Acme"}
	if err := s.CreateCompany(ctx, tenant, co); err != nil {
		t.Fatal(err)
	}
	c := &roster.Contact{Name: "Ann", Email: "ann@example.com"}
	if err := s.CreateContact(ctx, tenant, c); err != nil {
		t.Fatal(err)
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (tenant_id, contact_id, company_id, position) VALUES ($1, $2, $3, 0)`, tenant, c.ID, co.ID); err != nil {
		t.Fatal(err)
	}
	deleted := make(chan error, 1)
	go func() {
		_, err := s.DB.ExecContext(ctx, `DELETE FROM companies WHERE id = $1`, co.ID)
		deleted <- err
	}()
	select {
	case err := <-deleted:
		t.Fatalf("the company was deleted while a membership to it was being written (%v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-deleted; err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE company_id = $1`, co.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d memberships of the deleted company left", n)
	}
}
