package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// renderSheet reads a hand-written sheet through the fast path for common
// cells or through the tokens alone.
func renderSheet(t testing.TB, sheet string, fast bool, maxCell int) string {
	fastCells = fast
	defer func() { fastCells = true }()
	data := zipOf(t, minimalParts(sheet), zip.Deflate)
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{MaxCellBytes: maxCell})
	return render(r, err)
}

const sheetHead = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

var fastCellSheets = []string{
	// The shapes read fast, with entities, escapes and empty text.
	`<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t xml:space="preserve"> Phone </t></is></c><c r="C1" t="inlineStr"><is><t>Seats</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Jo &amp; Co &#233; a_x000D_b 1 &gt; 0</t></is></c><c r="B2" t="inlineStr"><is><t xml:space="preserve"> 0042 </t></is></c><c r="C2"><v>3.5</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t></t></is></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#N/A</v></c></row>` +
		`<row r="4"><c r="A4" s="1"/><c r="B4" t="inlineStr"><is><t>z</t></is></c><c r="C4"/></row><row r="5"><c r="C5"><v>5</v></c><c/></row>`,
	// Shapes left to the tokens: formulas, rich text, phonetics, CDATA,
	// white space, prefixes, empty tags, and a boolean that fails its row.
	`<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c><c><v>5</v></c></row>` +
		`<row><c t="inlineStr"><is><t>a</t></is></c><c t="str"><f>A1</f><v>x</v></c><c t="inlineStr"><is><r><t>Jo </t></r><r><t>Co</t></r><rPh><t>ジョ</t></rPh></is></c></row>` +
		"<row><c><v><![CDATA[1<2]]></v></c><c>\n  <v>7</v>\n</c><c t=\"inlineStr\"><is><t/></is></c></row>" +
		`<row><c t="b"><v>2</v></c><c t="inlineStr"><is><t>ok</t></is></c><c t="inlineStr"><is><t>tail</t></is><extLst/></c><c t="inlineStr"><is><t>a</t><t>b</t></is></c></row>`,
	// Cells too large are refused the same way, whichever path meets them.
	`<row><c t="inlineStr"><is><t>head</t></is></c></row><row><c t="inlineStr"><is><t>` + strings.Repeat("x", 70) + `</t></is></c></row>`,
	`<row><c t="inlineStr"><is><t>head</t></is></c></row><row><c><v>` + strings.Repeat("9", 70) + `</v></c></row>`,
	`<row><c t="inlineStr"><is><t>head</t></is></c></row><row><c t="inlineStr"><is><t>` + strings.Repeat("&amp;", 20) + `</t></is></c></row>`,
}

