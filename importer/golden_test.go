package importer_test

// Golden-file tests of the pipeline: every testdata/import/*.csv is
// imported into a fresh SQLite store and what came of it — the counts,
// warnings, errors, the journaled failed rows and every contact and
// company as stored — is rendered as text and compared with the .golden
// file beside it. UPDATE_GOLDEN=1 rewrites the golden files; review the
// diff before committing it.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"roster"
	"roster/importer"
	"roster/storetest"
)

const goldenDir = "../testdata/import"

// goldenOptions are the options of each fixture's import; a fixture not
// listed imports with the CLI's defaults.
var goldenOptions = map[string]roster.ImportOptions{
	"contacts-mixed.csv":  {Region: "CZ"},
	"contacts-custom.csv": {Region: "DE", DateFormat: "DD.MM.YYYY"},
	"companies.csv":       {Kind: roster.KindCompanies, Region: "US"},
}

// goldenFields are the custom fields every fixture's tenant has.
var goldenFields = []*roster.FieldDef{
	{Kind: roster.KindContacts, Key: "plan", Label: "Plan", Type: roster.FieldDropdown, Choices: []string{"Free", "Pro", "Enterprise"}},
	{Kind: roster.KindContacts, Key: "vip", Label: "VIP", Type: roster.FieldCheckbox},
	{Kind: roster.KindContacts, Key: "since", Label: "Customer since", Type: roster.FieldDate},
	{Kind: roster.KindContacts, Key: "seats", Label: "Seats", Type: roster.FieldNumber},
	{Kind: roster.KindContacts, Key: "account_manager", Label: "Account manager", Type: roster.FieldEmail},
	{Kind: roster.KindCompanies, Key: "tier", Label: "Tier", Type: roster.FieldDropdown, Choices: []string{"Gold", "Silver"}},
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("%d fixtures in %s", len(files), goldenDir)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The outcome must not depend on how rows are batched or how
			// many workers parse them.
			got := renderGoldenImport(t, path, 2, 1)
			if again := renderGoldenImport(t, path, 1000, 4); again != got {
				t.Errorf("batch size 2 and 1000 give different results:\n--- batch 2\n%s\n--- batch 1000\n%s", got, again)
			}
			golden := strings.TrimSuffix(path, ".csv") + ".golden"
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (UPDATE_GOLDEN=1 rewrites it):\n%s", name, filepath.Base(golden), lineDiff(string(want), got))
			}
		})
	}
}

