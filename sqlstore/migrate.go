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
// transaction together with the record of its version, and its Go step if
// it has one (migrationSteps). Forward only.
func (s *Store) Migrate(ctx context.Context, migrations fs.FS) error {
	names, err := fs.Glob(migrations, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if s.migrated(ctx, names) {
		// Checked with a read: on SQLite a running import leaves a writer
		// waiting for it hardly a chance (see StartImport).
		return nil
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		if err := s.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	for _, name := range names {
		version, err := migrationVersion(name)
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
			_, rest, _ := strings.Cut(name, "_")
			if step := migrationSteps[rest]; step != nil {
				if err := step(ctx, s, tx); err != nil {
					return err
				}
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

// migrated reports whether the database has every migration of names.
func (s *Store) migrated(ctx context.Context, names []string) bool {
	var n, last int
	err := s.DB.QueryRowContext(ctx, `SELECT count(*), COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&n, &last)
	if err != nil || len(names) == 0 {
		return false
	}
	newest, err := migrationVersion(names[len(names)-1])
	return err == nil && n == len(names) && last == newest
}

// migrationVersion is the number a migration's file name starts with.
func migrationVersion(name string) (int, error) {
	return strconv.Atoi(strings.SplitN(name, "_", 2)[0])
}

// migrationSteps are the parts of migrations that SQL cannot do, by the
// name of the migration's file after its number. Each runs after the
// file's statements, in the same transaction.
var migrationSteps = map[string]func(ctx context.Context, s *Store, tx *Tx) error{
	"email_keys.sql":  canonicalEmailKeys, // emailkeys.go
	"search_fold.sql": foldSearch,         // searchfold.go
}
