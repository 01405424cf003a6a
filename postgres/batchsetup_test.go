package postgres_test

import (
	"context"
	"testing"

	"roster/postgres"
	"roster/storetest"
)

// An import batch commits without waiting for the WAL to be flushed, and
// only the batch: the session, and so the import's final commit, waits.
func TestBatchSetupCommitsAsynchronously(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.OpenPostgres(t)
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	setting := func() string {
		t.Helper()
		var v string
		if err := conn.QueryRowContext(ctx, `SELECT current_setting('synchronous_commit')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, postgres.Dialect.BatchSetup); err != nil {
		t.Fatal(err)
	}
	if v := setting(); v != "off" {
		t.Errorf("in the batch: synchronous_commit = %s", v)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if v := setting(); v != "on" {
		t.Errorf("after the batch: synchronous_commit = %s", v)
	}
}
