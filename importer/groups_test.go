package importer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// A group of batches commits together or not at all: an import cancelled
// in the middle of a group ends with the counts, failed rows and
// contacts of the groups committed before, and nothing of the rest.
func TestCancelledGroupLeavesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var b strings.Builder
		b.WriteString("name,email\n")
		for i := range 40 {
			email := fmt.Sprintf("p%d@x.cz", i)
			if i == 2 || i == 13 { // the first group's, and the rolled back group's
				email = "not an email"
			}
			fmt.Fprintf(&b, "Person %d,%s\n", i, email)
		}
		orig := e.ctx
		ctx, cancel := context.WithCancel(orig)
		defer cancel()
		e.ctx = ctx
		batches := 0
		var reported []int
		res, err := e.try(b.String(), batchOf(4), importer.GroupRows(12),
			importer.BeforeBatch(func() {
				// Batches 1-3 are the first group; the second has written
				// batch 4 when batch 5 is cancelled.
				if batches++; batches == 5 {
					cancel()
				}
			}),
			func(o *importer.Options) {
				o.OnFailed = func(f roster.FailedRow) { reported = append(reported, f.Row) }
			})
		e.ctx = orig
		if err != nil {
			t.Fatal(err)
		}
		if imp := res.Import; imp.Status != roster.ImportCancelled || imp.Counts != (roster.ImportCounts{Rows: 12, Created: 11, Failed: 1}) {
			t.Fatalf("import %s with %+v, want cancelled after the first group: 12 rows, 11 created, 1 failed", imp.Status, imp.Counts)
		}
		if n := len(e.contacts()); n != 11 {
			t.Fatalf("%d contacts stored, want the first group's 11", n)
		}
		if len(reported) != 1 || reported[0] != 4 || len(res.Errors) != 1 || res.Errors[0].Row != 4 {
			t.Fatalf("failed rows reported %v, errors %+v; want only row 4, of the committed group", reported, res.Errors)
		}
	})
}
