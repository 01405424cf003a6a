package exporter_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"roster"
	"roster/exporter"
	"roster/importer"
	"roster/storetest"
)

// each runs fn against a fresh SQLite store and a fresh PostgreSQL schema.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, b := range []struct {
		name string
		open func(testing.TB) roster.Store
	}{
		{"sqlite", func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) }},
		{"postgres", func(t testing.TB) roster.Store { return storetest.OpenPostgres(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s := b.open(t)
			tn, err := s.CreateTenant(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			fn(t, &env{t: t, ctx: context.Background(), s: s, tenant: tn})
		})
	}
}

type env struct {
	t      *testing.T
	ctx    context.Context
	s      roster.Store
	tenant *roster.Tenant
}

func (e *env) field(kind roster.Kind, key string, typ roster.FieldType, choices ...string) {
	e.t.Helper()
	if err := e.s.CreateField(e.ctx, e.tenant.ID, &roster.FieldDef{Kind: kind, Key: key, Type: typ, Choices: choices}); err != nil {
		e.t.Fatalf("field %s: %v", key, err)
	}
}

func (e *env) company(c *roster.Company) *roster.Company {
	e.t.Helper()
	if err := e.s.CreateCompany(e.ctx, e.tenant.ID, c); err != nil {
		e.t.Fatalf("company %s: %v", c.Name, err)
	}
	return c
}

func (e *env) contact(c *roster.Contact) *roster.Contact {
	e.t.Helper()
	if err := e.s.CreateContact(e.ctx, e.tenant.ID, c); err != nil {
		e.t.Fatalf("contact %s: %v", c.Name, err)
	}
	return c
}

// export runs Write and fails the test on an error.
func (e *env) export(o exporter.Options) ([]byte, int) {
	e.t.Helper()
	var b bytes.Buffer
	n, err := exporter.Write(e.ctx, e.s, e.tenant.ID, &b, o)
	if err != nil {
		e.t.Fatalf("export %+v: %v", o, err)
	}
	return b.Bytes(), n
}

// reimport imports b, an export of kind in format, with the importer's
// defaults, and fails t on a fatal error.
func (e *env) reimport(t *testing.T, kind roster.Kind, format string, b []byte) *importer.Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), string(kind)+"."+format)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	im := importer.Importer{Store: e.s}
	res, err := im.Run(e.ctx, e.tenant, path, importer.Options{
		ImportOptions: importer.Defaults(roster.ImportOptions{Kind: kind, CreateCompanies: true})})
	if err != nil {
		t.Fatalf("%s %s: import: %v", kind, format, err)
	}
	return res
}

// readCSV checks the byte order mark and parses the rest.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte("\ufeff"))
	if !ok {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v\n%s", err, rest)
	}
	return rows
}

// readXLSX checks the file has exactly one sheet, named sheet, and
// returns its rows padded to the header's width (excelize drops
// trailing empty cells).
func readXLSX(t *testing.T, b []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{sheet}) {
		t.Fatalf("sheets = %q, want [%q]", got, sheet)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		for len(rows) > 0 && len(rows[i]) < len(rows[0]) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

// neutralized is what a CSV cell holding v must read: an apostrophe before
// anything a spreadsheet would run as a formula, or that starts like a
// neutralized cell already (apostrophes, then a formula character).
func neutralized(v string) string {
	if v == "" {
		return v
	}
	if t := strings.TrimLeft(v, "'"); t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return "'" + v
	}
	return v
}

// compare fails for every cell of got that differs from want.
func compare(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d:\n%q", what, len(got), len(want), got)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s: row %d has %d cells, want %d:\n got  %q\n want %q", what, i+1, len(got[i]), len(want[i]), got[i], want[i])
			continue
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("%s: row %d, column %s = %q, want %q", what, i+1, want[0][j], got[i][j], want[i][j])
			}
		}
	}
}

// mapCells applies fn to every cell but the header's.
func mapCells(rows [][]string, fn func(string) string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, c := range r {
			if i > 0 {
				c = fn(c)
			}
			out[i][j] = c
		}
	}
	return out
}

