package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sstWorkbook is a workbook whose cells all name shared strings: n
// strings, used by rows in the order refs gives (as Excel writes them,
// mostly in order of first use, and again later).
func sstWorkbook(t testing.TB, n int, refs []int) []byte {
	var sst, sheet strings.Builder
	fmt.Fprintf(&sst, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">`, n)
	for i := range n {
		switch {
		case i%97 == 5:
			sst.WriteString(`<si/>`)
		case i%89 == 7:
			fmt.Fprintf(&sst, `<si><r><t>rich %d </t></r><r><t>&amp; run</t></r><rPh><t>ふり</t></rPh></si>`, i)
		default:
			fmt.Fprintf(&sst, `<si><t xml:space="preserve">%s %d é_x000D_</t></si>`, strings.Repeat("s", i%53), i)
		}
	}
	sst.WriteString(`</sst>`)
	sheet.WriteString(sheetHead + `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c><c t="inlineStr"><is><t>c</t></is></c></row>`)
	for r := 0; r+3 <= len(refs); r += 3 {
		fmt.Fprintf(&sheet, `<row><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c></row>`, refs[r], refs[r+1], refs[r+2])
	}
	sheet.WriteString(sheetTail)
	parts := minimalParts(sheet.String())
	parts["xl/sharedStrings.xml"] = sst.String()
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], `</Relationships>`,
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
	return zipOf(t, parts, zip.Deflate)
}

// readSST reads a workbook with the given share of shared strings in
// memory, and reports whether they went to a file.
func readSST(t *testing.T, data []byte, memBytes, window, recent int) (string, bool) {
	defer func(m, w, r int) { sstMemBytes, sstWindow, sstRecent = m, w, r }(sstMemBytes, sstWindow, sstRecent)
	sstMemBytes, sstWindow, sstRecent = memBytes, window, recent
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := r.(*xlsxReader)
	spilled := x.sheet.wb.sst.file != nil
	var name string
	if spilled {
		name = x.sheet.wb.sst.file.Name()
	}
	out := render(r, nil) // closes r
	if spilled {
		if _, err := os.Stat(name); !os.IsNotExist(err) {
			t.Errorf("the shared strings' file %s is still there: %v", name, err)
		}
		if x.sheet.wb.sst.file != nil {
			t.Error("the shared strings' file is still open")
		}
	}
	return out, spilled
}

// Shared strings read back from their file are the strings kept in
// memory, whatever order the rows use them in.
func TestSharedStringsInAFile(t *testing.T) {
	const n = 3000
	inOrder := make([]int, 0, 3*n)
	for i := range n {
		inOrder = append(inOrder, i, i/2, n-1-i) // new, older, and far ahead
	}
	random := make([]int, 3*n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = rng.IntN(n)
	}
	for name, refs := range map[string][]int{"in order of first use": inOrder, "at random": random} {
		data := sstWorkbook(t, n, refs)
		want, spilled := readSST(t, data, 16<<20, 1<<20, 1<<16)
		if spilled {
			t.Fatal("3000 short strings went to a file")
		}
		if !strings.Contains(want, `"rich 7 & run"`) || !strings.Contains(want, `"sss 3 é\r"`) || strings.Count(want, "\nrow ") != n {
			t.Fatalf("%s: unexpected rows:\n%.600s", name, want)
		}
		for _, c := range []struct{ mem, window, recent, ends int }{{1 << 10, 1 << 20, 1 << 16, 1 << 22}, {64, 256, 1 << 16, 1 << 22}, {64, 256, 8, 1 << 22}, {0, 64, 1, 1 << 22},
			{0, 1 << 20, 1 << 16, 0}, {64, 256, 8, 100}, {0, 64, 1, 1}} {
			sstMemEnds = c.ends
			got, spilled := readSST(t, data, c.mem, c.window, c.recent)
			sstMemEnds = 4 << 20
			if !spilled {
				t.Fatalf("%s %+v: the strings stayed in memory", name, c)
			}
			if got != want {
				t.Fatalf("%s %+v: read back from the file:\n%.600s\nwant:\n%.600s", name, c, got, want)
			}
		}
	}
}

// A cell naming a string the table does not have fails its row, from
// memory or from the file, even where the row's other cells are empty.
func TestSharedStringMissing(t *testing.T) {
	data := sstWorkbook(t, 10, []int{0, 1, 2, 3, 10, 4, 5, 11, 5})
	for _, mem := range []int{16 << 20, 0} {
		got, _ := readSST(t, data, mem, 64, 4)
		if !strings.Contains(got, `code=bad_cell: shared string "10" does not exist`) ||
			!strings.Contains(got, `code=bad_cell: shared string "11" does not exist`) {
			t.Errorf("memory %d:\n%s", mem, got)
		}
	}
}

// A reopened reader reads the sheet again from its first row, with the
// shared strings already read, in memory or in their file; the file goes
// when the last reader closes.
func TestXLSXReopen(t *testing.T) {
	refs := make([]int, 0, 600)
	for i := range 200 {
		refs = append(refs, i, 199-i, i/3)
	}
	data := sstWorkbook(t, 200, refs)
	for _, mem := range []int{16 << 20, 0} {
		defer func(m int) { sstMemBytes = m }(sstMemBytes)
		sstMemBytes = mem
		want, _ := readSST(t, data, mem, 64, 4)
		fresh, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		freshWB := fresh.(*xlsxReader).wb
		render(fresh, nil)
		r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		}
		wb := r.(*xlsxReader).wb
		again, err := r.(Reopener).Reopen()
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("closing the reader reopened: %v", err)
		}
		if mem == 0 && wb.sst.file == nil {
			t.Fatal("the first reader's close removed the shared strings the second reads")
		}
		if got := render(again, nil); got != want {
			t.Fatalf("memory %d: reopened:\n%.500s\nwant:\n%.500s", mem, got, want)
		}
		if wb.sst.file != nil {
			t.Fatal("the shared strings' file outlived the last reader")
		}
		if wb.budget.total != freshWB.budget.total {
			t.Fatalf("the workbook counts %d bytes read against %d for one pass: the sheet counts once a pass", wb.budget.total, freshWB.budget.total)
		}
	}
}

