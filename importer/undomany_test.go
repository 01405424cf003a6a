package importer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"roster"
)

// An undo deletes created records chunk by chunk: more than one chunk's
// worth, with some records changed, deleted or linked to since, it still
// deletes exactly the others and names each one it left alone.
func TestUndoManyCreated(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email\nOld,old@x.cz\n")
		var b strings.Builder
		b.WriteString("name,email,company\n")
		for i := range 1201 {
			fmt.Fprintf(&b, "P%d,p%d@x.cz,Co%d\n", i, i, i/100)
		}
		res := e.run(b.String())
		e.counts(res, 1201, 0, 0, 0)
		changed := e.byEmail("p700@x.cz")
		changed.JobTitle = "edited"
		if err := e.s.UpdateContact(e.ctx, e.tenant.ID, changed); err != nil {
			t.Fatal(err)
		}
		deleted := e.byEmail("p5@x.cz")
		if err := e.s.DeleteContact(e.ctx, e.tenant.ID, deleted.ID); err != nil {
			t.Fatal(err)
		}
		companies := map[string]int64{}
		for _, co := range e.companies() {
			companies[co.Name] = co.ID
		}
		old := e.byEmail("old@x.cz")
		old.Companies = []roster.Membership{{CompanyID: companies["Co3"]}}
		if err := e.s.UpdateContact(e.ctx, e.tenant.ID, old); err != nil {
			t.Fatal(err)
		}
		rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Deleted != 1199+11 || rep.Restored != 0 {
			t.Errorf("deleted %d, restored %d; want 1210 (1199 contacts, 11 companies), 0", rep.Deleted, rep.Restored)
		}
		notes := func(l []roster.UndoNote) []string {
			var out []string
			for _, n := range l {
				out = append(out, fmt.Sprintf("%s %d: %s", n.Kind, n.RecordID, n.Reason))
			}
			slices.Sort(out)
			return out
		}
		wantConflicts := []string{
			fmt.Sprintf("contacts %d: changed since the import", changed.ID),
			fmt.Sprintf("contacts %d: deleted since the import", deleted.ID),
		}
		slices.Sort(wantConflicts)
		if got := notes(rep.Conflicts); !slices.Equal(got, wantConflicts) {
			t.Errorf("conflicts %q, want %q", got, wantConflicts)
		}
		wantKept := []string{
			fmt.Sprintf("companies %d: 1 contact still belongs to it", companies["Co3"]),
			fmt.Sprintf("companies %d: 1 contact still belongs to it", companies["Co7"]),
		}
		slices.Sort(wantKept)
		if got := notes(rep.Kept); !slices.Equal(got, wantKept) {
			t.Errorf("kept %q, want %q", got, wantKept)
		}
		var left []string
		for _, c := range e.contacts() {
			left = append(left, c.Email)
		}
		slices.Sort(left)
		if want := []string{"old@x.cz", "p700@x.cz"}; !slices.Equal(left, want) {
			t.Errorf("contacts left %q, want %q", left, want)
		}
		left = left[:0]
		for _, co := range e.companies() {
			left = append(left, co.Name)
		}
		slices.Sort(left)
		if want := []string{"Co3", "Co7"}; !slices.Equal(left, want) {
			t.Errorf("companies left %q, want %q", left, want)
		}
		// The deleted contacts' emails are free again.
		e.counts(e.run("name,email\nAgain,p1@x.cz\n"), 1, 0, 0, 0)
	})
}
