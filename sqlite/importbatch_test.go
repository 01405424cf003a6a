package sqlite_test

import (
	"testing"

	"roster/storetest"
)

func TestImportBatch(t *testing.T) {
	t.Parallel()
	storetest.RunImportBatch(t, storetest.OpenSQLite)
}
