// Package postgres is Roster's storage for those who outgrow one machine:
// several roster processes share one PostgreSQL. It supplies the
// PostgreSQL dialect and migrations to sqlstore, through pgx.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver

	"roster/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's dialect for sqlstore.
var Dialect = sqlstore.Dialect{
	Name:            "postgres",
	Numbered:        true,
	Arrays:          true,
	UniqueViolation: uniqueViolation,
	ReserveIDs: func(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
		return reserveIDs(ctx, tx, table, n)
	},
	Copy:    copyRows,
	Analyze: analyze,
	// An import batch's commit does not wait for its WAL to reach the
	// disk: 500 such waits were a quarter of a 1M-row re-import. A crash
	// of the server may lose the last batches' commits, but never part of
	// one, and a batch commits its journal with its rows, so the import
	// resumes after the last batch that survived. The import's final
	// commit (FinishImport) waits, and with it every batch before it.
	BatchSetup: `SET LOCAL synchronous_commit = off`,
	// Each batch's set-based merge costs a few statements whatever its
	// size: 100k updates took 11.4-12.4 s in batches of 2000, 15.2-17.1 s
	// in 1000; new rows took the same time in either.
	BatchRows: 2000,
	// An arbitrary constant key shared by every Roster process.
	MigrationLock: `SELECT pg_advisory_xact_lock(72657374)`,
}

// analyze refreshes the statistics of the directory's tables that have
// at least doubled since they were last analyzed: the planner scales old
// statistics by a table's current size, so only a table that was much
// smaller then needs new ones, and an ANALYZE of a million-row table
// costs about a second. Of contacts and companies it samples only the
// columns looked up by (the rest cost the most and steer no plan;
// autovacuum analyzes them in time).
const analyze = `DO $$
DECLARE t regclass;
BEGIN
	FOR t IN SELECT relid FROM pg_stat_user_tables
		WHERE relid IN ('contacts'::regclass, 'contact_emails'::regclass, 'memberships'::regclass, 'companies'::regclass)
		AND (n_mod_since_analyze * 2 >= n_live_tup OR COALESCE(last_analyze, last_autoanalyze) IS NULL)
	LOOP
		EXECUTE format('ANALYZE %s %s', t, CASE t
			WHEN 'contacts'::regclass THEN '(id, tenant_id, email, phone, mobile, external_id, username)'
			WHEN 'companies'::regclass THEN '(id, tenant_id, name_key, external_id)'
			ELSE '' END);
	END LOOP;
END $$`

// Open connects to the PostgreSQL database at dsn (a postgres:// URL) and migrates it.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	s := sqlstore.New(db, Dialect)
	// Ids come from the sequence on a connection of their own: an import
	// reserves them while its transaction's connection is busy copying.
	s.Dialect.ReserveIDs = func(ctx context.Context, _ *sql.Tx, table string, n int) ([]int64, error) {
		return reserveIDs(ctx, db, table, n)
	}
	if err := Migrate(ctx, s); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Migrate applies PostgreSQL's pending migrations.
func Migrate(ctx context.Context, s *sqlstore.Store) error {
	sub, _ := fs.Sub(migrations, "migrations")
	return s.Migrate(ctx, sub)
}

// uniqueViolation reads the constraint name, which the migrations write as table__column.
func uniqueViolation(err error) (string, string, bool) {
	var e *pgconn.PgError
	if !errors.As(err, &e) || e.Code != "23505" {
		return "", "", false
	}
	table, column, _ := strings.Cut(e.ConstraintName, "__")
	return table, column, true
}

// reserveIDs takes n values of the table's identity sequence. The
// sequence is looked up once, not for every value.
func reserveIDs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string, n int) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence($1, 'id')::regclass AS seq)
		SELECT nextval(s.seq) FROM s, generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// copyRows loads rows with COPY … FROM STDIN (binary) on the driver
// connection of the transaction, so inside it: the fastest way into
// PostgreSQL, with no statement to parse and no parameters to bind.
func copyRows(ctx context.Context, dc any, table string, columns []string, rows [][]any) error {
	c, ok := dc.(*stdlib.Conn)
	if !ok {
		return fmt.Errorf("copy into %s: not a pgx connection (%T)", table, dc)
	}
	n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	if err != nil {
		return err
	}
	if n != int64(len(rows)) {
		return fmt.Errorf("copy into %s: %d of %d rows written", table, n, len(rows))
	}
	return nil
}
