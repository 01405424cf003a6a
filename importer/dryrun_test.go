package importer_test

import (
	"reflect"
	"regexp"
	"slices"
	"testing"

	"roster"
	"roster/importer"
	"roster/sqlstore"
)

// dry sets the dry-run option.
func dry(o *importer.Options) { o.DryRun = true }

func batchOf(n int) func(*importer.Options) { return func(o *importer.Options) { o.BatchSize = n } }

// checkDryRun runs content as a dry run, then for real, and checks the dry
// run changed nothing, counted what the real run then did, journaled its
// failed rows, left nothing aside and cannot be undone.
func checkDryRun(e *env, content string, mods ...func(*importer.Options)) (dryRes, realRes *importer.Result) {
	e.t.Helper()
	beforeContacts, beforeCompanies := e.contacts(), e.companies()
	dryRes = e.run(content, append(mods, dry)...)
	if got := e.contacts(); !reflect.DeepEqual(got, beforeContacts) {
		e.t.Fatalf("the dry run changed the contacts:\n%+v\nwas\n%+v", got, beforeContacts)
	}
	if got := e.companies(); !reflect.DeepEqual(got, beforeCompanies) {
		e.t.Fatalf("the dry run changed the companies: %+v", got)
	}
	imp, err := e.s.FindImport(e.ctx, e.tenant.ID, dryRes.Import.ID)
	if err != nil || !imp.DryRun || imp.Status != roster.ImportDone || imp.Counts != dryRes.Import.Counts {
		e.t.Fatalf("dry run journaled as %+v, %v", imp, err)
	}
	var failed []int
	if err := e.s.FailedRows(e.ctx, e.tenant.ID, imp.ID, func(f roster.FailedRow) error { failed = append(failed, f.Row); return nil }); err != nil {
		e.t.Fatal(err)
	}
	if len(failed) != imp.Counts.Failed {
		e.t.Fatalf("dry run journaled failed rows %v; counts say %d", failed, imp.Counts.Failed)
	}
	db := e.s.(*sqlstore.Store).DB
	for _, table := range []string{"dry_records", "dry_keys"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			e.t.Fatalf("%s keeps %d rows after the dry run (%v)", table, n, err)
		}
	}
	if _, err := e.s.UndoImport(e.ctx, e.tenant.ID, imp.ID); roster.ErrorCode(err) != roster.EINVALID {
		e.t.Fatalf("undo of a dry run: %v, want EINVALID", err)
	}
	realRes = e.run(content, mods...)
	if dryRes.Import.Counts != realRes.Import.Counts {
		e.t.Fatalf("dry run counts %+v differ from the real run's %+v\ndry errors %+v\nreal errors %+v",
			dryRes.Import.Counts, realRes.Import.Counts, dryRes.Errors, realRes.Errors)
	}
	if !reflect.DeepEqual(withoutIDs(dryRes.Errors), withoutIDs(realRes.Errors)) {
		e.t.Fatalf("dry run errors %+v differ from the real run's %+v", dryRes.Errors, realRes.Errors)
	}
	return dryRes, realRes
}

// recordName is how an error names a record: by id, or in a dry run as
// one the import would create, which the real run names by its new id.
var recordName = regexp.MustCompile(`(contact|company) \d+|a (contact|company) this import would create`)

// withoutIDs is errs with the records they name reduced to their kind.
func withoutIDs(errs []roster.RowError) []roster.RowError {
	out := slices.Clone(errs)
	for i := range out {
		out[i].Message = recordName.ReplaceAllString(out[i].Message, "$1$2 #")
	}
	return out
}

