package importer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
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
		out = append(out, fmt.Sprintf("contact %q %q %q %q %q %q %q %q %q %q %v %v %v", c.Name, c.FirstName, c.LastName, c.Email,
			c.OtherEmails, c.Phone, c.Mobile, c.JobTitle, c.ExternalID, c.Username, c.Tags, ms, c.Custom))
	}
	for _, co := range e.companies() {
		out = append(out, fmt.Sprintf("company %q %q %v", co.Name, co.ExternalID, co.Tags))
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
			// contacts sharing a phone matched in another order.
			seeds := []uint64{11, 11868001}
			if seed, _ := strconv.ParseUint(os.Getenv("ROSTER_TEST_SEED"), 10, 64); seed != 0 {
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
	matches := [][]string{{roster.MatchEmail}, {roster.MatchEmail, roster.MatchPhone}, {roster.MatchPhone, roster.MatchEmail}, {roster.MatchExternalID, roster.MatchEmail}}
	for i := range 25 {
		match := matches[rng.IntN(len(matches))]
		merge := []string{roster.MergeFirst, roster.MergeAll}[rng.IntN(2)]
		blank := []string{roster.BlankKeep, roster.BlankClear}[rng.IntN(2)]
		lists := []string{roster.ListsUnion, roster.ListsReplace}[rng.IntN(2)]
		file := randomRows(rng, 10+rng.IntN(40))
		opts := func(o *importer.Options) { o.Match, o.Merge, o.Blank, o.Lists = match, merge, blank, lists }
		one := envs[0].run(file, region("CZ"), batchOf(1), opts)
		own := envs[1].run(file, region("CZ"), batchOf(0), opts)
		if a, b := envs[0].dump(), envs[1].dump(); !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d round %d (match %v, merge %s, blank %s, lists %s):\n%s\nbatches of one:\n%s\nown batches:\n%s",
				seed, i, match, merge, blank, lists, file, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
		if one.Import.Counts != own.Import.Counts || !reflect.DeepEqual(withoutIDs(one.Errors), withoutIDs(own.Errors)) {
			t.Fatalf("seed %d round %d (match %v, merge %s, blank %s, lists %s):\n%s\nbatches of one: %+v %+v\nown batches: %+v %+v",
				seed, i, match, merge, blank, lists, file, one.Import.Counts, one.Errors, own.Import.Counts, own.Errors)
		}
	}
}