// renderGoldenImport imports path into a fresh SQLite tenant and renders
// the outcome deterministically: no ids, no times.
func renderGoldenImport(t *testing.T, path string, batchSize, workers int) string {
	t.Helper()
	ctx := context.Background()
	s := storetest.OpenSQLite(t)
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range goldenFields {
		f := *f
		if err := s.CreateField(ctx, tn.ID, &f); err != nil {
			t.Fatal(err)
		}
	}
	o := goldenOptions[filepath.Base(path)]
	o.CreateCompanies = true
	im := &importer.Importer{Store: s}
	res, err := im.Run(ctx, tn, path, importer.Options{ImportOptions: o, BatchSize: batchSize, Workers: workers})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	e := &env{t: t, ctx: ctx, s: s, tenant: tn}

	var b strings.Builder
	imp := res.Import
	fmt.Fprintf(&b, "file: %s (%s", imp.FileName, res.Info.Format)
	if res.Info.Format == "csv" {
		fmt.Fprintf(&b, ", %s, delimiter %q", res.Info.Encoding, res.Info.Delimiter)
	}
	fmt.Fprintf(&b, ")\nkind: %s, status: %s\n", imp.Kind, imp.Status)
	b.WriteString("columns:\n")
	for i, h := range res.Header {
		key := res.Columns[i]
		if key == "" {
			key = "-"
		}
		fmt.Fprintf(&b, "  %q -> %s\n", h, key)
	}
	c := imp.Counts
	fmt.Fprintf(&b, "counts: rows %d, created %d, updated %d, unchanged %d, failed %d, companies created %d, merged %d\n",
		c.Rows, c.Created, c.Updated, c.Unchanged, c.Failed, c.CompaniesCreated, c.Merged)
	b.WriteString("warnings:\n")
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "  %s\n", w)
	}
	b.WriteString("errors:\n")
	for _, er := range res.Errors {
		fmt.Fprintf(&b, "  %s\n", renderRowError(er))
	}
	b.WriteString("failed rows (journal):\n")
	var failed []roster.FailedRow
	if err := s.FailedRows(ctx, tn.ID, imp.ID, func(fr roster.FailedRow) error {
		failed = append(failed, fr)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, fr := range failed {
		fmt.Fprintf(&b, "  row %d: %q\n    error: %s\n", fr.Row, fr.Cells, roster.FailedRowMessage(fr))
	}
	// The report and the journal tell the same story.
	var journaled []roster.RowError
	for _, fr := range failed {
		journaled = append(journaled, fr.Errors...)
	}
	if len(failed) != c.Failed || !slices.Equal(journaled, res.Errors) {
		t.Errorf("journal holds %d failed rows with errors %+v; the result says %d failed with %+v", len(failed), journaled, c.Failed, res.Errors)
	}

	contacts := e.contacts()
	sort.Slice(contacts, func(i, j int) bool {
		return contacts[i].Email+"\x00"+contacts[i].Name < contacts[j].Email+"\x00"+contacts[j].Name
	})
	fmt.Fprintf(&b, "contacts (%d):\n", len(contacts))
	for _, ct := range contacts {
		b.WriteString(renderContact(ct))
	}
	companies := e.allCompanies()
	sort.Slice(companies, func(i, j int) bool { return companies[i].Name < companies[j].Name })
	fmt.Fprintf(&b, "companies (%d):\n", len(companies))
	for _, co := range companies {
		b.WriteString(renderCompany(co))
	}
	return b.String()
}

func renderRowError(er roster.RowError) string {
	place := fmt.Sprintf("row %d", er.Row)
	if er.Column != "" {
		place += fmt.Sprintf(" %q", er.Column)
	}
	if er.Cell != "" {
		place += " " + er.Cell
	}
	return fmt.Sprintf("%s: %s: %s", place, er.Code, er.Message)
}

// fields renders name=value pairs, skipping empty values.
func fields(pairs ...any) string {
	var b strings.Builder
	for i := 0; i < len(pairs); i += 2 {
		v := pairs[i+1]
		switch x := v.(type) {
		case string:
			if x == "" {
				continue
			}
			v = fmt.Sprintf("%q", x)
		case []string:
			if len(x) == 0 {
				continue
			}
			v = fmt.Sprintf("%q", x)
		}
		fmt.Fprintf(&b, "    %s: %v\n", pairs[i], v)
	}
	return b.String()
}

func renderCustom(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%#v", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func renderContact(c *roster.Contact) string {
	var ms []string
	for _, m := range c.Companies {
		s := m.CompanyName
		if m.ViewAllTickets {
			s += " (view all tickets)"
		}
		ms = append(ms, s)
	}
	return fmt.Sprintf("  - %q\n", c.Name) + fields(
		"first_name", c.FirstName, "last_name", c.LastName, "email", c.Email, "other_emails", c.OtherEmails,
		"phone", c.Phone, "mobile", c.Mobile, "job_title", c.JobTitle, "external_id", c.ExternalID,
		"username", c.Username, "role", c.Role, "language", c.Language, "time_zone", c.TimeZone,
		"address", c.Address, "description", c.Description, "tags", c.Tags, "companies", ms,
		"custom", renderCustom(c.Custom))
}

func renderCompany(c *roster.Company) string {
	return fmt.Sprintf("  - %q\n", c.Name) + fields(
		"external_id", c.ExternalID, "domains", c.Domains, "website", c.Website, "phone", c.Phone,
		"industry", c.Industry, "address", c.Address, "description", c.Description, "tags", c.Tags,
		"custom", renderCustom(c.Custom))
}

// lineDiff shows the lines of want and got that differ, in order.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
