package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"roster/postgres"
	"roster/sqlite"
	"roster/sqlstore"
)

// floorTables are the directory's tables, parents first.
var floorTables = []string{"tenants", "companies", "contacts", "contact_emails", "memberships"}

// floor times the database engine alone on the rows an import wrote: it
// copies them into an empty database of the same schema, in one
// transaction, inside the engine (INSERT … SELECT), each table in the
// order its primary key reads. No import can write the same rows faster
// than this on the same connection settings, so it is the floor under
// the new-rows figure.
func floor(ctx context.Context, db, dir, schema string) error {
	var (
		s   *sqlstore.Store
		src string
		err error
	)
	if db == "" || !strings.Contains(db, "://") {
		if db == "" {
			db = filepath.Join(dir, "bench.db")
		}
		floor := filepath.Join(dir, "floor.db")
		if err := removeSQLite(floor); err != nil {
			return err
		}
		if s, err = sqlite.Open(ctx, floor); err != nil {
			return err
		}
		defer s.Close()
		src = "src."
	} else {
		name := fmt.Sprintf("floor_%d", time.Now().UnixNano())
		admin, err := postgres.Open(ctx, db)
		if err != nil {
			return err
		}
		defer admin.Close()
		if _, err := admin.DB.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
			return err
		}
		defer admin.DB.Exec("DROP SCHEMA " + name + " CASCADE")
		if s, err = postgres.Open(ctx, withSearchPath(db, name)); err != nil {
			return err
		}
		defer s.Close()
		src = schema + "."
	}
	conn, err := s.WriteDB.Conn(ctx) // the connection, and page cache, imports write on
	if err != nil {
		return err
	}
	defer conn.Close()
	begin := "BEGIN"
	if src == "src." {
		if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS src", db); err != nil {
			return err
		}
		begin = "BEGIN IMMEDIATE"
	}
	start := time.Now()
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return err
	}
	var parts []string
	for _, t := range floorTables {
		began := time.Now()
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+t+" SELECT * FROM "+src+t); err != nil {
			conn.ExecContext(ctx, "ROLLBACK")
			return fmt.Errorf("copy %s: %w", t, err)
		}
		parts = append(parts, fmt.Sprintf("%s %.1fs", t, time.Since(began).Seconds()))
	}
	began := time.Now()
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	parts = append(parts, fmt.Sprintf("commit %.1fs", time.Since(began).Seconds()))
	var contacts int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM contacts").Scan(&contacts); err != nil {
		return err
	}
	fmt.Printf("%-22s %8d rows in %7.2fs (the same rows copied inside the engine in one transaction: %s)\n",
		"engine floor", contacts, time.Since(start).Seconds(), strings.Join(parts, ", "))
	return nil
}

// withSearchPath adds search_path=schema to a postgres:// URL.
func withSearchPath(db, schema string) string {
	sep := "?"
	if strings.Contains(db, "?") {
		sep = "&"
	}
	return db + sep + "search_path=" + schema
}
