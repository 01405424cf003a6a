package postgres_test

import (
	"testing"

	"roster/postgres"
	"roster/storetest"
)

func TestEmailKeyMigration(t *testing.T) {
	t.Parallel()
	storetest.RunEmailKeyMigration(t, storetest.OpenPostgres, postgres.Migrate)
}
