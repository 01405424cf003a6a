package importer_test

import (
	"strings"
	"testing"

	"roster"
	"roster/importer"
	"roster/sqlstore"
)

// An email written to the directory behind the import's back, by a
// statement the import cannot know of, after the batch that creates its
// contact was planned: the import stops, says which rows it rolled back
// and what to do, keeps the rows before them, and a second run imports
// the rest, matching the row of that email to the contact now holding it.
func TestDirectoryChangedBehindTheImportsBack(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email\nOld,old@x.cz\n")
		old := e.byEmail("old@x.cz")
		file := "name,email\nA,a@x.cz\nB,b@x.cz\nC,c@x.cz\nD,d@x.cz\nE,e@x.cz\nF,f@x.cz\n"
		batches := 0
		behind := importer.BeforeBatch(func() {
			// The first batch's plan is made before it begins; on SQLite a
			// later one's would wait for the open group's write lock.
			if batches++; batches == 1 {
				db := e.s.(*sqlstore.Store)
				if _, err := db.DB.Exec(db.Q(`INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES (?, 'd@x.cz', ?)`), e.tenant.ID, old.ID); err != nil {
					t.Error(err)
				}
			}
		})
		_, err := e.try(file, batchOf(2), behind)
		// SQLite rolls back its open group of batches (rows 2 to 5, the
		// first two batches), PostgreSQL the batch (rows 4 and 5) and keeps
		// the first one's A and B.
		rolledBack, kept := "rows 2–5", 1
		if e.s.(*sqlstore.Store).Dialect.Name == "postgres" {
			rolledBack, kept = "rows 4–5", 3
		}
		if roster.ErrorCode(err) != roster.ECONFLICT || !strings.Contains(err.Error(), rolledBack+" were rolled back") ||
			!strings.Contains(err.Error(), "email already exists") || !strings.Contains(err.Error(), "Run the import again") {
			t.Fatalf("import: %v", err)
		}
		if n := len(e.contacts()); n != kept {
			t.Fatalf("%d contacts after the stop, want %d: %v", n, kept, err)
		}
		res := e.run(file, batchOf(2))
		e.counts(res, 5-(kept-1), 1, kept-1, 0)
		if c := e.byEmail("d@x.cz"); c.ID != old.ID || c.Name != "D" {
			t.Fatalf("d@x.cz: contact %d %q, want contact %d, D", c.ID, c.Name, old.ID)
		}
	})
}
