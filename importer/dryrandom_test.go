package importer_test

import (
	"math/rand/v2"
	"testing"

	"roster"
	"roster/importer"
)

// A dry run counts and fails exactly what the real run then does, over
// random files and options: matching, merging, blanks, lists and batch
// sizes, rows that update what earlier rows of the file made, companies
// named and given by external id. It found a dry run's new records taking
// the ids of real ones, and a row naming one company twice stopping the
// import (TestCompanyNamedTwiceInARow).
func TestDryRunMatchesRealRunAtRandom(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		seed := testSeed(7)
		rng := rand.New(rand.NewPCG(seed, uint64(len(t.Name()))))
		e.run(randomRows(rng, 15), region("CZ"))
		for i := range 40 {
			o := randomOptionsOf(rng)
			batch := []int{1, 2, 3, 7}[rng.IntN(4)]
			file := randomRows(rng, 12+rng.IntN(12))
			t.Logf("seed %d, round %d: %s, batches of %d\n%s", seed, i, o, batch, file)
			checkDryRun(e, file, region("CZ"), batchOf(batch), o.apply)
		}
	})
}

// A row that names one company twice, by name and by external id, or by
// two spellings of its name, links the contact to it once, as its first
// mention says: it used to insert the membership twice, which stopped the
// whole import with a conflict. Found by the test above.
func TestCompanyNamedTwiceInARow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,external_id\nAlpha,C2\n", func(o *importer.Options) { o.Kind = roster.KindCompanies })
		file := "name,email,company,company_external_id,view_all_tickets\n" +
			"Dana,dana@x.cz,Alpha,||C2,no||yes\n" + // new contact
			"Eva,eva@x.cz,Beta,,\n" +
			"Eva,eva@x.cz,Alpha||alpha,C2,yes||no\n" // update, lists united
		for _, mods := range [][]func(*importer.Options){{batchOf(1), dry}, {batchOf(1)}} {
			res := e.run(file, mods...)
			e.counts(res, 2, 1, 0, 0)
		}
		for email, want := range map[string][]roster.Membership{
			"dana@x.cz": {{CompanyName: "Alpha", ViewAllTickets: false}},
			"eva@x.cz":  {{CompanyName: "Beta"}, {CompanyName: "Alpha", ViewAllTickets: true}},
		} {
			got := e.byEmail(email).Companies
			if len(got) != len(want) {
				t.Fatalf("%s: memberships %+v, want %+v", email, got, want)
			}
			for i := range got {
				if got[i].CompanyName != want[i].CompanyName || got[i].ViewAllTickets != want[i].ViewAllTickets {
					t.Errorf("%s: memberships %+v, want %+v", email, got, want)
				}
			}
		}
	})
}
