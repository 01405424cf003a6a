package importer_test

import (
	"context"
	"strings"
	"testing"

	"roster"
	"roster/importer"
	"roster/storetest"
)

// An email written to the directory behind the import's back, by a
// statement the import cannot know of, after the batch that creates its
// contact was planned: the import stops, says which rows it rolled back
// and what to do, keeps the rows before them, and a second run imports
// the rest, matching the row of that email to the contact now holding it.
func TestDirectoryChangedBehindTheImportsBack(t *testing.T) {
	s := storetest.OpenPostgres(t)
	ctx := context.Background()
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, s: s, tenant: tn}
	e.run("name,email\nOld,old@x.cz\n")
	old := e.byEmail("old@x.cz")
	file := "name,email\nA,a@x.cz\nB,b@x.cz\nC,c@x.cz\nD,d@x.cz\nE,e@x.cz\nF,f@x.cz\n"
	batches := 0
	behind := importer.BeforeBatch(func() {
		if batches++; batches == 2 {
			if _, err := s.DB.Exec(`INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES ($1, 'd@x.cz', $2)`, tn.ID, old.ID); err != nil {
				t.Error(err)
			}
		}
	})
	_, err = e.try(file, batchOf(2), behind)
	if roster.ErrorCode(err) != roster.ECONFLICT || !strings.Contains(err.Error(), "rows 4–5 were rolled back") ||
		!strings.Contains(err.Error(), "email already exists") || !strings.Contains(err.Error(), "Run the import again") {
		t.Fatalf("import: %v", err)
	}
	if n := len(e.contacts()); n != 3 {
		t.Fatalf("%d contacts after the stop, want Old, A and B", n)
	}
	res := e.run(file, batchOf(2))
	e.counts(res, 3, 1, 2, 0)
	if c := e.byEmail("d@x.cz"); c.ID != old.ID || c.Name != "D" {
		t.Fatalf("d@x.cz: contact %d %q, want contact %d, D", c.ID, c.Name, old.ID)
	}
}
