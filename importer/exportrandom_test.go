package importer_test

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/exporter"
	"roster/importer"
)

// wideFields makes the custom fields wideRows fills.
func (e *env) wideFields() {
	e.field(roster.KindContacts, "tier", roster.FieldDropdown, "Gold", "Silver")
	e.field(roster.KindContacts, "vip", roster.FieldCheckbox)
	e.field(roster.KindContacts, "since", roster.FieldDate)
	e.field(roster.KindContacts, "score", roster.FieldNumber)
	e.field(roster.KindContacts, "skills", roster.FieldTags)
}

// exportOf exports the tenant's records of kind as a file in format.
func (e *env) exportOf(kind roster.Kind, format string) string {
	e.t.Helper()
	var b bytes.Buffer
	if _, err := exporter.Write(e.ctx, e.s, e.tenant.ID, &b, exporter.Options{Kind: kind, Format: format}); err != nil {
		e.t.Fatalf("export %s %s: %v", kind, format, err)
	}
	p := filepath.Join(e.t.TempDir(), string(kind)+"."+format)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// withEmails is a contacts file without its rows that have no email: an
// export imports back matched by email, and a contact without one comes
// back as a new contact (two contacts may share a phone).
func withEmails(t *testing.T, file string) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(file)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	email := slices.Index(rows[0], "email")
	kept := slices.DeleteFunc(rows[1:], func(r []string) bool { return r[email] == "" })
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(append(rows[:1], kept...))
	return b.String()
}

// A directory made by random imports of contacts with emails, exported
// and imported again with the importer's defaults, comes back unchanged: into the same tenant
// every row is unchanged, and into an empty tenant (companies first) the
// directory is the same.
func TestExportRoundTripAtRandom(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.wideFields()
		seed := testSeed(23)
		rng := rand.New(rand.NewPCG(seed, 3))
		for range 6 {
			o := wideOptionsOf(rng)
			e.run(withEmails(t, wideRows(rng, 100, 100)), region("CZ"), batchOf(0), o.apply)
		}
		want := e.dump()
		for _, format := range []string{"csv", "xlsx"} {
			other := wideEnv(t, e.s, "round trip "+format)
			for _, kind := range []roster.Kind{roster.KindCompanies, roster.KindContacts} {
				path := e.exportOf(kind, format)
				defaults := func(o *importer.Options) {
					o.ImportOptions = importer.Defaults(roster.ImportOptions{Kind: kind, CreateCompanies: true})
				}
				res := e.importPath(path, defaults)
				if c := res.Import.Counts; c.Unchanged != c.Rows || len(res.Errors) > 0 || len(res.Warnings) > 0 {
					file, _ := os.ReadFile(path)
					t.Fatalf("seed %d: %s %s into the same tenant: %+v\nerrors %+v\nwarnings %q\n%s\nthe directory now:\n%s\nwas:\n%s",
						seed, kind, format, c, res.Errors, res.Warnings, file, strings.Join(e.dump(), "\n"), strings.Join(want, "\n"))
				}
				if res := other.importPath(path, defaults); len(res.Errors) > 0 || len(res.Warnings) > 0 {
					t.Fatalf("seed %d: %s %s into an empty tenant: errors %+v\nwarnings %q", seed, kind, format, res.Errors, res.Warnings)
				}
			}
			if got := other.dump(); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d: %s: the directory imported from the export:\n%s\nwas:\n%s", seed, format, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	})
}
