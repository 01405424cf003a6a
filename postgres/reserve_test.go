package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"roster"
)

// An import batch takes its next pool of ids while its last rows are
// still being copied: ids come from a connection of their own, so the
// batch goes on building rows instead of waiting for the copy.
func TestIDsReservedWhileRowsAreCopied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tenant := openWithTenant(t)
	reserve, copyRows := s.Dialect.ReserveIDs, s.Dialect.Copy
	var reservations atomic.Int32
	second := make(chan struct{})
	s.Dialect.ReserveIDs = func(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
		if table == "contacts" && reservations.Add(1) == 2 {
			close(second)
		}
		return reserve(ctx, tx, table, n)
	}
	s.Dialect.Copy = func(ctx context.Context, dc any, table string, columns []string, rows [][]any) error {
		if table == "contacts" {
			select {
			case <-second:
			case <-time.After(10 * time.Second):
				return errors.New("the second pool of ids waited for the copy of the first pool's contacts")
			}
		}
		return copyRows(ctx, dc, table, columns, rows)
	}
	now := time.Now().UTC()
	const n = 2100 // more than one pool of ids (2048)
	err := s.ImportBatch(ctx, tenant, 0, "", 0, func(tx roster.ImportTx) error {
		for i := range n {
			c := &roster.Contact{Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.com", i),
				Role: roster.RoleCustomer, Tags: []string{}, OtherEmails: []string{}, Custom: map[string]any{},
				CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateContact(c, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := reservations.Load(); got != 2 {
		t.Errorf("%d pools of contact ids taken, want 2", got)
	}
	var stored int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE tenant_id = $1`, tenant).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != n {
		t.Errorf("%d contacts stored, want %d", stored, n)
	}
}
