package sqlite_test

import (
	"testing"

	"roster/sqlite"
	"roster/storetest"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	storetest.RunSearch(t, storetest.OpenSQLite)
}

func TestSearchMigration(t *testing.T) {
	t.Parallel()
	storetest.RunSearchMigration(t, storetest.OpenSQLite, sqlite.Migrate)
}
