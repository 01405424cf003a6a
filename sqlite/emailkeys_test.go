package sqlite_test

import (
	"testing"

	"roster/sqlite"
	"roster/storetest"
)

func TestEmailKeyMigration(t *testing.T) {
	t.Parallel()
	storetest.RunEmailKeyMigration(t, storetest.OpenSQLite, sqlite.Migrate)
}
