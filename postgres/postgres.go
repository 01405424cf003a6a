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

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

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
	ReserveIDs:      reserveIDs,
	Analyze:         `ANALYZE contacts, contact_emails, memberships, companies`,
	// An arbitrary constant key shared by every Roster process.
	MigrationLock: `SELECT pg_advisory_xact_lock(72657374)`,
}

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

// reserveIDs takes n values of the table's identity sequence.
func reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
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
