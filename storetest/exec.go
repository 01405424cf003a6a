package storetest

import (
	"context"
	"testing"

	"roster/sqlstore"
)

// execer returns a function that runs one statement, written with ?
// placeholders, on s and fails t if it fails: migration tests write rows
// as older code did, in plain SQL.
func execer(t *testing.T, s *sqlstore.Store) func(q string, args ...any) {
	return func(q string, args ...any) {
		t.Helper()
		if _, err := s.DB.ExecContext(context.Background(), s.Q(q), args...); err != nil {
			t.Fatal(err)
		}
	}
}
