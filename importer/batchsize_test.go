package importer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// Unless told otherwise, an import writes batches of the size its store
// prefers: SQLite 1000 rows, PostgreSQL 2000, and 2000 for a store that
// says nothing.
func TestBatchSizeOfTheStore(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "Person %d,p%d@example.com\n", i, i)
	}
	batches := func(e *env, s roster.Store) []int {
		var done []int
		im := &importer.Importer{Store: s}
		_, err := im.Run(e.ctx, e.tenant, e.file("in.csv", b.String()), importer.Options{Progress: func(rows, _ int) { done = append(done, rows) }})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	each(t, func(t *testing.T, e *env) {
		want := map[string][]int{"sqlite": {1000, 2000, 2500}, "postgres": {2000, 2500}}[strings.TrimPrefix(t.Name(), "TestBatchSizeOfTheStore/")]
		if got := batches(e, e.s); !slices.Equal(got, want) {
			t.Errorf("rows done after each batch: %v, want %v", got, want)
		}
		// Another tenant: a store that has no preference.
		tn, err := e.s.CreateTenant(e.ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		e.tenant = tn
		if got := batches(e, plainStore{e.s}); !slices.Equal(got, []int{2000, 2500}) {
			t.Errorf("rows done after each batch of a store without a preference: %v, want [2000 2500]", got)
		}
	})
}

// plainStore hides every method its store has beyond roster.Store.
type plainStore struct{ roster.Store }
