package importer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// testSeed is ROSTER_TEST_SEED, with which the random tests explore other
// files, or def.
func testSeed(def uint64) uint64 {
	if seed, _ := strconv.ParseUint(os.Getenv("ROSTER_TEST_SEED"), 10, 64); seed != 0 {
		return seed
	}
	return def
}

// randomRows writes a contacts file of n rows drawn from small pools, so
// that rows match stored contacts and each other by email, phone and
// external id, name companies old and new, and now and then fail.
func randomRows(rng *rand.Rand, n int) string {
	pick := func(pool ...string) string { return pool[rng.IntN(len(pool))] }
	var b strings.Builder
	b.WriteString("name,email,phone,other_emails,company,company_external_id,view_all_tickets,tags,external_id,job_title\n")
	for range n {
		email := pick("", "bad-email", fmt.Sprintf("p%d@x.cz", rng.IntN(12)), fmt.Sprintf("P%d@X.cz", rng.IntN(12)))
		phone := pick("", "", fmt.Sprintf("+42060100000%d", rng.IntN(8)), fmt.Sprintf("601 000 00%d", rng.IntN(8)), "12")
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
			pick("", "Ann", "Bob Novák", "Cid", "Dana Dvořák"), email, phone,
			pick("", "", fmt.Sprintf("p%d@x.cz", rng.IntN(12)), fmt.Sprintf("\"p%d@x.cz;p%d@x.cz\"", rng.IntN(12), rng.IntN(12))),
			pick("", "Alpha", "BETA", "beta", "Gamma", "Alpha||Delta"),
			pick("", "", "C1", "C2", "C1||C3", "||C2"),
			pick("", "yes", "no||yes", "ano"),
			pick("", "vip", "\"vip, beta\"", "new"),
			pick("", "", fmt.Sprintf("X%d", rng.IntN(6))),
			pick("", "CTO", "Boss"))
	}
	return b.String()
}

// randomOptions are a contacts import's options drawn at random.
type randomOptions struct {
	match               []string
	merge, blank, lists string
}

func randomOptionsOf(rng *rand.Rand) randomOptions {
	matches := [][]string{{roster.MatchEmail}, {roster.MatchEmail, roster.MatchPhone}, {roster.MatchPhone, roster.MatchEmail}, {roster.MatchExternalID, roster.MatchEmail}}
	var o randomOptions
	o.match = matches[rng.IntN(len(matches))]
	o.merge = []string{roster.MergeFirst, roster.MergeAll}[rng.IntN(2)]
	o.blank = []string{roster.BlankKeep, roster.BlankClear}[rng.IntN(2)]
	o.lists = []string{roster.ListsUnion, roster.ListsReplace}[rng.IntN(2)]
	return o
}

func (r randomOptions) apply(o *importer.Options) {
	o.Match, o.Merge, o.Blank, o.Lists = r.match, r.merge, r.blank, r.lists
}

func (r randomOptions) String() string {
	return fmt.Sprintf("match %v, merge %s, blank %s, lists %s", r.match, r.merge, r.blank, r.lists)
}

// run is one import in a comparison: where it ran, how it is named, and
// what it gave.
type run struct {
	e    *env
	name string
	res  *importer.Result
}

// agree fails t, saying what was imported (about), unless both runs left
// the same directory, counts and errors (the records these name reduced
// to their kind).
func agree(t *testing.T, about string, a, b run) {
	t.Helper()
	if x, y := a.e.dump(), b.e.dump(); !reflect.DeepEqual(x, y) {
		t.Fatalf("%s\n%s:\n%s\n%s:\n%s", about, a.name, strings.Join(x, "\n"), b.name, strings.Join(y, "\n"))
	}
	if a.res.Import.Counts != b.res.Import.Counts || !reflect.DeepEqual(withoutIDs(a.res.Errors), withoutIDs(b.res.Errors)) {
		t.Fatalf("%s\n%s: %+v %+v\n%s: %+v %+v", about, a.name, a.res.Import.Counts, a.res.Errors, b.name, b.res.Import.Counts, b.res.Errors)
	}
}

// wideEnv is a new tenant of s named name, with the custom fields
// wideRows fills.
func wideEnv(t *testing.T, s roster.Store, name string) *env {
	t.Helper()
	tn, err := s.CreateTenant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: context.Background(), s: s, tenant: tn}
	e.wideFields()
	return e
}

// undoes undoes import id and fails t, saying what was imported (about),
// unless the directory is as before it.
func (e *env) undoes(id int64, before []string, about string) {
	e.t.Helper()
	report, err := e.s.UndoImport(e.ctx, e.tenant.ID, id)
	if err != nil {
		e.t.Fatalf("%s\nundo: %v", about, err)
	}
	if after := e.dump(); !reflect.DeepEqual(after, before) {
		e.t.Fatalf("%s\nundo: %+v\nbefore:\n%s\nafter the undo:\n%s", about, report, strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
}