// Without room for the temporary file, the workbook fails with a clear
// error, not a half-read table.
func TestSharedStringsWithoutATemporaryDirectory(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	defer func(m int) { sstMemBytes = m }(sstMemBytes)
	sstMemBytes = 64
	data := sstWorkbook(t, 100, []int{0, 1, 2})
	_, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	var fe *FatalError
	if !errors.As(err, &fe) || fe.Code != CodeBadXLSX || !strings.Contains(fe.Message, "temporary file") {
		t.Fatalf("error %v", err)
	}
}

// Open gives a workbook's reader that reopens on the same open file, and
// a CSV reader that does not reopen (opening it again costs nothing).
func TestOpenReopens(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "people.xlsx")
	refs := make([]int, 3*20000) // a sheet of 2 MB: read long after the first reader closes
	for i := range refs {
		refs[i] = i * 7 % 3000
	}
	if err := os.WriteFile(book, sstWorkbook(t, 3000, refs), 0o644); err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(csvPath, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(csvPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(Reopener); ok {
		t.Error("a CSV reader claims to reopen")
	}
	r.Close()
	r, err = Open(book, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := render(r, nil)
	if r, err = Open(book, Options{}); err != nil {
		t.Fatal(err)
	}
	r.Next()
	again, err := r.(Reopener).Reopen()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("closing the reader reopened: %v", err)
	}
	if got := render(again, nil); got != want {
		t.Fatalf("reopened:\n%s\nwant:\n%s", got, want)
	}
}

// A second pass reads the strings through the window again, from the
// start, not one by one from behind it.
func TestSharedStringsRewindOnReopen(t *testing.T) {
	defer func(m, w, r int) { sstMemBytes, sstWindow, sstRecent = m, w, r }(sstMemBytes, sstWindow, sstRecent)
	sstMemBytes, sstWindow, sstRecent = 0, 4096, 1<<20
	refs := make([]int, 3*1000)
	for i := range refs {
		refs[i] = i // in order of first use, as Excel writes them
	}
	data := sstWorkbook(t, len(refs), refs)
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sst := &r.(*xlsxReader).wb.sst
	for pass := range 2 {
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(sst.recent); n > 10 {
			t.Fatalf("pass %d read %d strings one by one, not through the window", pass+1, n)
		}
		if pass == 0 {
			if r, err = r.(Reopener).Reopen(); err != nil {
				t.Fatal(err)
			}
		}
	}
	r.Close()
}

// A narrowed reader gives the rows, row numbers and errors of a full one,
// the kept column's text, and in the other columns a text that is empty
// exactly where the cell is, from memory or from the file.
func TestXLSXNarrow(t *testing.T) {
	const n = 300
	empty := 5 // <si/>, see sstWorkbook
	refs := []int{
		0, 1, 2,
		empty, empty, empty, // a blank row: skipped
		empty, 3, 4,
		n, 6, 7, // a string that does not exist, in an elided column
		8, empty, n + 1, // and in another
		9, 10, empty,
	}
	data := sstWorkbook(t, n, refs)
	type row struct {
		number int
		cells  []string
		err    string
	}
	read := func(mem int, keep []bool) []row {
		defer func(m int) { sstMemBytes = m }(sstMemBytes)
		sstMemBytes = mem
		r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if keep != nil {
			r.(Narrower).Narrow(keep)
		}
		var rows []row
		for {
			x, err := r.Next()
			if err == io.EOF {
				return rows
			}
			if err != nil {
				t.Fatal(err)
			}
			got := row{number: x.Number, cells: slices.Clone(x.Cells)}
			if x.Err != nil {
				got.err = x.Err.Ref + " " + x.Err.Code + ": " + x.Err.Message
			}
			rows = append(rows, got)
		}
	}
	defer func(n int) { sstMemEnds = n }(sstMemEnds)
	for _, c := range []struct{ mem, ends int }{{16 << 20, 1 << 22}, {0, 1 << 22}, {0, 0}, {0, 7}} {
		mem := c.mem
		sstMemEnds = c.ends
		full := read(mem, nil)
		if len(full) != 5 || full[2].err == "" || full[3].err == "" {
			t.Fatalf("memory %d: unexpected rows %+v", mem, full)
		}
		narrow := read(mem, []bool{false, true})
		if len(narrow) != len(full) {
			t.Fatalf("memory %d: %d rows narrowed, %d in full", mem, len(narrow), len(full))
		}
		for i, f := range full {
			g := narrow[i]
			if g.number != f.number || g.err != f.err || g.cells[1] != f.cells[1] {
				t.Errorf("memory %d: row %d narrowed %+v, in full %+v", mem, i, g, f)
			}
			for _, c := range []int{0, 2} {
				if (g.cells[c] == "") != (f.cells[c] == "") {
					t.Errorf("memory %d: row %d column %d narrowed %q, in full %q", mem, i, c, g.cells[c], f.cells[c])
				}
			}
		}
	}
}
