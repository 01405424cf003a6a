package importer_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"

	"roster"
)

// TestRealXLSXSpecialFormatsAndErrorCells imports a workbook whose ZIP+4
// and phone numbers are numbers under Excel's Special formats, and whose
// Company column is a VLOOKUP that failed in one row: the numbers arrive
// as Excel shows them, and the row with #N/A fails naming its cell
// instead of creating a company called "#N/A". "#N/A" typed as text
// stays text.
func TestRealXLSXSpecialFormatsAndErrorCells(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "zip", roster.FieldText)
		e.field(roster.KindContacts, "note", roster.FieldText)
		f := excelize.NewFile()
		defer f.Close()
		s := f.GetSheetName(0)
		rows := [][]any{
			{"Name", "Email", "Phone", "Zip", "Company", "Note"},
			{"Ann", "ann@example.com", 2065551234, 2134, "Acme", ""},
			{"Bob", "bob@example.com", 2125550199, 12345678, nil, ""},
			{"Cid", "cid@example.com", 2125550100, 902101234, "Acme", "#N/A"},
		}
		for r, row := range rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if v != nil {
					must(t, f.SetCellValue(s, ref, v))
				}
			}
		}
		phone, zip := `[<=9999999]###\-####;\(###\)\ ###\-####`, `00000\-0000`
		ps, err := f.NewStyle(&excelize.Style{CustomNumFmt: &phone})
		must(t, err)
		zs, err := f.NewStyle(&excelize.Style{CustomNumFmt: &zip})
		must(t, err)
		must(t, f.SetCellStyle(s, "C2", "C4", ps))
		must(t, f.SetCellStyle(s, "D2", "D4", zs))
		must(t, f.SetCellFormula(s, "E3", "VLOOKUP(B3,Orgs!A:B,2,FALSE)"))
		path := filepath.Join(t.TempDir(), "contacts.xlsx")
		must(t, f.SaveAs(path))
		cacheError(t, path, "E3", "#N/A")

		res := e.importPath(path, region("US"))
		e.counts(res, 2, 0, 0, 1)
		if len(res.Errors) != 1 {
			t.Fatalf("errors %+v", res.Errors)
		}
		want := roster.RowError{Row: 3, Column: "Company", Cell: "E3", Code: "cell_error", Message: "cell E3 holds Excel's error #N/A, not a value"}
		if res.Errors[0] != want {
			t.Errorf("error %+v, want %+v", res.Errors[0], want)
		}
		if c := e.byEmail("ann@example.com"); c.Phone != "+12065551234" || c.Custom["zip"] != "00000-2134" {
			t.Errorf("Ann stored as phone %q custom %#v", c.Phone, c.Custom)
		}
		if c := e.byEmail("cid@example.com"); c.Custom["zip"] != "90210-1234" || c.Custom["note"] != "#N/A" {
			t.Errorf("Cid stored as custom %#v", c.Custom)
		}
		if got := companyNames(e.allCompanies()); !reflect.DeepEqual(got, []string{"Acme"}) {
			t.Errorf("companies %q, want only Acme", got)
		}
		failed := e.failedRows(res)
		if fr := failed[3]; !reflect.DeepEqual(fr.Cells, []string{"Bob", "bob@example.com", "(212) 555-0199", "01234-5678", "#N/A", ""}) {
			t.Errorf("failed row 3 journaled as %q", fr.Cells)
		}
	})
}

// cacheError gives the formula cell ref of the first sheet of the
// workbook at path the cached error value Excel saves for it (excelize
// writes formulas without results).
func cacheError(t *testing.T, path, ref, value string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	must(t, err)
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			re := regexp.MustCompile(`(<c r="` + ref + `"[^>]*?) t="str"(><f>[^<]*</f>)</c>`)
			if !re.Match(body) {
				t.Fatalf("no formula cell %s", ref)
			}
			body = re.ReplaceAll(body, []byte(`$1 t="e"$2<v>`+value+`</v></c>`))
		}
		w, err := zw.Create(zf.Name)
		must(t, err)
		_, err = w.Write(body)
		must(t, err)
	}
	must(t, zw.Close())
	must(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