// seed creates custom fields of every type, three companies and three
// contacts, and returns the contacts' and companies' expected tables (the
// logical values, before any CSV neutralization).
func seed(e *env) (contacts, companies [][]string) {
	e.t.Helper()
	C, O := roster.KindContacts, roster.KindCompanies
	e.field(C, "note", roster.FieldText)
	e.field(C, "bio", roster.FieldParagraph)
	e.field(C, "score", roster.FieldNumber)
	e.field(C, "ratio", roster.FieldDecimal)
	e.field(C, "born", roster.FieldDate)
	e.field(C, "tier", roster.FieldDropdown, "Gold", "Silver")
	e.field(C, "vip", roster.FieldCheckbox)
	e.field(C, "labels", roster.FieldTags)
	e.field(C, "site", roster.FieldURL)
	e.field(C, "alt_email", roster.FieldEmail)
	e.field(C, "fax", roster.FieldPhone)
	e.field(O, "size", roster.FieldNumber)
	e.field(O, "rating", roster.FieldDecimal)
	e.field(O, "founded", roster.FieldDate)
	e.field(O, "active", roster.FieldCheckbox)
	e.field(O, "segments", roster.FieldTags)
	e.field(O, "plan", roster.FieldDropdown, "Free", "Pro")
	e.field(O, "memo", roster.FieldText)

	acme := e.company(&roster.Company{Name: "Acme", ExternalID: "ACME-1", Domains: []string{"acme.example", "acme.test"},
		Website: "https://acme.example/about?x=1", Phone: "+420601123456", Description: "Makes\nanvils, \"quality\"",
		Industry: "Manufacturing", Address: "1 Road, Prague", Tags: []string{"Key", "=cmd"},
		Custom: map[string]any{"size": int64(250), "rating": 4.75, "founded": "1949-03-01", "active": true,
			"segments": []string{"B2B", "EU"}, "plan": "Pro", "memo": "@SUM(1)"}})
	beta := e.company(&roster.Company{Name: "Beta Ltd", Custom: map[string]any{"active": false, "size": int64(-3), "rating": float64(2)}})
	gamma := e.company(&roster.Company{Name: "=HYPERLINK(\"x\")", ExternalID: "-G7", Tags: []string{"key"}})

	e.contact(&roster.Contact{Name: "=HYPERLINK(\"x\")", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		OtherEmails: []string{"ada2@example.com", "ada3@example.org"}, Phone: "+420601123456", Mobile: "+4915112345678",
		JobTitle: "@SUM(1)", Tags: []string{"VIP", "beta"}, ExternalID: "A-1", Username: "ada", Role: roster.RoleAgent,
		Language: "en", TimeZone: "Europe/Prague", Address: "1 Main St, Prague", Description: "multi\nline, \"quoted\"",
		Companies: []roster.Membership{{CompanyID: acme.ID, ViewAllTickets: true}, {CompanyID: beta.ID}},
		Custom: map[string]any{"note": "=1+2", "bio": "+plus\ntext", "score": int64(-42), "ratio": -3.25,
			"born": "1990-12-10", "tier": "Gold", "vip": true, "labels": []string{"x", "y z"},
			"site": "https://ada.example/p?q=1", "alt_email": "ada@alt.example", "fax": "+12025550123"}})
	e.contact(&roster.Contact{Name: "Bob", Email: "bob@example.com", Tags: []string{"other"},
		Companies: []roster.Membership{{CompanyID: gamma.ID}, {CompanyID: acme.ID}},
		Custom:    map[string]any{"vip": false, "score": int64(7), "ratio": float64(2), "tier": "Silver"}})
	e.contact(&roster.Contact{Name: "Cy Young", Email: "cy@example.com", Custom: map[string]any{"ratio": 0.1}})

	contacts = [][]string{
		append(append([]string{}, roster.ContactKeys...), "note", "bio", "score", "ratio", "born", "tier", "vip", "labels", "site", "alt_email", "fax"),
		{"=HYPERLINK(\"x\")", "Ada", "Lovelace", "ada@example.com", "ada2@example.com,ada3@example.org", "+420601123456", "+4915112345678",
			"Acme||Beta Ltd", "ACME-1||", "yes||no", "@SUM(1)", "VIP,beta",
			"A-1", "ada", "agent", "en", "Europe/Prague", "1 Main St, Prague", "multi\nline, \"quoted\"",
			"=1+2", "+plus\ntext", "-42", "-3.25", "1990-12-10", "Gold", "yes", "x,y z", "https://ada.example/p?q=1", "ada@alt.example", "+12025550123"},
		{"Bob", "", "", "bob@example.com", "", "", "",
			"=HYPERLINK(\"x\")||Acme", "-G7||ACME-1", "no||no", "", "other",
			"", "", "customer", "", "", "", "",
			"", "", "7", "2", "", "Silver", "no", "", "", "", ""},
		{"Cy Young", "", "", "cy@example.com", "", "", "",
			"", "", "", "", "",
			"", "", "customer", "", "", "", "",
			"", "", "", "0.1", "", "", "", "", "", "", ""},
	}
	companies = [][]string{
		append(append([]string{}, roster.CompanyKeys...), "size", "rating", "founded", "active", "segments", "plan", "memo"),
		{"Acme", "ACME-1", "acme.example,acme.test", "https://acme.example/about?x=1", "+420601123456", "Makes\nanvils, \"quality\"",
			"Manufacturing", "1 Road, Prague", "Key,=cmd", "250", "4.75", "1949-03-01", "yes", "B2B,EU", "Pro", "@SUM(1)"},
		{"Beta Ltd", "", "", "", "", "", "", "", "", "-3", "2", "", "no", "", "", ""},
		{"=HYPERLINK(\"x\")", "-G7", "", "", "", "", "", "", "key", "", "", "", "", "", "", ""},
	}
	return contacts, companies
}

