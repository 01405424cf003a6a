package importer_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"roster"
	"roster/importer"
	"roster/storetest"
)

// wideRows writes a contacts file of n rows about so many people, over
// every column a contact has and five custom fields, drawn from small
// pools: letters whose case
// folds outside ASCII, names given whole or in parts, usernames, mobiles,
// dates in two orders, and now and then a bad value.
func wideRows(rng *rand.Rand, n, people int) string {
	pick := func(pool ...string) string { return pool[rng.IntN(len(pool))] }
	var b strings.Builder
	b.WriteString("name,first_name,last_name,email,other_emails,phone,mobile,company,company_external_id,view_all_tickets,tags,external_id,username,role,job_title,description,tier,vip,since,score,skills\n")
	for range n {
		who := rng.IntN(people)
		row := []string{
			pick("", "Ann", "Bob Novák", "ŽOFIE Šťastná", "Émile"),
			pick("", "", "Ola", "Øyvind"),
			pick("", "", "Dvořák", "DVOŘÁK"),
			pick("", fmt.Sprintf("p%d@x.cz", who), fmt.Sprintf("P%d@X.CZ", who), fmt.Sprintf("p%d@příklad.cz", who)),
			pick("", "", fmt.Sprintf("p%d@x.cz", rng.IntN(people)), fmt.Sprintf("\"p%d@x.cz||p%d@příklad.cz\"", rng.IntN(people), rng.IntN(people))),
			pick("", "", fmt.Sprintf("+42060100000%d", rng.IntN(6)), fmt.Sprintf("601 000 00%d", rng.IntN(6))),
			pick("", "", fmt.Sprintf("+42077700000%d", rng.IntN(4))),
			pick("", "Čedok", "ČEDOK", "Straße", "ÉCOLE||école", "Alpha||Čedok"),
			pick("", "", "C1", "c1", "C2||C1"),
			"", // view_all_tickets: below, one for each company
			pick("", "vip", "\"VIP, Nový\"", "nový"),
			pick("", "", fmt.Sprintf("X%d", who), fmt.Sprintf("x%d", rng.IntN(people))),
			pick("", "", fmt.Sprintf("user%d", who), fmt.Sprintf("User%d", rng.IntN(people))),
			pick("", "", "agent", "customer"),
			pick("", "CTO", "Ředitel", " padded ", `"say ""hi"""`, "=1+2", "0042", "1/2", "3.50", `"a; b| c"`),
			pick("", "", `"two
lines"`, `"ends with a break
"`, "Ünïcödé ☃"),
			pick("", "gold", "SILVER"),
			pick("", "yes", "ne", "ANO"),
			pick("", "2024-02-29", "29.02.2024", "03.04.2024"),
			pick("", "7", "-3"),
			pick("", "go", "\"Go, sql\"", "ŠQL"),
		}
		if row[7] != "" && rng.IntN(2) == 0 {
			var views []string
			for range strings.Count(row[7], "||") + 1 {
				views = append(views, pick("yes", "no", "ano", "はい"))
			}
			row[9] = strings.Join(views, "||")
		}
		// One row in eight has a bad value somewhere.
		if rng.IntN(8) == 0 {
			bad := [...]struct {
				col   int
				value string
			}{{3, "bad@"}, {5, "12"}, {6, "(0) 777"}, {13, "boss"}, {16, "Bronze"}, {18, "2023-02-29"}, {19, "1e3"}, {0, strings.Repeat("n", 300)}}
			x := bad[rng.IntN(len(bad))]
			row[x.col] = x.value
		}
		b.WriteString(strings.Join(row, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// wideOptions are wideRows' import options drawn at random.
type wideOptions struct {
	randomOptions
	createCompanies bool
	custom, dates   string
}

func wideOptionsOf(rng *rand.Rand) wideOptions {
	o := wideOptions{randomOptions: randomOptionsOf(rng)}
	if rng.IntN(5) == 0 {
		o.match = []string{roster.MatchUsername, roster.MatchEmail}
	}
	o.createCompanies = rng.IntN(4) != 0
	o.custom = []string{roster.CustomAll, roster.CustomNewOnly}[rng.IntN(2)]
	o.dates = []string{"", "DD.MM.YYYY"}[rng.IntN(2)]
	return o
}

func (w wideOptions) apply(o *importer.Options) {
	w.randomOptions.apply(o)
	o.CreateCompanies, o.CustomFields, o.DateFormat = w.createCompanies, w.custom, w.dates
}

func (w wideOptions) String() string {
	return fmt.Sprintf("%s, create companies %v, custom fields %s, dates %q", w.randomOptions, w.createCompanies, w.custom, w.dates)
}

// wideCompanyRows writes a companies file of n rows naming the companies
// wideRows' contacts name, in other spellings too, over every column a
// company has.
func wideCompanyRows(rng *rand.Rand, n int) string {
	pick := func(pool ...string) string { return pool[rng.IntN(len(pool))] }
	var b strings.Builder
	b.WriteString("name,external_id,domains,website,phone,description,industry,address,tags\n")
	for range n {
		row := []string{
			pick("", "Čedok", "čedok", "Straße", "STRASSE", "école", "Alpha", "Omega"),
			pick("", "", "C1", "c1", "C2", "C3"),
			pick("", "", "cedok.cz", "\"příklad.cz,x.cz\""),
			pick("", "", "https://cedok.cz"),
			pick("", "+420601000001", "601 000 002"),
			pick("", "Cestovní \"kancelář\"", "\"two\nlines\""),
			pick("", "Travel", "Ünïcödé"),
			pick("", "Na Příkopě 18, Praha"),
			pick("", "key", "\"Key, EU\"", "nový"),
		}
		if rng.IntN(8) == 0 { // a bad value
			row[2+rng.IntN(3)] = "bad value"
		}
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.String()
}

// wideCompanyOptions are wideCompanyRows' import options drawn at random.
type wideCompanyOptions struct {
	match        []string
	blank, lists string
}

func wideCompanyOptionsOf(rng *rand.Rand) wideCompanyOptions {
	matches := [][]string{{roster.MatchName}, {roster.MatchExternalID}, {roster.MatchExternalID, roster.MatchName}, {roster.MatchName, roster.MatchExternalID}}
	return wideCompanyOptions{
		match: matches[rng.IntN(len(matches))],
		blank: []string{roster.BlankKeep, roster.BlankClear}[rng.IntN(2)],
		lists: []string{roster.ListsUnion, roster.ListsReplace}[rng.IntN(2)],
	}
}

func (w wideCompanyOptions) apply(o *importer.Options) {
	o.Kind, o.Match, o.Blank, o.Lists, o.Region = roster.KindCompanies, w.match, w.blank, w.lists, "CZ"
}

func (w wideCompanyOptions) String() string {
	return fmt.Sprintf("companies: match %v, blank %s, lists %s", w.match, w.blank, w.lists)
}

// SQLite and PostgreSQL, given the same files with the same options, give
// the same counts, the same failed rows and the same directory: the two
// adapters differ in how they find, write and merge records, never in
// what comes of it. On the way, each checks its dry runs and undos over
// every column a contact or a company has and a contact's custom fields.
func TestDatabasesAgreeAtRandom(t *testing.T) {
	t.Parallel()
	envs := [2]*env{wideEnv(t, storetest.OpenSQLite(t), "acme"), wideEnv(t, storetest.OpenPostgres(t), "acme")}
	seed := testSeed(17)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range 30 {
		var o fmt.Stringer
		var file string
		var mods []func(*importer.Options)
		if rng.IntN(4) == 0 {
			c := wideCompanyOptionsOf(rng)
			o, file, mods = c, wideCompanyRows(rng, 3+rng.IntN(15)), []func(*importer.Options){c.apply}
		} else {
			w := wideOptionsOf(rng)
			o, file, mods = w, wideRows(rng, 5+rng.IntN(40), 10), []func(*importer.Options){region("CZ"), w.apply}
		}
		mods = append(mods, batchOf(1+rng.IntN(8)))
		var res [2]*importer.Result
		for k, e := range envs {
			// Each database's dry run must match its real run, and every
			// third import is undone, checked, and made again.
			before := e.dump()
			_, res[k] = checkDryRun(e, file, mods...)
			if i%3 == 0 {
				e.undoes(res[k].Import.ID, before, fmt.Sprintf("seed %d round %d (%s):\n%s", seed, i, o, file))
				res[k] = e.run(file, mods...)
			}
		}
		agree(t, fmt.Sprintf("seed %d round %d (%s):\n%s", seed, i, o, file),
			run{envs[0], "SQLite", res[0]}, run{envs[1], "PostgreSQL", res[1]})
	}
}
