package importer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/importer"
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

// An undo restores updated records chunk by chunk, with the same checks
// as one at a time: more than a chunk's worth, some changed, deleted or
// whose email another contact took since, one updated twice by the file,
// one that lost a company since, and two that passed an email between
// them in the import, which go back in turn.
func TestUndoManyUpdated(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var b strings.Builder
		b.WriteString("name,email,external_id,company\n")
		for i := range 1201 {
			fmt.Fprintf(&b, "P%d,p%d@x.cz,X%d,Co%d\n", i, i, i, i/400)
		}
		b.WriteString("Ann,a@x.cz,A1,\nBob,x@x.cz,B1,\nCid,c@x.cz,C1,\n")
		e.counts(e.run(b.String()), 1204, 0, 0, 0)
		b.Reset()
		b.WriteString("email,job_title\n")
		for i := range 1201 {
			fmt.Fprintf(&b, "p%d@x.cz,T%d\n", i, i)
		}
		b.WriteString("p3@x.cz,Again\n") // a second change of one record
		res := e.run(b.String())
		e.counts(res, 0, 1202, 0, 0)
		// Bob's address moves to Ann: Bob gets another, then Ann takes it.
		// Cid gets another too, and someone else then takes Cid's.
		moved := e.run("external_id,email\nB1,y@x.cz\nA1,x@x.cz\nC1,z@x.cz\n", match("external_id"),
			func(o *importer.Options) { o.Lists = roster.ListsReplace })
		e.counts(moved, 0, 3, 0, 0)
		eve := &roster.Contact{Name: "Eve", Email: "c@x.cz"}
		if err := e.s.CreateContact(e.ctx, e.tenant.ID, eve); err != nil {
			t.Fatal(err)
		}

		changed := e.byEmail("p700@x.cz")
		changed.JobTitle = "edited"
		if err := e.s.UpdateContact(e.ctx, e.tenant.ID, changed); err != nil {
			t.Fatal(err)
		}
		deleted := e.byEmail("p5@x.cz")
		if err := e.s.DeleteContact(e.ctx, e.tenant.ID, deleted.ID); err != nil {
			t.Fatal(err)
		}
		for _, co := range e.companies() {
			if co.Name == "Co2" {
				if err := e.s.DeleteCompany(e.ctx, e.tenant.ID, co.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		undo := func(id int64) *roster.UndoReport {
			t.Helper()
			rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		cid := e.byEmail("z@x.cz")
		rep := undo(moved.Import.ID)
		wantNote := roster.UndoNote{Kind: roster.KindContacts, RecordID: cid.ID, Reason: fmt.Sprintf("email c@x.cz already belongs to contact %d", eve.ID)}
		if rep.Restored != 2 || len(rep.Conflicts) != 1 || rep.Conflicts[0] != wantNote {
			t.Fatalf("undo of the move: %+v; want Ann and Bob restored, and the conflict %+v", rep, wantNote)
		}
		if a, bob := e.byEmail("a@x.cz"), e.byEmail("x@x.cz"); a == nil || a.Name != "Ann" || bob == nil || bob.Name != "Bob" {
			t.Fatalf("after the move's undo: a@x.cz is %+v, x@x.cz is %+v", a, bob)
		}
		rep = undo(res.Import.ID)
		if rep.Restored != 1199 || rep.Deleted != 0 {
			t.Errorf("restored %d, deleted %d; want 1199 (1201 less p5 and p700), 0", rep.Restored, rep.Deleted)
		}
		var conflicts []string
		for _, n := range rep.Conflicts {
			conflicts = append(conflicts, fmt.Sprintf("%d: %s", n.RecordID, n.Reason))
		}
		slices.Sort(conflicts)
		want := []string{
			fmt.Sprintf("%d: changed since the import", changed.ID),
			fmt.Sprintf("%d: deleted since the import", deleted.ID),
		}
		slices.Sort(want)
		if !slices.Equal(conflicts, want) {
			t.Errorf("conflicts %q, want %q", conflicts, want)
		}
		for _, i := range []int{0, 3, 9, 450, 800, 1200} {
			c := e.byEmail(fmt.Sprintf("p%d@x.cz", i))
			if c.JobTitle != "" {
				t.Errorf("p%d: job title %q after the undo", i, c.JobTitle)
			}
			wantCompanies := 1
			if i/400 == 2 {
				wantCompanies = 0 // Co2 is gone
			}
			if len(c.Companies) != wantCompanies {
				t.Errorf("p%d: companies %+v", i, c.Companies)
			}
		}
		if e.byEmail("p700@x.cz").JobTitle != "edited" {
			t.Error("the undo overwrote a later change")
		}
	})
}

// A contact --merge all removed comes back with the undo, unless the
// contact it was merged into was deleted since: that took the removed
// one's data with it, and the undo says so.
func TestUndoMergedIntoDeleted(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		all := func(o *importer.Options) {
			o.Merge = roster.MergeAll
			o.Match = []string{roster.MatchEmail, roster.MatchPhone}
		}
		e.run("name,email,phone\nAnn,ann@x.cz,\nAnna,anna@x.cz,+420601234567\nBob,bob@x.cz,\nBobby,bobby@x.cz,+420601234568\n")
		res := e.run("name,email,phone\nAnn,ann@x.cz,+420601234567\nBob,bob@x.cz,+420601234568\n", all)
		if res.Import.Counts.Merged != 2 || len(e.contacts()) != 2 {
			t.Fatalf("merged %d, %d contacts left", res.Import.Counts.Merged, len(e.contacts()))
		}
		ann := e.byEmail("ann@x.cz")
		if err := e.s.DeleteContact(e.ctx, e.tenant.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range e.contacts() {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		if want := []string{"Bob", "Bobby"}; !slices.Equal(names, want) {
			t.Errorf("contacts after the undo %q, want %q", names, want)
		}
		var anna int64
		for _, n := range rep.Conflicts {
			if strings.HasPrefix(n.Reason, "merged into") {
				anna = n.RecordID
				if want := fmt.Sprintf("merged into contact %d, which was deleted since the import", ann.ID); n.Reason != want {
					t.Errorf("reason %q, want %q", n.Reason, want)
				}
			}
		}
		if rep.Recreated != 1 || rep.Restored != 1 || len(rep.Conflicts) != 2 || anna == 0 {
			t.Errorf("undo %+v: want Bobby re-created, Bob restored, Ann and Anna left alone", rep)
		}
	})
}