func TestExportCSV(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		contacts, companies := seed(e)
		b, n := e.export(exporter.Options{Kind: roster.KindContacts})
		if n != 3 {
			t.Errorf("rows = %d, want 3", n)
		}
		got := readCSV(t, b)
		compare(t, "contacts.csv", got, mapCells(contacts, neutralized))
		// Spelled out: the formula-injection cases.
		for _, c := range []struct {
			row, col int
			want     string
		}{
			{1, 0, `'=HYPERLINK("x")`}, {1, 10, "'@SUM(1)"}, {1, 5, "'+420601123456"}, {1, 6, "'+4915112345678"},
			{1, 19, "'=1+2"}, {1, 21, "'-42"}, {1, 22, "'-3.25"}, {1, 29, "'+12025550123"},
			{2, 7, `'=HYPERLINK("x")||Acme`}, {2, 8, "'-G7||ACME-1"},
		} {
			if got[c.row][c.col] != c.want {
				t.Errorf("row %d, %s = %q, want %q", c.row+1, got[0][c.col], got[c.row][c.col], c.want)
			}
		}

		b, n = e.export(exporter.Options{Kind: roster.KindCompanies, Format: "csv"})
		if n != 3 {
			t.Errorf("rows = %d, want 3", n)
		}
		got = readCSV(t, b)
		compare(t, "companies.csv", got, mapCells(companies, neutralized))
		if got[1][4] != "'+420601123456" || got[3][0] != `'=HYPERLINK("x")` || got[1][15] != "'@SUM(1)" {
			t.Errorf("companies not neutralized: %q", got)
		}
	})
}

func TestExportXLSX(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		contacts, companies := seed(e)
		b, n := e.export(exporter.Options{Kind: roster.KindContacts, Format: "xlsx"})
		if n != 3 {
			t.Errorf("rows = %d, want 3", n)
		}
		// Text cells are not formulas in XLSX: values as they are.
		compare(t, "contacts.xlsx", readXLSX(t, b, "contacts"), contacts)

		b, n = e.export(exporter.Options{Kind: roster.KindCompanies, Format: "xlsx"})
		if n != 3 {
			t.Errorf("rows = %d, want 3", n)
		}
		compare(t, "companies.xlsx", readXLSX(t, b, "companies"), companies)

		// No cell is a formula or a number.
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, cell := range []string{"A4", "E2", "J2", "K2"} {
			if formula, _ := f.GetCellFormula("companies", cell); formula != "" {
				t.Errorf("%s is a formula: %q", cell, formula)
			}
			if typ, _ := f.GetCellType("companies", cell); typ != excelize.CellTypeInlineString {
				t.Errorf("%s has type %v, want an inline string", cell, typ)
			}
		}
	})
}

