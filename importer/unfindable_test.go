package importer_test

import (
	"reflect"
	"slices"
	"testing"

	"roster"
	"roster/importer"
)

// A contact created from a row without any --match identifier (a
// phone-only row when matching by email) would be created again by the
// same rows imported again: the report says so, and which --match finds it.
func TestContactsMatchCannotFindAgainAreReported(t *testing.T) {
	const file = "name,email,phone,username\n" +
		"Ann,ann@x.cz,,\n" +
		"Bob,,+420601123456,\n" +
		"Bad,bad@,+420601123457,\n" + // a failed row is not counted
		"Cid,,+420601123458,cid\n" +
		"Dee,dee@x.cz,+420601123459,\n"
	each(t, func(t *testing.T, e *env) {
		want := []string{"2 new contacts have none of the identifiers of --match (email), so importing the same rows again would not find them: --match email,phone,username would (first at row 3)"}
		for _, mod := range []func(*importer.Options){batchOf(1), batchOf(2), func(o *importer.Options) { o.DryRun = true }} {
			res := e.run(file, mod)
			e.counts(res, 4, 0, 0, 1)
			if !reflect.DeepEqual(res.Warnings, want) {
				t.Fatalf("warnings\n%q\nwant\n%q", res.Warnings, want)
			}
			if res.Import.DryRun {
				continue
			}
			if imp, err := e.s.FindImport(e.ctx, e.tenant.ID, res.Import.ID); err != nil || !reflect.DeepEqual(imp.Warnings, want) || imp.RowsTotal != 5 {
				t.Fatalf("journaled warnings %q, rows_total %d (%v), want the report's and 5", imp.Warnings, imp.RowsTotal, err)
			}
			if _, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID); err != nil {
				t.Fatal(err)
			}
		}
		// One is told in the singular, with every identifier it holds.
		res := e.run("name,email,phone,username\nEve,eve@x.cz,,eve\n", func(o *importer.Options) { o.Match = []string{roster.MatchPhone} })
		e.counts(res, 1, 0, 0, 0)
		want = []string{"1 new contact has none of the identifiers of --match (phone), so importing the same rows again would not find them: --match phone,email,username would (first at row 2)"}
		if !reflect.DeepEqual(res.Warnings, want) {
			t.Fatalf("warnings\n%q\nwant\n%q", res.Warnings, want)
		}
		// Matched by what they hold, the rows find their contacts again,
		// and nothing is said.
		res = e.run(file, func(o *importer.Options) { o.Match = []string{roster.MatchEmail, roster.MatchPhone} })
		if len(res.Warnings) != 0 {
			t.Fatalf("warnings %q", res.Warnings)
		}
	})
}

// A row whose only identifier is one --match does not use fails, saying
// which --match would take it.
func TestRowWithAnIdentifierMatchDoesNotUse(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email,external_id,username\nAnn,,A-1,\nBob,,,bob\nCid,,,\n")
		e.counts(res, 0, 0, 0, 3)
		want := []string{
			"the row has no email or phone, and its external id identifies it only with --match external_id",
			"the row has no email or phone, and its username identifies it only with --match username",
			"the row has no email or phone",
		}
		for i, er := range res.Errors {
			if er.Row != i+2 || er.Code != "missing_identifier" || er.Message != want[i] {
				t.Errorf("error %+v, want row %d: %s", er, i+2, want[i])
			}
		}
		// With --match using them, the rows update the contacts they match.
		// (A contact cannot be created from a username alone: it would have
		// no way to be reached.)
		e.run("name,email,username\nBea,bea@x.cz,bob\n")
		res = e.run("name,email,external_id,username\nAnn,,A-1,\nBob,,,bob\n", func(o *importer.Options) {
			o.Match = []string{roster.MatchEmail, roster.MatchExternalID, roster.MatchUsername}
		})
		e.counts(res, 1, 1, 0, 0)
		if bob := e.byEmail("bea@x.cz"); bob.Name != "Bob" {
			t.Errorf("bob = %+v", bob)
		}
	})
}

// A file without names (emails and job titles, say) updates the contacts
// it matches; its rows that match none fail, as a new contact needs a name.
func TestUpdateOnlyFileWithoutNames(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,job_title\nAnn,ann@x.cz,Clerk\n")
		res := e.run("E-mail,Job Title\nANN@x.cz,CEO\nnew@x.cz,CTO\n")
		e.counts(res, 0, 1, 0, 1)
		if ann := e.byEmail("ann@x.cz"); ann.Name != "Ann" || ann.JobTitle != "CEO" {
			t.Errorf("ann = %+v", ann)
		}
		if er := res.Errors[0]; er.Row != 3 || er.Code != "missing_name" {
			t.Errorf("error %+v", er)
		}
		want := "the file has no name column: it can update contacts, and its rows that match none fail (a new contact needs a name)"
		if !slices.Contains(res.Warnings, want) {
			t.Errorf("warnings %q", res.Warnings)
		}
	})
}