func TestXLSXFastCellsReadAsTokens(t *testing.T) {
	for i, body := range fastCellSheets {
		sheet := sheetHead + body + sheetTail
		fast, slow := renderSheet(t, sheet, true, 64), renderSheet(t, sheet, false, 64)
		if fast != slow {
			t.Errorf("sheet %d:\nfast:\n%s\ntokens:\n%s", i, fast, slow)
		}
	}
	// The fast path reads what it should: these are exactly the cells.
	got := renderSheet(t, sheetHead+fastCellSheets[0]+sheetTail, true, 64)
	want := `info: format=xlsx encoding= delimiter="" sheet="Only"
header: ["Name" "Phone" "Seats"]
row 2: ["Jo & Co é a\rb 1 > 0" " 0042 " "3.5"]
row 3: ["" "TRUE" "#N/A"]
  error: column=2 ref="C3" code=cell_error: cell C3 holds Excel's error #N/A, not a value
row 4: ["" "z" ""]
row 5: ["" "" "5"]
EOF
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A sheet larger than the read buffer puts cells across its end, where
// the fast path must leave them to the tokens.
func TestXLSXFastCellsAcrossTheBuffer(t *testing.T) {
	var b strings.Builder
	b.WriteString(sheetHead + `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>`)
	for i := range 20000 {
		fmt.Fprintf(&b, `<row><c t="inlineStr"><is><t>%s%d</t></is></c><c><v>%d</v></c></row>`, strings.Repeat("é", i%37), i, i*7)
	}
	b.WriteString(sheetTail)
	if b.Len() < 4*(256<<10) {
		t.Fatalf("sheet of %d bytes does not cross the buffer several times", b.Len())
	}
	fast, slow := renderSheet(t, b.String(), true, 1<<10), renderSheet(t, b.String(), false, 1<<10)
	if fast != slow {
		t.Fatal("fast path and tokens disagree on a sheet larger than the buffer")
	}
	if strings.Count(fast, "\nrow ") != 20000 {
		t.Fatalf("%d rows read", strings.Count(fast, "\nrow "))
	}
}

// Whatever the sheet, the fast path reads what the tokens read.
func FuzzXLSXFastCells(f *testing.F) {
	for _, body := range fastCellSheets {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		sheet := sheetHead + body + sheetTail
		if fast, slow := renderSheet(t, sheet, true, 64), renderSheet(t, sheet, false, 64); fast != slow {
			t.Fatalf("fast:\n%s\ntokens:\n%s", fast, slow)
		}
	})
}

// A row of a few bytes may name Excel's last column. The cells beyond
// the header are not kept, so such rows cost what their bytes do: the row
// with a value there fails as before, the empty one is blank, and no row
// holds more cells than the header.
func TestXLSXCellsBeyondTheHeader(t *testing.T) {
	body := `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>` +
		`<row r="2"><c r="A2"><v>1</v></c><c r="XFD2"><v>9</v></c><c r="C2"><v>8</v></c></row>` +
		`<row r="3"><c r="XFD3"/></row>` +
		`<row r="4"><c r="B4"><v>2</v></c><c r="XFD4" t="inlineStr"><is><t></t></is></c></row>`
	data := zipOf(t, minimalParts(sheetHead+body+sheetTail), zip.Deflate)
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		if n := cap(r.(*xlsxReader).sheet.cells); n > 64 {
			t.Errorf("row %d: room for %d cells made for a header of 2", row.Number, n)
		}
		line := fmt.Sprintf("%d %q", row.Number, row.Cells)
		if row.Err != nil {
			line += fmt.Sprintf(" %s %s col %d: %s", row.Err.Code, row.Err.Ref, row.Err.Column, row.Err.Message)
		}
		got = append(got, line)
	}
	want := []string{
		`2 ["1" ""] wrong_cell_count C2 col 2: row has a value in column 3; the header has 2 columns`,
		`4 ["" "2"]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// sstOf is a workbook whose shared string table is body, with a sheet
// that names its first n strings.
func sstOf(t testing.TB, body string, n int) []byte {
	var sheet strings.Builder
	sheet.WriteString(sheetHead + `<row><c t="inlineStr"><is><t>a</t></is></c></row>`)
	for i := range n {
		fmt.Fprintf(&sheet, `<row><c t="s"><v>%d</v></c></row>`, i)
	}
	sheet.WriteString(sheetTail)
	parts := minimalParts(sheet.String())
	parts["xl/sharedStrings.xml"] = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + body + `</sst>`
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], `</Relationships>`,
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
	return zipOf(t, parts, zip.Deflate)
}

// readStrings renders a workbook with its shared strings read through
// the fast path for common strings or through the tokens alone.
func readStrings(t testing.TB, data []byte, fast bool, maxCell int) string {
	fastCells = fast
	defer func() { fastCells = true }()
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{MaxCellBytes: maxCell})
	return render(r, err)
}

var sharedStringTables = []string{
	// The shapes read fast, with entities, escapes, spaces and empty text.
	`<si><t>Jo &amp; Co &#233; a_x000D_b 1 &gt; 0</t></si><si><t xml:space="preserve"> 0042 </t></si><si><t></t></si><si><t>z</t></si>`,
	// Shapes left to the tokens: rich text, phonetics, empty tags, white
	// space, CDATA, and a string too large for the cell limit.
	`<si><r><t>Jo </t></r><r><t>Co</t></r><rPh><t>ジョ</t></rPh></si><si/><si><t/></si>` +
		"<si>\n <t>x</t>\n</si><si><t><![CDATA[1<2]]></t></si><si><t>a</t><t>b</t></si><si><t>ok</t></si>",
	`<si><t>ok</t></si><si><t>` + strings.Repeat("x", 70) + `</t></si>`,
	`<si><t>ok</t></si><si><t>` + strings.Repeat("&amp;", 20) + `</t></si>`,
}

