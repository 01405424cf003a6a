package tabular

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"
)

// cacheErrors gives formula cells of the first sheet of the workbook at
// path the cached error values Excel saves for them (excelize writes
// formulas without results): ref → error, such as "C3" → "#N/A".
func cacheErrors(t testing.TB, path string, errs map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		if f.Name == "xl/worksheets/sheet1.xml" {
			for ref, e := range errs {
				re := regexp.MustCompile(`(<c r="` + ref + `"[^>]*?) t="str"(><f>[^<]*</f>)</c>`)
				if !re.Match(body) {
					t.Fatalf("no formula cell %s", ref)
				}
				body = re.ReplaceAll(body, []byte(`$1 t="e"$2<v>`+e+`</v></c>`))
			}
		}
		w, err := zw.Create(f.Name)
		must(t, err)
		_, err = w.Write(body)
		must(t, err)
	}
	zr.Close()
	must(t, zw.Close())
	must(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

// TestXLSXDigitFormatsAndErrors reads a workbook with Excel's Special
// formats (ZIP, ZIP+4, SSN, phone number) and a phone layout as a person
// sees them, a thousands format as the raw number, and error cells
// (a failed VLOOKUP, a division by zero) as row errors naming the cell;
// "#N/A" typed as text stays text. A fraction or a negative number under
// a digit layout shows as before (Excel saves its Special formats with
// escaped separators, which were read as zero-padding).
func TestXLSXDigitFormatsAndErrors(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	s := "Sheet1"
	style := func(code string) int {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		must(t, err)
		return id
	}
	zip5, zip4, ssn := style("00000"), style(`00000\-0000`), style(`000\-00\-0000`)
	phone, cz := style(`[<=9999999]###\-####;\(###\)\ ###\-####`), style("0000 000 000")
	thousands := style("#,##0")
	rows := [][]any{
		{"Name", "Zip", "Zip4", "SSN", "Phone", "Mobile", "Company", "Seats"},
		{"Ann", 501, 12345678, 1234567, 2065551234, 601234567, "Acme", 1234567},
		{"Bob", 2134, 21340001, 78051120, 5551234, 777123456, nil, 3},
		{"Cid", 90210, 902101234, 123456789, 12065551234, 0, "#N/A", nil},
		{"Dee", 501.6, 12345678.5, -1234567, 0, 1, "Dee Ltd", 2},
	}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if v != nil {
				must(t, f.SetCellValue(s, ref, v))
			}
		}
	}
	for col, st := range map[string]int{"B": zip5, "C": zip4, "D": ssn, "E": phone, "F": cz, "H": thousands} {
		must(t, f.SetCellStyle(s, col+"2", col+"5", st))
	}
	must(t, f.SetCellFormula(s, "G3", "VLOOKUP(A3,Orgs!A:B,2,FALSE)"))
	must(t, f.SetCellFormula(s, "H4", "1/0"))
	path := filepath.Join(t.TempDir(), "formats.xlsx")
	must(t, f.SaveAs(path))
	cacheErrors(t, path, map[string]string{"G3": "#N/A", "H4": "#DIV/0!"})

	r, err := Open(path, Options{})
	got := render(r, err)
	want := `info: format=xlsx encoding= delimiter="" sheet="Sheet1"
header: ["Name" "Zip" "Zip4" "SSN" "Phone" "Mobile" "Company" "Seats"]
row 2: ["Ann" "00501" "01234-5678" "001-23-4567" "(206) 555-1234" "0601 234 567" "Acme" "1234567"]
row 3: ["Bob" "02134" "02134-0001" "078-05-1120" "555-1234" "0777 123 456" "#N/A" "3"]
  error: column=6 ref="G3" code=cell_error: cell G3 holds Excel's error #N/A, not a value
row 4: ["Cid" "90210" "90210-1234" "123-45-6789" "(1206) 555-1234" "0000 000 000" "#N/A" "#DIV/0!"]
  error: column=7 ref="H4" code=cell_error: cell H4 holds Excel's error #DIV/0!, not a value
row 5: ["Dee" "00502" "012345679" "-001234567" "-" "0000 000 001" "Dee Ltd" "2"]
EOF
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