func TestExportFieldsAndTag(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		seed(e)
		for _, format := range []string{"csv", "xlsx"} {
			read := func(b []byte, sheet string) [][]string {
				if format == "csv" {
					return readCSV(t, b)
				}
				return readXLSX(t, b, sheet)
			}
			b, n := e.export(exporter.Options{Kind: roster.KindContacts, Format: format, Fields: []string{"email", "vip", " name", "company"}})
			want := [][]string{
				{"email", "vip", "name", "company"},
				{"ada@example.com", "yes", `=HYPERLINK("x")`, "Acme||Beta Ltd"},
				{"bob@example.com", "no", "Bob", `=HYPERLINK("x")||Acme`},
				{"cy@example.com", "", "Cy Young", ""},
			}
			if format == "csv" {
				want = mapCells(want, neutralized)
			}
			if n != 3 {
				t.Errorf("%s: rows = %d, want 3", format, n)
			}
			compare(t, format+" --fields", read(b, "contacts"), want)

			b, n = e.export(exporter.Options{Kind: roster.KindContacts, Format: format, Fields: []string{"email"}, Tag: "vip"})
			if n != 1 {
				t.Errorf("%s: rows = %d, want 1", format, n)
			}
			compare(t, format+" --tag vip", read(b, "contacts"), [][]string{{"email"}, {"ada@example.com"}})

			b, n = e.export(exporter.Options{Kind: roster.KindContacts, Format: format, Tag: "nobody"})
			if n != 0 {
				t.Errorf("%s: rows = %d, want 0", format, n)
			}
			if rows := read(b, "contacts"); len(rows) != 1 || rows[0][0] != "name" {
				t.Errorf("%s: an empty export is the header alone, got %q", format, rows)
			}

			b, n = e.export(exporter.Options{Kind: roster.KindCompanies, Format: format, Fields: []string{"external_id", "name"}, Tag: "KEY"})
			want = [][]string{{"external_id", "name"}, {"ACME-1", "Acme"}, {"-G7", `=HYPERLINK("x")`}}
			if format == "csv" {
				want = mapCells(want, neutralized)
			}
			if n != 2 {
				t.Errorf("%s: rows = %d, want 2", format, n)
			}
			compare(t, format+" companies --tag KEY", read(b, "companies"), want)
		}
	})
}

func TestExportErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		seed(e)
		for _, c := range []struct {
			o    exporter.Options
			name string
		}{
			{exporter.Options{Kind: roster.KindContacts, Fields: []string{"name", "nope"}}, `"nope"`},
			{exporter.Options{Kind: roster.KindContacts, Fields: []string{"domains"}}, `"domains"`}, // a company field
			{exporter.Options{Kind: roster.KindCompanies, Fields: []string{"score"}}, `"score"`},    // a contact custom field
			{exporter.Options{Kind: roster.KindContacts, Fields: []string{"name", "name"}}, `"name"`},
			{exporter.Options{Kind: roster.KindContacts, Format: "ods"}, `"ods"`},
			{exporter.Options{Kind: "people"}, `"people"`},
		} {
			var b bytes.Buffer
			n, err := exporter.Write(e.ctx, e.s, e.tenant.ID, &b, c.o)
			var re *roster.Error
			if !errors.As(err, &re) || re.Code != roster.EINVALID || !strings.Contains(re.Message, c.name) {
				t.Errorf("%+v: err = %#v, want EINVALID naming %s", c.o, err, c.name)
			}
			if n != 0 || b.Len() != 0 {
				t.Errorf("%+v: wrote %d rows, %d bytes before failing", c.o, n, b.Len())
			}
		}
	})
}

