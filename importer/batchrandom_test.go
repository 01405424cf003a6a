package importer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"roster"
	"roster/importer"
	"roster/storetest"
)

// dump is a tenant's directory without ids and times, sorted: what two
// imports of the same rows must agree on however they batch them.
func (e *env) dump() []string {
	var out []string
	for _, c := range e.contacts() {
		var ms []string
		for _, m := range c.Companies {
			ms = append(ms, fmt.Sprintf("%s/%v", m.CompanyName, m.ViewAllTickets))
		}
		out = append(out, fmt.Sprintf("contact %q %q %q %q %q %q %q %q %q %q %q %q %q %q %q %v %v %v", c.Name, c.FirstName, c.LastName, c.Email,
			c.OtherEmails, c.Phone, c.Mobile, c.JobTitle, c.ExternalID, c.Username, c.Role, c.Language, c.TimeZone, c.Address, c.Description,
			c.Tags, ms, c.Custom))
	}
	for _, co := range e.companies() {
		out = append(out, fmt.Sprintf("company %q %q %v %q %q %q %q %q %q %v", co.Name, co.ExternalID, co.Tags, co.Domains, co.Website, co.Phone,
			co.Industry, co.Address, co.Description, co.Custom))
	}
	slices.Sort(out)
	return out
}

// The same files imported in batches of one row, and in the importer's
// own batches (planned ahead, grouped into transactions on SQLite), give
// the same counts, the same failed rows and the same directory.
func TestBatchSizesAgreeAtRandom(t *testing.T) {
	for name, open := range map[string]func(testing.TB) roster.Store{
		"sqlite":   func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) },
		"postgres": func(t testing.TB) roster.Store { return storetest.OpenPostgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var envs [2]*env
			for i := range envs {
				s := open(t)
				tn, err := s.CreateTenant(context.Background(), "acme")
				if err != nil {
					t.Fatal(err)
				}
				envs[i] = &env{t: t, ctx: context.Background(), s: s, tenant: tn}
			}
			// ROSTER_TEST_SEED=N explores other files. 11868001 found
			// contacts sharing a phone matched in another order, 4 an
			// updated contact's membership written before its company
			// (TestUpdatedContactJoinsACompanyTheBatchCreates).
			seeds := []uint64{11, 11868001, 4}
			if seed := testSeed(0); seed != 0 {
				seeds = []uint64{seed}
			}
			for _, seed := range seeds {
				agreeAtRandom(t, envs, seed)
			}
		})
	}
}

// agreeAtRandom imports 25 random files (see randomRows) with random
// options into both tenants, in batches of one row and in the importer's
// own, and fails where their counts, failed rows or directories differ.
func agreeAtRandom(t *testing.T, envs [2]*env, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, uint64(len(t.Name()))))
	for i := range 25 {
		o := randomOptionsOf(rng)
		file := randomRows(rng, 10+rng.IntN(40))
		one := envs[0].run(file, region("CZ"), batchOf(1), o.apply)
		own := envs[1].run(file, region("CZ"), batchOf(0), o.apply)
		agree(t, fmt.Sprintf("seed %d round %d (%s):\n%s", seed, i, o, file),
			run{envs[0], "batches of one", one}, run{envs[1], "own batches", own})
	}
}

// A batch whose updates pass an external id along (the first row clears
// it, the second takes it) and whose first row also links its contact to
// a company the batch creates, and that contact is updated again: PostgreSQL's merge of the updates meets the
// unique key halfway and replays them one at a time, and the replay wrote
// the membership before the new company, which stopped the import. Found
// by TestBatchSizesAgreeAtRandom.
func TestUpdatedContactJoinsACompanyTheBatchCreates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,external_id\nAnn,ann@x.cz,X0\nBob,bob@x.cz,\n")
		// Ann's last version is merged after Bob's.
		res := e.run("name,email,external_id,company,job_title\nAnn,ann@x.cz,,New Co,\nBob,bob@x.cz,X0,,\nAnn,ann@x.cz,,New Co,CTO\n",
			batchOf(0), func(o *importer.Options) { o.Blank = roster.BlankClear })
		e.counts(res, 0, 3, 0, 0)
		ann, bob := e.byEmail("ann@x.cz"), e.byEmail("bob@x.cz")
		if ann.ExternalID != "" || ann.JobTitle != "CTO" || len(ann.Companies) != 1 || ann.Companies[0].CompanyName != "New Co" || bob.ExternalID != "X0" {
			t.Fatalf("Ann: %q %q %+v; Bob: %q", ann.ExternalID, ann.JobTitle, ann.Companies, bob.ExternalID)
		}
	})
}

// Undoing an import of a random file, with random options, leaves the
// directory as it was before it, whatever the import created, changed
// or merged away.
func TestUndoRestoresAtRandom(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		seed := testSeed(13)
		rng := rand.New(rand.NewPCG(seed, uint64(len(t.Name()))))
		e.run(randomRows(rng, 30), region("CZ"))
		for i := range 20 {
			o := randomOptionsOf(rng)
			file := randomRows(rng, 10+rng.IntN(20))
			before := e.dump()
			res := e.run(file, region("CZ"), batchOf(1+rng.IntN(5)), o.apply)
			e.undoes(res.Import.ID, before, fmt.Sprintf("seed %d round %d (%s):\n%s", seed, i, o, file))
			// Then for real, so that the next file meets what this one did.
			e.run(file, region("CZ"), o.apply)
		}
	})
}

// Within a batch, a contact created with an email that an earlier row
// took from another contact is deleted before that contact gets its email
// back: the batch journals its new records before its other changes, and
// undo went back over them in that order (found by the test above).
func TestUndoNewContactWithAnEmailTakenEarlierInTheBatch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,other_emails\nAnn,ann@x.cz,old@x.cz\n")
		res := e.run("name,email,other_emails\nAnn,ann@x.cz,new@x.cz\nOld,old@x.cz,\n", batchOf(10),
			func(o *importer.Options) { o.Lists = roster.ListsReplace })
		e.counts(res, 1, 1, 0, 0)
		report, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID)
		if err != nil || len(report.Conflicts) != 0 || report.Deleted != 1 || report.Restored != 1 {
			t.Fatalf("undo: %+v, %v", report, err)
		}
		if c := e.byEmail("ann@x.cz"); !slices.Equal(c.OtherEmails, []string{"old@x.cz"}) || len(e.contacts()) != 1 {
			t.Errorf("after the undo: Ann's other emails %q, %d contacts", c.OtherEmails, len(e.contacts()))
		}
	})
}
