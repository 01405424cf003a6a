package importer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// A batch planned on a snapshot is planned again when someone else wrote
// to the directory meanwhile: an edit made through the API between the
// look-ups and the batch is neither lost nor overwritten with old values.
func TestPlanAheadSeesOutsideWrites(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,job_title\nAnn,ann@x.cz,CTO\nBob,bob@x.cz,\n")
		batches := 0
		before := importer.BeforeBatch(func() {
			batches++
			if batches != 2 {
				return
			}
			// Ann's row is the second batch, planned already.
			ann := e.byEmail("ann@x.cz")
			ann.JobTitle = "CEO"
			if err := e.s.UpdateContact(e.ctx, e.tenant.ID, ann); err != nil {
				t.Error(err)
			}
		})
		// Each batch its own group: an outside write waits for the group's commit.
		res := e.run("name,email,tags\nBob,bob@x.cz,\nAnn,ann@x.cz,vip\n", batchOf(1), importer.GroupRows(1), before)
		e.counts(res, 0, 1, 1, 0)
		ann := e.byEmail("ann@x.cz")
		if ann.JobTitle != "CEO" || !slices.Equal(ann.Tags, []string{"vip"}) {
			t.Fatalf("Ann after the import: job %q, tags %q; want the API's CEO and the file's vip", ann.JobTitle, ann.Tags)
		}
	})
}

// The companies a contacts import has seen are kept from batch to batch
// only while nothing else writes: a company renamed through the API
// between batches is not linked by its old name, and one renamed to a
// name the file uses is found under it.
func TestCompanyCacheSeesOutsideWrites(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name\nGlobex\n", kind(roster.KindCompanies))
		batches := 0
		before := importer.BeforeBatch(func() {
			batches++
			if batches != 3 {
				return
			}
			for _, co := range e.companies() {
				co.Name = map[string]string{"Acme": "Acme Old", "Globex": "Initech"}[co.Name]
				if err := e.s.UpdateCompany(e.ctx, e.tenant.ID, co); err != nil {
					t.Error(err)
				}
			}
		})
		e.run("name,email,company\nAnn,ann@x.cz,Acme\nBob,bob@x.cz,Acme||Globex\nCid,cid@x.cz,Acme||Initech\nDan,dan@x.cz,Globex\n", batchOf(1), importer.GroupRows(1), before)
		ids := map[string]int64{}
		for _, co := range e.companies() {
			ids[co.Name] = co.ID
		}
		if len(ids) != 4 || ids["Acme"] == 0 || ids["Acme Old"] == 0 || ids["Initech"] == 0 || ids["Globex"] == 0 {
			t.Fatalf("companies %v; want Acme Old and Initech (renamed), a new Acme and a new Globex", ids)
		}
		want := map[string][]int64{
			"ann@x.cz": {ids["Acme Old"]},
			"bob@x.cz": {ids["Acme Old"], ids["Initech"]},
			"cid@x.cz": {ids["Acme"], ids["Initech"]},
			"dan@x.cz": {ids["Globex"]},
		}
		for email, companies := range want {
			var got []int64
			for _, m := range e.byEmail(email).Companies {
				got = append(got, m.CompanyID)
			}
			if !slices.Equal(got, companies) {
				t.Errorf("%s is linked to %v, want %v (companies %v)", email, got, companies, ids)
			}
		}
	})
}

// A row that leaves its contact as stored is unchanged, even where the
// stored contact would no longer validate (a custom field made required
// since); a row that changes it, even only its companies, is validated.
func TestUnchangedRowsAreNotValidatedAgain(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		file := "name,email,company\nAnn,ann@x.cz,Acme\nBob,bob@x.cz,Acme\n"
		e.counts(e.run(file), 2, 0, 0, 0)
		if err := e.s.CreateField(e.ctx, e.tenant.ID, &roster.FieldDef{Kind: roster.KindContacts, Key: "plan", Type: roster.FieldText, Required: true}); err != nil {
			t.Fatal(err)
		}
		e.counts(e.run(file), 0, 0, 2, 0)
		res := e.run("name,email,company\nAnn,ann@x.cz,Acme\nBob,bob@x.cz,Globex\nCid,cid@x.cz,Acme\n")
		e.counts(res, 0, 0, 1, 2)
		// Said ahead, since no column fills the field.
		if want := `custom field "plan" is required and no column maps to it: rows that create a contact, or change one that has no value for it, fail`; !slices.Contains(res.Warnings, want) {
			t.Errorf("warnings %q", res.Warnings)
		}
		if res := e.run("name,email,plan\nAnn,ann@x.cz,Pro\n"); len(res.Warnings) != 0 {
			t.Errorf("warnings with the column: %q", res.Warnings)
		}
		for _, err := range res.Errors {
			if err.Row == 2 || !strings.Contains(err.Message, `"plan" is required`) {
				t.Errorf("row %d: %s %s", err.Row, err.Code, err.Message)
			}
		}
		if got := e.byEmail("bob@x.cz").Companies; len(got) != 1 {
			t.Errorf("Bob's companies %v, want Acme only (his row failed)", got)
		}
	})
}

// An external id is unique whichever way its owner is found: loaded as
// the contact another of the batch's rows matched, or looked up.
func TestExternalIDOwnersFoundEitherWay(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("name,email,external_id\nAnn,ann@x.cz,A1\nBob,bob@x.cz,B1\nEve,eve@x.cz,E1\n"), 3, 0, 0, 0)
		file := "name,email,external_id\nAnn,ann@x.cz,A1\nBob,bob@x.cz,A1\nCid,cid@x.cz,B1\nDan,dan@x.cz,E1\n"
		for _, size := range []int{100, 1} {
			res := e.run(file, batchOf(size))
			e.counts(res, 0, 0, 1, 3)
			owners := map[int]string{3: "ann", 4: "bob", 5: "eve"}
			for _, err := range res.Errors {
				want := fmt.Sprintf("already belongs to contact %d", e.byEmail(owners[err.Row]+"@x.cz").ID)
				if err.Code != "duplicate_external_id" || !strings.Contains(err.Message, want) {
					t.Errorf("batches of %d, row %d: %s %s; want duplicate_external_id, %s", size, err.Row, err.Code, err.Message, want)
				}
			}
		}
	})
}

// The planners make ahead the contacts that rows matching no one would
// create; a row whose contact an earlier batch has created since is an
// update all the same, and a row that cannot create fails as it would.
func TestContactsMadeAhead(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email,job_title\nAnn,ann@x.cz,Sales\nAnn Nováková,ANN@x.cz,\n,bob@x.cz,CEO\nCid,cid@x.cz,CTO\n", batchOf(1))
		e.counts(res, 2, 1, 0, 1)
		if ann := e.byEmail("ann@x.cz"); ann.Name != "Ann Nováková" || ann.JobTitle != "Sales" {
			t.Errorf("Ann is %q, %q; want the second row's name and the first's title", ann.Name, ann.JobTitle)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 4 || res.Errors[0].Code != "missing_name" {
			t.Errorf("errors %+v; want row 4 missing_name", res.Errors)
		}
	})
}
