package importer_test

import (
	"reflect"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// A file that holds a contact twice imports row by row, the later row
// updating what the earlier wrote; the report says so. An identical
// repeat changes nothing and goes unsaid. With --custom-fields new-only,
// a later row still writes the custom fields of a contact the import
// created.
func TestRowsThatUpdateWhatAnEarlierRowWrote(t *testing.T) {
	const file = "name,email,job_title,tier\n" +
		"Ann,ann@x.cz,Clerk,first\n" +
		"Bob,bob@x.cz,CEO,first\n" +
		"Ann,ANN@x.cz,Manager,second\n" +
		"Bob,bob@x.cz,CEO,first\n"
	want := []string{"1 row updated a contact that an earlier row of the file had written: the file holds some contacts more than once, and the later rows' values won (first at row 4)"}
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "tier", roster.FieldText)
		newOnly := func(o *importer.Options) { o.CustomFields = roster.CustomNewOnly }
		for _, mods := range [][]func(*importer.Options){{newOnly, batchOf(1)}, {newOnly, batchOf(3)}, {newOnly, func(o *importer.Options) { o.DryRun = true }}} {
			res := e.run(file, mods...)
			e.counts(res, 2, 1, 1, 0)
			if !reflect.DeepEqual(res.Warnings, want) {
				t.Fatalf("warnings\n%q\nwant\n%q", res.Warnings, want)
			}
			if res.Import.DryRun {
				continue
			}
			if ann := e.byEmail("ann@x.cz"); ann.JobTitle != "Manager" || ann.Custom["tier"] != "second" {
				t.Fatalf("ann = %+v", ann)
			}
			if _, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Contacts an earlier import wrote are not this import's: a file
		// holding each once says nothing, and new-only leaves their fields.
		e.run(file)
		res := e.run("name,email,job_title,tier\nAnn,ann@x.cz,Boss,third\n", newOnly)
		e.counts(res, 0, 1, 0, 0)
		if len(res.Warnings) != 0 {
			t.Errorf("warnings %q", res.Warnings)
		}
		if ann := e.byEmail("ann@x.cz"); ann.JobTitle != "Boss" || ann.Custom["tier"] != "second" {
			t.Errorf("ann = %+v", ann)
		}
	})
}

// Companies likewise: the same name twice in a file.
func TestCompanyRowsThatUpdateWhatAnEarlierRowWrote(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,external_id,industry\nAcme,A-1,Retail\nBeta,B-1,\nACME,A-2,Food\n", func(o *importer.Options) { o.Kind = roster.KindCompanies; o.Match = []string{roster.MatchName} })
		e.counts(res, 2, 1, 0, 0)
		want := []string{"1 row updated a company that an earlier row of the file had written: the file holds some companies more than once, and the later rows' values won (first at row 4)"}
		if !reflect.DeepEqual(res.Warnings, want) {
			t.Fatalf("warnings\n%q\nwant\n%q", res.Warnings, want)
		}
	})
}

// An undo that left a record alone (changed since) can be run again once
// the change is gone, and then retries that record only.
func TestUndoAgainRetriesWhatWasLeftAlone(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		first := e.run("name,email\nAnn,ann@x.cz\nBob,bob@x.cz\n")
		second := e.run("name,email,job_title\nAnn,ann@x.cz,CEO\n")
		undo := func(id int64) *roster.UndoReport {
			t.Helper()
			rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		if rep := undo(first.Import.ID); rep.Deleted != 1 || len(rep.Conflicts) != 1 || rep.Conflicts[0].RecordID != e.byEmail("ann@x.cz").ID {
			t.Fatalf("first undo: %+v", rep)
		}
		if rep := undo(first.Import.ID); rep.Deleted != 0 || len(rep.Conflicts) != 1 {
			t.Fatalf("undo again, Ann still changed: %+v", rep)
		}
		undo(second.Import.ID)
		if rep := undo(first.Import.ID); rep.Deleted != 1 || len(rep.Conflicts) != 0 {
			t.Fatalf("undo again, Ann as the import left her: %+v", rep)
		}
		if n := len(e.contacts()); n != 0 {
			t.Fatalf("%d contacts left", n)
		}
		if _, err := e.s.UndoImport(e.ctx, e.tenant.ID, first.Import.ID); roster.ErrorCode(err) != roster.ECONFLICT {
			t.Fatalf("undo of a wholly undone import: %v", err)
		}
	})
}

// Undo counts records: one the import created and later rows updated is
// deleted, not also restored; one it updated twice is restored once.
func TestUndoCountsRecords(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email\nBob,bob@x.cz\n")
		res := e.run("name,email,job_title\nAnn,ann@x.cz,Clerk\nBob,bob@x.cz,Clerk\nAnn,ann@x.cz,CEO\nBob,bob@x.cz,CEO\n", batchOf(1))
		e.counts(res, 1, 3, 0, 0)
		rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID)
		if err != nil || rep.Deleted != 1 || rep.Restored != 1 || len(rep.Conflicts)+len(rep.Kept) != 0 {
			t.Fatalf("undo %+v, %v; want Ann deleted, Bob restored", rep, err)
		}
		if bob := e.byEmail("bob@x.cz"); bob.JobTitle != "" {
			t.Errorf("bob = %+v", bob)
		}
	})
}