// Shared strings read fast are the strings the tokens read.
func TestXLSXFastStringsReadAsTokens(t *testing.T) {
	for i, body := range sharedStringTables {
		data := sstOf(t, body, 8)
		if fast, slow := readStrings(t, data, true, 64), readStrings(t, data, false, 64); fast != slow {
			t.Errorf("table %d:\nfast:\n%s\ntokens:\n%s", i, fast, slow)
		}
	}
	got := readStrings(t, sstOf(t, sharedStringTables[0], 4), true, 64)
	want := `info: format=xlsx encoding= delimiter="" sheet="Only"
header: ["a"]
row 2: ["Jo & Co é a\rb 1 > 0"]
row 3: [" 0042 "]
row 5: ["z"]
EOF
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// A table larger than the read buffer puts strings across its end.
	data := sstWorkbook(t, 5000, []int{0, 1, 2, 4999, 2500, 97})
	if fast, slow := readStrings(t, data, true, 1<<10), readStrings(t, data, false, 1<<10); fast != slow {
		t.Error("fast path and tokens disagree on a table larger than the buffer")
	}
}

// Whatever the table, the fast path reads what the tokens read.
func FuzzXLSXFastStrings(f *testing.F) {
	for _, body := range sharedStringTables {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		data := sstOf(t, body, 8)
		if fast, slow := readStrings(t, data, true, 64), readStrings(t, data, false, 64); fast != slow {
			t.Fatalf("fast:\n%s\ntokens:\n%s", fast, slow)
		}
	})
}

// readMarked reads a sheet, with a shared string table of a few strings
// (one of them empty), narrowed to the first column or not, and writes
// its rows with the other columns' cells marked only as empty or not.
func readMarked(t testing.TB, sheet string, narrow bool) string {
	parts := minimalParts(sheet)
	parts["xl/sharedStrings.xml"] = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>zero</t></si><si/><si><t xml:space="preserve"> two </t></si><si><r><t>th</t></r><r><t>ree</t></r></si></sst>`
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], `</Relationships>`,
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
	data := zipOf(t, parts, zip.Deflate)
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{MaxCellBytes: 64})
	if err != nil {
		return render(nil, err)
	}
	defer r.Close()
	if narrow {
		r.(Narrower).Narrow([]bool{true})
	}
	var b strings.Builder
	for {
		row, err := r.Next()
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(&b, "error: %v\n", err)
			}
			return b.String()
		}
		cells := slices.Clone(row.Cells)
		for i := 1; i < len(cells); i++ {
			if cells[i] != "" {
				cells[i] = "*"
			}
		}
		fmt.Fprintf(&b, "row %d: %q", row.Number, cells)
		if row.Err != nil {
			fmt.Fprintf(&b, " %s %s %s", row.Err.Ref, row.Err.Code, row.Err.Message)
		}
		b.WriteString("\n")
	}
}

// Whatever the sheet, a reader narrowed to its first column reads the
// same rows, row numbers and errors as a full one, the first column's
// text, and the other cells empty exactly where they are.
func FuzzXLSXNarrow(f *testing.F) {
	f.Add(`<row><c t="s"><v>0</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row>` +
		`<row><c t="s"><v>1</v></c><c t="s"><v>1</v></c><c t="s"><v>1</v></c></row>` +
		`<row><c t="s"><v>1</v></c><c t="s"><v>9</v></c><c t="s"><v>1</v></c></row>` +
		`<row><c t="s"><v>3</v></c><c t="s"><v>x</v></c><c><v>4</v></c><c t="s"><v>0</v></c></row>` +
		`<row r="9"><c r="C9" t="s"><v>2</v></c><c t="s"><v>1</v></c></row>`)
	for _, body := range fastCellSheets {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		sheet := sheetHead + body + sheetTail
		if full, narrow := readMarked(t, sheet, false), readMarked(t, sheet, true); full != narrow {
			t.Fatalf("full:\n%s\nnarrowed:\n%s", full, narrow)
		}
	})
}
