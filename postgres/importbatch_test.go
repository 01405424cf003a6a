package postgres_test

import (
	"testing"

	"roster/storetest"
)

func TestImportBatch(t *testing.T) {
	t.Parallel()
	storetest.RunImportBatch(t, storetest.OpenPostgres)
}
