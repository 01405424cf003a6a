// Package storetest is the one storage test suite every database adapter
// must pass, and the helpers that open a fresh, isolated database of each
// kind for a test.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"roster/postgres"
	"roster/sqlite"
	"roster/sqlstore"
)

// OpenSQLite returns a migrated store in a new SQLite file in t's temp dir.
func OpenSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "roster.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresURL returns the address of the test PostgreSQL server. Without
// ROSTER_TEST_POSTGRES the test is skipped, except under CI=true where a
// missing database is a failure: CI must prove both databases.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("ROSTER_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ROSTER_TEST_POSTGRES is not set; CI must test PostgreSQL")
		}
		t.Skip("ROSTER_TEST_POSTGRES is not set")
	}
	return dsn
}

// PostgresSchema creates a fresh schema for t (dropped when t ends) and
// returns a URL that puts it first on the search path, so tests run in
// parallel without seeing each other's tables.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres returns a migrated store in a fresh schema of the test server.
func OpenPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
