package exporter_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"roster"
	"roster/exporter"
	"roster/importer"
)

// trickyTexts are values people's directories hold that a file format or
// a spreadsheet program may treat specially.
var trickyTexts = []string{
	"plain", "a\tb", "new\nline", "'=x", "'", "''", "=1+1", "+1", "-", "@a", `"q"`, "x,y", "a||b",
	"ünï ŁŽ", "😀 emoji", "semi;colon", "_x000D_", "a_x0041_b", "&amp;", "<tag>", "0042", "1e5", "TRUE",
	"2020-01-01", "#N/A", "100%", "1,5", "ＡＢＣ", "a\u00a0b", "x'y", "\\n", " lead", "trail ", "\u00a0nb", "a\r\nb", "a\rb",
}

// TestExportRoundTripTrickyTexts: text fields holding any of those
// values, as the API stores them, export and import back unchanged, in
// CSV and XLSX, contacts and companies.
func TestExportRoundTripTrickyTexts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "note", roster.FieldText)
		e.field(roster.KindContacts, "bio", roster.FieldParagraph)
		e.field(roster.KindCompanies, "memo", roster.FieldText)
		for i, v := range trickyTexts {
			e.contact(&roster.Contact{Name: "N " + v, Email: fmt.Sprintf("t%02d@example.com", i), JobTitle: v,
				ExternalID: fmt.Sprintf("%s %d", v, i), Language: v, TimeZone: v, Address: v, Description: v,
				Custom: map[string]any{"note": v, "bio": v}})
			e.company(&roster.Company{Name: fmt.Sprintf("C%d %s", i, v), ExternalID: fmt.Sprintf("%s %d", v, i),
				Description: v, Industry: v, Address: v, Custom: map[string]any{"memo": v}})
		}
		dir := t.TempDir()
		for _, run := range []struct {
			kind   roster.Kind
			format string
		}{{roster.KindContacts, "csv"}, {roster.KindContacts, "xlsx"}, {roster.KindCompanies, "csv"}, {roster.KindCompanies, "xlsx"}} {
			kind, format := run.kind, run.format
			b, n := e.export(exporter.Options{Kind: kind, Format: format})
			path := filepath.Join(dir, string(kind)+"."+format)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			im := importer.Importer{Store: e.s}
			res, err := im.Run(e.ctx, e.tenant, path, importer.Options{ImportOptions: importer.Defaults(roster.ImportOptions{Kind: kind, CreateCompanies: true})})
			if err != nil {
				t.Fatalf("%s %s: import: %v", kind, format, err)
			}
			if c := res.Import.Counts; c.Unchanged != n || n != len(trickyTexts) {
				t.Fatalf("%s %s: import of the export: %+v, want all %d unchanged\nerrors %+v", kind, format, c, len(trickyTexts), res.Errors)
			}
		}
	})
}
