package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrate applies the numbered .sql files of migrations (001_init.sql,
// 002_….sql) that the database has not seen yet, each in its own
// transaction together with the record of its version. Forward only.
func (s *Store) Migrate(ctx context.Context, migrations fs.FS) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its number", name)
		}
		body, err := fs.ReadFile(migrations, name)
		if err != nil {
			return err
		}
		err = s.InTx(ctx, func(tx *Tx) error {
			if err := s.lockMigrations(ctx, tx); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.Q(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			// Several statements in one string: run it unprepared.
			if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.Q(`INSERT INTO schema_migrations (version) VALUES (?)`), version)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// lockMigrations keeps two processes starting at once from migrating together.
func (s *Store) lockMigrations(ctx context.Context, tx *Tx) error {
	if s.Dialect.MigrationLock == "" {
		return nil
	}
	_, err := tx.Tx.ExecContext(ctx, s.Dialect.MigrationLock)
	return err
}
