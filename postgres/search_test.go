package postgres_test

import (
	"testing"

	"roster/postgres"
	"roster/storetest"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	storetest.RunSearch(t, storetest.OpenPostgres)
}

func TestSearchMigration(t *testing.T) {
	t.Parallel()
	storetest.RunSearchMigration(t, storetest.OpenPostgres, postgres.Migrate)
}
