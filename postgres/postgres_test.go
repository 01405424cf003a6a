package postgres_test

import (
	"context"
	"testing"

	"roster"
	"roster/sqlstore"
	"roster/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t testing.TB) roster.Store { return storetest.OpenPostgres(t) })
}

// openWithTenant returns a store in a fresh schema and the id of a tenant in it.
func openWithTenant(t *testing.T) (*sqlstore.Store, int64) {
	t.Helper()
	s := storetest.OpenPostgres(t)
	tn, err := s.CreateTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return s, tn.ID
}