// A row whose company name and company external id name two different
// companies fails: which one it means is no guess to make. Agreeing, or
// with a name no company has (renamed since), the external id holds.
func TestCompanyNameAndExternalIDDisagree(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,external_id\nAcme,AC1\nDelta,DL1\n", func(o *importer.Options) { o.Kind = roster.KindCompanies; o.Match = []string{roster.MatchName} })
		res := e.run("name,email,company,company_external_id\n" +
			"Kim,kim@x.cz,Acme,DL1\n" + // two companies
			"Lea,lea@x.cz,ACME,AC1\n" + // the same one
			"Max,max@x.cz,Acme Ltd,DL1\n") // a name no company has: the id holds
		e.counts(res, 2, 0, 0, 1)
		if er := res.Errors[0]; er.Row != 2 || er.Code != "company_mismatch" || er.Column != "company" {
			t.Errorf("error %+v", er)
		}
		for email, want := range map[string]string{"lea@x.cz": "Acme", "max@x.cz": "Delta"} {
			if c := e.byEmail(email); len(c.Companies) != 1 || c.Companies[0].CompanyName != want {
				t.Errorf("%s: companies %+v, want %s", email, c.Companies, want)
			}
		}
	})
}

// Domains come separated by commas, semicolons (HubSpot) or spaces
// (Zendesk); a cell that is no list of domains fails its row.
func TestCompanyDomainLists(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,domains\nAcme,\"acme.com; Acme.io\"\nNovák,novak.cz novák.com\nBad,acme!.com\n",
			func(o *importer.Options) { o.Kind = roster.KindCompanies; o.Match = []string{roster.MatchName} })
		e.counts(res, 2, 0, 0, 1)
		if er := res.Errors[0]; er.Row != 4 || er.Code != "invalid_domain" {
			t.Errorf("error %+v", er)
		}
		want := map[string][]string{"Acme": {"acme.com", "acme.io"}, "Novák": {"novak.cz", "novák.com"}}
		for _, co := range e.companies() {
			if !reflect.DeepEqual(co.Domains, want[co.Name]) {
				t.Errorf("%s: domains %q, want %q", co.Name, co.Domains, want[co.Name])
			}
		}
	})
}

// A contact written through the API while the import runs is not the
// import's: a row updating it is no repeat of the file, and new-only
// leaves its custom fields alone.
func TestOutsideWritesAreNotTheImports(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "tier", roster.FieldText)
		batches := 0
		before := importer.BeforeBatch(func() {
			if batches++; batches == 2 {
				if err := e.s.CreateContact(e.ctx, e.tenant.ID, &roster.Contact{Name: "API", Email: "cid@x.cz"}); err != nil {
					t.Error(err)
				}
			}
		})
		res := e.run("name,email,tier\nAnn,ann@x.cz,gold\nCid,cid@x.cz,gold\n", batchOf(1), importer.GroupRows(1), before,
			func(o *importer.Options) { o.CustomFields = roster.CustomNewOnly })
		e.counts(res, 1, 1, 0, 0)
		if len(res.Warnings) != 0 {
			t.Errorf("warnings %q", res.Warnings)
		}
		if cid := e.byEmail("cid@x.cz"); cid.Name != "Cid" || cid.Custom["tier"] != nil {
			t.Errorf("cid = %+v; want the file's name and no tier (new-only)", cid)
		}
	})
}

// A cell of several values written out reads as a JSON list does: the
// first email is the email and the others other emails; a second number
// is reported as left out, or goes to mobile when labelled so.
func TestCellsOfSeveralValues(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,E-mail 1 - Value,Phone 1 - Value\n"+
			"Larry,larry@google.com ::: LPage@gmail.com,+1 650-253-0000 ::: +1 650-253-0001\n"+
			"Ann,\"ann@x.com; ann.lee@y.com\",\n", region("US"))
		e.counts(res, 2, 0, 0, 0)
		if c := e.byEmail("larry@google.com"); !reflect.DeepEqual(c.OtherEmails, []string{"lpage@gmail.com"}) || c.Phone != "+16502530000" {
			t.Errorf("larry = %+v", c)
		}
		if c := e.byEmail("ann@x.com"); !reflect.DeepEqual(c.OtherEmails, []string{"ann.lee@y.com"}) {
			t.Errorf("ann = %+v", c)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "more numbers than phone and mobile take") {
			t.Errorf("warnings %q", res.Warnings)
		}
	})
}

// A field the file fills, removed after the file was read but before the
// import took its lock, stops the import before a row is written: its
// rows would bring the removed field's values back.
func TestFieldRemovedAsTheImportStarts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "tier", roster.FieldText)
		remove := importer.BeforeStart(func() {
			if err := e.s.DeleteField(e.ctx, e.tenant.ID, roster.KindContacts, "tier"); err != nil {
				t.Error(err)
			}
		})
		res, err := e.try("name,email,tier\nAnn,ann@x.cz,gold\n", remove)
		if roster.ErrorCode(err) != roster.ECONFLICT || !strings.Contains(err.Error(), `"tier" was removed`) {
			t.Fatalf("import: %v", err)
		}
		if n := len(e.contacts()); n != 0 {
			t.Fatalf("%d contacts written", n)
		}
		if imp, err := e.s.FindImport(e.ctx, e.tenant.ID, res.Import.ID); err != nil || imp.Status != roster.ImportFailed {
			t.Fatalf("journal: %+v, %v", imp, err)
		}
		// The lock is free: the next import runs.
		e.counts(e.run("name,email\nAnn,ann@x.cz\n"), 1, 0, 0, 0)
	})
}
