package importer_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// randomCompanyRows writes a companies file of n rows drawn from small
// pools, so that rows match stored companies and each other by name and
// external id, and now and then fail.
func randomCompanyRows(rng *rand.Rand, n int) string {
	pick := func(pool ...string) string { return pool[rng.IntN(len(pool))] }
	var b strings.Builder
	b.WriteString("name,external_id,domains,website,phone,industry,tags\n")
	for range n {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n",
			pick("", "Acme", "ACME", "Globex", "Initech", "Umbrella", "Hooli"),
			pick("", "", "K1", "K2", "K3", "K4"),
			pick("", "acme.example", "\"a.example,b.example\"", "bad domain"),
			pick("", "https://x.example", "not a url"),
			pick("", "+420601000001", "12"),
			pick("", "Retail", "Mining"),
			pick("", "key", "\"key, eu\""))
	}
	return b.String()
}

// Companies: a dry run counts what the real run does, and an undo puts
// the directory back as it was, over random files and options.
func TestCompanyImportsAtRandom(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		seed := testSeed(17)
		rng := rand.New(rand.NewPCG(seed, uint64(len(t.Name()))))
		companies := func(o *importer.Options) { o.Kind = roster.KindCompanies }
		e.run(randomCompanyRows(rng, 8), companies)
		matches := [][]string{{roster.MatchName}, {roster.MatchExternalID}, {roster.MatchExternalID, roster.MatchName}, {roster.MatchName, roster.MatchExternalID}}
		for i := range 30 {
			match := matches[rng.IntN(len(matches))]
			blank := []string{roster.BlankKeep, roster.BlankClear}[rng.IntN(2)]
			lists := []string{roster.ListsUnion, roster.ListsReplace}[rng.IntN(2)]
			file := randomCompanyRows(rng, 5+rng.IntN(15))
			opts := []func(*importer.Options){companies, batchOf(1 + rng.IntN(4)), func(o *importer.Options) {
				o.Match, o.Blank, o.Lists = match, blank, lists
			}}
			t.Logf("seed %d round %d: match %v, blank %s, lists %s\n%s", seed, i, match, blank, lists, file)
			before := e.dump()
			_, res := checkDryRun(e, file, opts...)
			e.undoes(res.Import.ID, before, fmt.Sprintf("seed %d round %d", seed, i))
			e.run(file, opts...)
		}
	})
}
