package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// buildWorkbook writes a workbook with typed cells, custom formats, a
// sparse row, an out-of-header value and a second, streamed sheet (the
// stream writer stores strings inline).
func buildWorkbook(t *testing.T) string {
	f := excelize.NewFile()
	defer f.Close()
	must(t, f.SetSheetName("Sheet1", "Contacts"))
	s := "Contacts"
	for i, h := range []string{"ID", "Name", "Phone", "Born", "Seen", "Zip", "Score", "Active", "Big", "Small"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		must(t, f.SetCellValue(s, cell, h))
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(t, err)
	zipFmt := "00000"
	zipStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &zipFmt})
	must(t, err)
	isoFmt := `[$-409]yyyy\-mm\-dd;@`
	isoStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &isoFmt})
	must(t, err)
	must(t, f.SetCellValue(s, "A2", 1))
	must(t, f.SetCellValue(s, "B2", "Ann  Müller"))
	must(t, f.SetCellValue(s, "C2", "0049301234"))
	must(t, f.SetCellValue(s, "D2", time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)))
	must(t, f.SetCellStyle(s, "D2", "D2", dateStyle))
	must(t, f.SetCellValue(s, "E2", time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)))
	must(t, f.SetCellValue(s, "F2", 501))
	must(t, f.SetCellStyle(s, "F2", "F2", zipStyle))
	must(t, f.SetCellValue(s, "G2", 0.1+0.2))
	must(t, f.SetCellValue(s, "H2", true))
	must(t, f.SetCellValue(s, "I2", 4915112345678))
	must(t, f.SetCellValue(s, "J2", 1e-7))
	// Row 3 is sparse, row 4 empty, row 5 has a value beyond the header.
	must(t, f.SetCellValue(s, "A3", 2))
	must(t, f.SetCellValue(s, "E3", 45000.5))
	must(t, f.SetCellStyle(s, "E3", "E3", isoStyle))
	must(t, f.SetCellValue(s, "H3", false))
	must(t, f.SetCellValue(s, "A5", 3))
	must(t, f.SetCellValue(s, "L5", "stray"))
	must(t, f.SetCellFormula(s, "A6", "=1+1"))
	must(t, f.SetCellValue(s, "B6", "line1\nline2"))

	_, err = f.NewSheet("Stream")
	must(t, err)
	sw, err := f.NewStreamWriter("Stream")
	must(t, err)
	must(t, sw.SetRow("A1", []any{"Name", "Code"}))
	for i := 2; i <= 1001; i++ {
		must(t, sw.SetRow(fmt.Sprintf("A%d", i), []any{fmt.Sprintf("Person %d", i), fmt.Sprintf("%05d", i)}))
	}
	must(t, sw.Flush())
	path := filepath.Join(t.TempDir(), "book.xlsx")
	must(t, f.SaveAs(path))
	return path
}

