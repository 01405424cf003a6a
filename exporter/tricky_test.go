package exporter_test

import (
	"fmt"
	"strings"
	"testing"

	"roster"
	"roster/exporter"
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
			id := strings.ReplaceAll(v, "||", "|") // || separates a contact's companies: refused in these
			e.company(&roster.Company{Name: fmt.Sprintf("C%d %s", i, id), ExternalID: fmt.Sprintf("%s %d", id, i),
				Description: v, Industry: v, Address: v, Custom: map[string]any{"memo": v}})
		}
		for _, run := range []struct {
			kind   roster.Kind
			format string
		}{{roster.KindContacts, "csv"}, {roster.KindContacts, "xlsx"}, {roster.KindCompanies, "csv"}, {roster.KindCompanies, "xlsx"}} {
			kind, format := run.kind, run.format
			b, n := e.export(exporter.Options{Kind: kind, Format: format})
			res := e.reimport(t, kind, format, b)
			if c := res.Import.Counts; c.Unchanged != n || n != len(trickyTexts) {
				t.Fatalf("%s %s: import of the export: %+v, want all %d unchanged\nerrors %+v", kind, format, c, len(trickyTexts), res.Errors)
			}
		}
	})
}

// TestExportRoundTripTrickyValues: custom values of every type at their
// edges export and import back unchanged, in CSV and XLSX.
func TestExportRoundTripTrickyValues(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		C := roster.KindContacts
		e.field(C, "n", roster.FieldNumber)
		e.field(C, "d", roster.FieldDecimal)
		e.field(C, "day", roster.FieldDate)
		e.field(C, "pick", roster.FieldDropdown, "Ünï", "a,b", "=x", "+1")
		e.field(C, "ok", roster.FieldCheckbox)
		e.field(C, "labels", roster.FieldTags)
		e.field(C, "site", roster.FieldURL)
		e.field(C, "mail", roster.FieldEmail)
		e.field(C, "fax", roster.FieldPhone)
		values := []map[string]any{
			{"n": int64(9223372036854775807), "d": 0.30000000000000004, "day": "0001-01-01", "pick": "Ünï", "ok": true,
				"labels": []string{"日本", "x y", "=z"}, "site": "https://example.com/a?b=c&d=%20#f", "mail": "ünï@example.com", "fax": "+12025550123"},
			{"n": int64(-9223372036854775808), "d": 1e21, "day": "9999-12-31", "pick": "a,b", "ok": false,
				"labels": []string{"-minus", "@at"}, "site": "http://localhost:8080/", "mail": "a+b@example.co.uk", "fax": "+420601123456"},
			{"n": int64(0), "d": -1e-7, "day": "2024-02-29", "pick": "=x"},
			{"n": int64(1) << 53, "d": 123456789.123456789, "pick": "+1"},
			{"n": int64(-1), "d": 5e-324},
			{"d": 1.7976931348623157e308},
			{"d": -0.5},
		}
		for i, v := range values {
			e.contact(&roster.Contact{Name: fmt.Sprintf("V%d", i), Email: fmt.Sprintf("v%d@example.com", i), Custom: v})
		}
		for _, format := range []string{"csv", "xlsx"} {
			b, n := e.export(exporter.Options{Kind: C, Format: format})
			res := e.reimport(t, C, format, b)
			if c := res.Import.Counts; c.Unchanged != n || n != len(values) {
				l, _, _ := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{})
				for _, c := range l {
					t.Logf("%s: %#v", c.Email, c.Custom)
				}
				t.Fatalf("%s: import of the export: %+v, want all %d unchanged\nerrors %+v", format, c, len(values), res.Errors)
			}
		}
	})
}