// TestExportPagination exports more than one page of the store.
func TestExportPagination(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		co := e.company(&roster.Company{Name: "Big", ExternalID: "BIG"})
		const n = roster.MaxLimit + 100
		for i := range n {
			c := &roster.Contact{Name: fmt.Sprintf("Person %04d", i), Email: fmt.Sprintf("p%04d@example.com", i)}
			if i%2 == 0 {
				c.Tags = []string{"even"}
				c.Companies = []roster.Membership{{CompanyID: co.ID, ViewAllTickets: i%4 == 0}}
			}
			e.contact(c)
		}
		for _, format := range []string{"csv", "xlsx"} {
			b, rows := e.export(exporter.Options{Kind: roster.KindContacts, Format: format, Fields: []string{"email", "company_external_id", "view_all_tickets"}})
			if rows != n {
				t.Errorf("%s: rows = %d, want %d", format, rows, n)
			}
			var got [][]string
			if format == "csv" {
				got = readCSV(t, b)
			} else {
				got = readXLSX(t, b, "contacts")
			}
			want := [][]string{{"email", "company_external_id", "view_all_tickets"}}
			for i := range n {
				row := []string{fmt.Sprintf("p%04d@example.com", i), "", ""}
				if i%2 == 0 {
					row[1], row[2] = "BIG", "no"
					if i%4 == 0 {
						row[2] = "yes"
					}
				}
				want = append(want, row)
			}
			compare(t, format, got, want)

			_, rows = e.export(exporter.Options{Kind: roster.KindContacts, Format: format, Tag: "even"})
			if rows != n/2 {
				t.Errorf("%s --tag even: rows = %d, want %d", format, rows, n/2)
			}
		}
	})
}

// TestExportRoundTrip is the point of the layout: exporting and importing
// the file again with the importer's defaults changes nothing.
func TestExportRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		contacts, _ := seed(e)
		for _, kind := range []roster.Kind{roster.KindContacts, roster.KindCompanies} {
			for _, format := range []string{"csv", "xlsx"} {
				t.Run(string(kind)+"."+format, func(t *testing.T) {
					b, n := e.export(exporter.Options{Kind: kind, Format: format})
					res := e.reimport(t, kind, format, b)
					c := res.Import.Counts
					if c.Rows != n || c.Unchanged != n || c.Created != 0 || c.Updated != 0 || c.Failed != 0 || c.CompaniesCreated != 0 || c.Merged != 0 {
						t.Errorf("import of the export: %+v, want all %d rows unchanged\nerrors: %+v\nwarnings: %q", c, n, res.Errors, res.Warnings)
					}
					if len(res.Warnings) > 0 {
						t.Errorf("warnings: %q", res.Warnings)
					}
				})
			}
		}
		// And the export after the imports is the same file.
		after, _ := e.export(exporter.Options{Kind: roster.KindContacts})
		compare(t, "contacts after the round trips", readCSV(t, after), mapCells(contacts, neutralized))
	})
}

// TestExportRoundTripApostrophe: a value that itself starts like a
// neutralized cell ('=…) is exported with one more apostrophe, in CSV and
// XLSX alike, and imports back unchanged: the importer strips one
// apostrophe from a run of them before a formula character.
func TestExportRoundTripApostrophe(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "note", roster.FieldText)
		e.contact(&roster.Contact{Name: "'=quoted", Email: "q@example.com", Custom: map[string]any{"note": "''+x"}})
		for _, format := range []string{"csv", "xlsx"} {
			b, _ := e.export(exporter.Options{Kind: roster.KindContacts, Format: format, Fields: []string{"name", "email", "note"}})
			var got [][]string
			if format == "csv" {
				got = readCSV(t, b)
			} else {
				got = readXLSX(t, b, "contacts")
			}
			compare(t, format, got, [][]string{{"name", "email", "note"}, {"''=quoted", "q@example.com", "'''+x"}})
			res := e.reimport(t, roster.KindContacts, format, b)
			if c := res.Import.Counts; c.Unchanged != 1 {
				l, _, _ := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Email: "q@example.com"})
				t.Fatalf("%s: import of the export: %+v, want the row unchanged; stored now: name %q, note %q", format, c, l[0].Name, l[0].Custom["note"])
			}
		}
	})
}