func TestXLSXGenerated(t *testing.T) {
	path := buildWorkbook(t)
	r, err := Open(path, Options{})
	got := render(r, err)
	want := `info: format=xlsx encoding= delimiter="" sheet="Contacts"
header: ["ID" "Name" "Phone" "Born" "Seen" "Zip" "Score" "Active" "Big" "Small"]
row 2: ["1" "Ann  Müller" "0049301234" "1980-05-17" "2023-01-02 03:04:05" "00501" "0.3" "TRUE" "4915112345678" "0.0000001"]
row 3: ["2" "" "" "" "2023-03-15 12:00:00" "" "" "FALSE" "" ""]
row 5: ["3" "" "" "" "" "" "" "" "" ""]
  error: column=11 ref="L5" code=wrong_cell_count: row has a value in column 12; the header has 10 columns
row 6: ["" "line1\nline2" "" "" "" "" "" "" "" ""]
EOF
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	r, err = Open(path, Options{Sheet: "stream"})
	h, rows, meta := readAll(t, r, err)
	if r.Info().Sheet != "Stream" || strings.Join(h, ",") != "Name,Code" || len(rows) != 1000 ||
		rows[0][1] != "00002" || rows[999][0] != "Person 1001" || meta[999].Number != 1001 {
		t.Errorf("stream sheet: %v %d rows, first %q", h, len(rows), rows[0])
	}

	_, err = Open(path, Options{Sheet: "Nope"})
	var fe *FatalError
	if !errors.As(err, &fe) || fe.Code != CodeSheetNotFound || !strings.Contains(fe.Message, `"Contacts", "Stream"`) {
		t.Errorf("missing sheet: %v", err)
	}
}

// TestXLSX1904 checks the 1904 date system.
func TestXLSX1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	must(t, f.SetCellValue("Sheet1", "A1", "Day"))
	must(t, f.SetCellValue("Sheet1", "A2", 0))
	must(t, f.SetCellValue("Sheet1", "A3", 1462))
	st, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(t, err)
	must(t, f.SetCellStyle("Sheet1", "A2", "A3", st))
	path := filepath.Join(t.TempDir(), "1904.xlsx")
	must(t, f.SaveAs(path))
	r, err := Open(path, Options{})
	_, rows, _ := readAll(t, r, err)
	if fmt.Sprint(rows) != "[[1904-01-01] [1908-01-02]]" {
		t.Errorf("got %v", rows)
	}
}

// zipOf builds a zip archive from name → content.
func zipOf(t testing.TB, parts map[string]string, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// minimalParts is a hand-written workbook: prefixed element names, cells
// without r attributes, rich inline strings, errors, formula strings,
// entities and _xHHHH_ escapes, and no styles or shared strings.
func minimalParts(sheet string) map[string]string {
	return map[string]string{
		"[Content_Types].xml":        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Only" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>`,
		"xl/worksheets/data.xml":     sheet,
	}
}

