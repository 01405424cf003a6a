package sqlite_test

import (
	"testing"

	"roster"
	"roster/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) })
}