// Later rows and later batches of a dry run see what earlier ones would
// have created or changed, exactly as in a real run.
func TestDryRun(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run(people, region("CZ"))
		file := "Name,E-mail,Phone,Company,Tags,Job Title\n" +
			"Jan Novák,jan.novak@example.cz,601 123 456,Acme s.r.o.,\"vip, beta\",CTO\n" + // unchanged
			"Eva Svobodová,eva@example.cz,,,new,\n" + // updated
			"Nový,novy@example.cz,,Gamma,,\n" + // created, with Gamma
			"Nový Druhý,novy@example.cz,,,,Boss\n" + // next batch: updates row 4's
			"Olga,olga@example.cz,,GAMMA,,\n" + // links to the Gamma of row 4
			"Bad,not-an-email,,,,\n" + // fails
			"Nový Druhý,novy@example.cz,,,,Boss\n" + // unchanged since row 5
			"Eva Svobodová,eva@example.cz,,,new,\n" + // unchanged since row 3
			"Pavel,pavel@example.cz,601 123 456,,,\n" // Jan's phone: matched by phone below
		dryRes, _ := checkDryRun(e, file, region("CZ"))
		e.counts(dryRes, 3, 2, 3, 1)
		if dryRes.Import.Counts.CompaniesCreated != 1 {
			t.Fatalf("companies created %d, want 1 (Gamma once)", dryRes.Import.Counts.CompaniesCreated)
		}
		// Matching by phone too, one row per batch.
		checkDryRun(e, file, region("CZ"), batchOf(1), func(o *importer.Options) {
			o.Match = []string{roster.MatchEmail, roster.MatchPhone}
		})
	})
}

// --merge all removes contacts; a dry run's later batches must not find them.
func TestDryRunMergeAll(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,phone,company\nAnn,ann@x.cz,+420601000001,Alpha\nBob,bob@x.cz,+420601000002,Beta\nCid,cid@x.cz,+420601000003,\n")
		file := "name,email,phone,other_emails,company\n" +
			"Ann Bob,ann@x.cz,+420601000002,,Gamma\n" + // merges Bob into Ann
			"Bob Again,bob@x.cz,,,\n" + // Bob's email is Ann's now
			"Bob Phone,,+420601000002,,\n" +
			"Cid,cid@x.cz,,dee@x.cz,\n" +
			"Dee,dee@x.cz,+420601000001,,\n" + // merges Cid into Ann
			"Eve,eve@x.cz,,,Gamma\n"
		mods := []func(*importer.Options){batchOf(1), func(o *importer.Options) {
			o.Match = []string{roster.MatchEmail, roster.MatchPhone}
			o.Merge = roster.MergeAll
		}}
		dryRes, _ := checkDryRun(e, file, mods...)
		if dryRes.Import.Counts.Merged == 0 {
			t.Fatalf("no contacts merged: %+v", dryRes.Import.Counts)
		}
	})
}

// Companies: later batches update what earlier ones would have created.
func TestDryRunCompanies(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,external_id,industry\nAlpha,A1,Retail\n", func(o *importer.Options) { o.Kind = roster.KindCompanies })
		file := "name,external_id,industry\nAlpha,A1,Retail\nBeta,B1,\nBeta,B1,Banking\nGamma,,Mining\nBETA,B1,Banking\n"
		companies := func(o *importer.Options) { o.Kind = roster.KindCompanies }
		dryRes, _ := checkDryRun(e, file, companies, batchOf(1))
		e.counts(dryRes, 2, 2, 1, 0)
	})
}

// A dry run's new records get ids of their own: after it changed contact
// 3, the next new contact and company got ids 2 and 1, the ids of Bob and
// of Ann's company, and the rows that followed read those states for Bob's
// and Ann's (Bob counted as created, Ann as changed).
func TestDryRunNewIDsNotReal(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,company\nAnn,a@x.cz,Alpha\nBob,b@x.cz,\nCid,c@x.cz,\n")
		file := "name,email,job_title,company\n" +
			"Cid,c@x.cz,Boss,\n" + // changes Cid: the dry run keeps his state
			"Dan,d@x.cz,,NewCo\n" + // a new contact and company, in a later batch
			"Bob,b@x.cz,,\n" + // Bob as he is
			"Ann,a@x.cz,,Alpha\n" // Ann as she is, with her company
		dryRes, _ := checkDryRun(e, file, batchOf(1))
		e.counts(dryRes, 1, 1, 2, 0)
	})
}