func TestXLSXHandmade(t *testing.T) {
	sheet := `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Note</x:t></x:is></x:c></x:row>` +
		`<!-- a comment with <tags> --><x:row><x:c t="inlineStr"><x:is><x:r><x:t xml:space="preserve">Jo </x:t></x:r><x:r><x:t>&amp; Co</x:t></x:r><x:rPh><x:t>ジョ</x:t></x:rPh></x:is></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>` +
		`<x:row r="9"><x:c r="B9" t="str"><x:f>A1</x:f><x:v>a_x000D_b &#233;</x:v></x:c></x:row><x:row r="10"/>` +
		`<x:row r="11"><x:c r="A11" t="b"><x:v>2</x:v></x:c><x:c r="B11"><x:v>abc</x:v></x:c></x:row>` +
		`<x:row r="12"><x:c r="A12" t="inlineStr"><x:is><x:t>#N/A</x:t></x:is></x:c><x:c r="B12" t="str"><x:f>"#REF!"</x:f><x:v>#REF!</x:v></x:c></x:row>` +
		`<x:row r="13"><x:c r="A13" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c r="B13" t="e"/></x:row>` +
		`</x:sheetData></x:worksheet>`
	data := zipOf(t, minimalParts(sheet), zip.Deflate)
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	got := render(r, err)
	want := `info: format=xlsx encoding= delimiter="" sheet="Only"
header: ["Name" "Note"]
row 2: ["Jo & Co" "#N/A"]
  error: column=1 ref="B2" code=cell_error: cell B2 holds Excel's error #N/A, not a value
row 9: ["" "a\rb é"]
row 11: ["" "abc"]
  error: column=0 ref="A11" code=bad_cell: boolean cell holds "2"
row 12: ["#N/A" "#REF!"]
row 13: ["#DIV/0!" ""]
  error: column=0 ref="A13" code=cell_error: cell A13 holds Excel's error #DIV/0!, not a value
EOF
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestXLSXBadFiles(t *testing.T) {
	good, err := os.ReadFile(buildWorkbook(t))
	must(t, err)
	bomb := `<worksheet><sheetData><row><c t="inlineStr"><is><t>A</t></is></c></row>` + strings.Repeat(" ", 64<<20) + `</sheetData></worksheet>`
	noWB := map[string]string{"hello.txt": "hi"}
	brokenWB := minimalParts("<worksheet/>")
	brokenWB["xl/workbook.xml"] = "<workbook><sheets><sheet"
	// A sheet whose deflated bytes are damaged in the middle: the
	// inflater, the checksum or the XML must say so.
	var rows strings.Builder
	rows.WriteString(`<worksheet><sheetData><row><c t="inlineStr"><is><t>A</t></is></c></row>`)
	for i := range 20000 {
		fmt.Fprintf(&rows, `<row><c t="inlineStr"><is><t>%d-%x</t></is></c></row>`, i, i*7919)
	}
	rows.WriteString(`</sheetData></worksheet>`)
	damaged := zipOf(t, minimalParts(rows.String()), zip.Deflate)
	damaged = bytes.Clone(damaged)
	for i := len(damaged) / 2; i < len(damaged)/2+16; i++ {
		damaged[i] ^= 0xA5
	}
	cases := []struct {
		name string
		data []byte
		code string
	}{
		{"truncated", good[:len(good)/2], CodeBadXLSX},
		{"damaged deflate stream", damaged, CodeBadXLSX},
		{"garbage after magic", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{7}, 100)...), CodeBadXLSX},
		{"zip without workbook", zipOf(t, noWB, zip.Deflate), CodeBadXLSX},
		{"zip bomb", zipOf(t, minimalParts(bomb), zip.Deflate), CodeTooLarge},
		{"broken workbook xml", zipOf(t, brokenWB, zip.Deflate), CodeBadXLSX},
		{"empty sheet", zipOf(t, minimalParts("<worksheet><sheetData/></worksheet>"), zip.Store), CodeEmptyFile},
		{"cell too large", zipOf(t, minimalParts(`<worksheet><sheetData><row><c t="inlineStr"><is><t>`+strings.Repeat("x", 2<<20)+`</t></is></c></row></sheetData></worksheet>`), zip.Deflate), CodeCellTooLarge},
		{"encrypted", mustRead(t, filepath.Join(shared, "xlsx/excelize-test/encryptAES.xlsx")), CodeEncrypted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewXLSX(bytes.NewReader(c.data), int64(len(c.data)), Options{})
			if err == nil {
				for err == nil {
					_, err = r.Next()
				}
			}
			var fe *FatalError
			if !errors.As(err, &fe) || fe.Code != c.code {
				t.Errorf("got %v, want code %s", err, c.code)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("test data missing: %v", err)
	}
	return b
}

// TestXLSXRealFiles compares csvkit's workbooks with its CSV conversions.
// Known representation differences: csvkit writes True/False and ISO
// datetimes with "T"; the reader gives TRUE/FALSE (what Excel shows) and a
// space, and a date-only value when there is no time. csvkit keeps values
// beyond the header (under a made-up column); the reader flags them.
func TestXLSXRealFiles(t *testing.T) {
	dir := filepath.Join(shared, "csv-parsers/csvkit-examples")
	norm := strings.NewReplacer("True", "TRUE", "False", "FALSE", "T00:00:00", "", "T", " ")
	for _, c := range []struct{ xlsx, sheet, csv string }{
		{"test.xlsx", "", "testxlsx_converted.csv"},
		// sheetsxlsx_converted.csv does not match this sheets.xlsx (it has
		// a time column the workbook lacks); its "data" sheet holds the
		// same table as test.xlsx.
		{"sheets.xlsx", "data", "testxlsx_converted.csv"},
	} {
		r, err := Open(filepath.Join(dir, c.xlsx), Options{Sheet: c.sheet})
		h, rows, _ := readAll(t, r, err)
		cr, err := NewCSV(bytes.NewReader(mustRead(t, filepath.Join(dir, c.csv))), Options{})
		if err != nil {
			t.Fatal(err)
		}
		wh := cr.Header()
		var wrows [][]string
		for {
			row, err := cr.Next()
			if err != nil {
				break
			}
			wrows = append(wrows, append([]string(nil), row.Cells...))
		}
		if len(wh) < len(h) || strings.Join(h, ",") != strings.Join(wh[:len(h)], ",") {
			t.Errorf("%s header %q, want %q", c.xlsx, h, wh)
		}
		if len(rows) != len(wrows) {
			t.Fatalf("%s: %d rows, want %d", c.xlsx, len(rows), len(wrows))
		}
		for i := range rows {
			for j := range rows[i] {
				want := wrows[i][j]
				if !strings.HasPrefix(want, "Chicago") && !strings.HasPrefix(want, "This row") && !strings.HasPrefix(want, "Unicode") {
					want = norm.Replace(want)
				}
				if rows[i][j] != want {
					t.Errorf("%s row %d col %d: %q, want %q", c.xlsx, i+2, j+1, rows[i][j], want)
				}
			}
		}
	}
}
