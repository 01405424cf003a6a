package sqlite_test

import (
	"testing"

	"roster/storetest"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	storetest.RunLinks(t, storetest.OpenSQLite)
}
