package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A part past its size limit is said to be too large, not a zip bomb:
// a stored part expands by nothing.
func TestXLSXPartTooLargeIsNotABomb(t *testing.T) {
	parts := minimalParts(sheetHead + `<row><c t="inlineStr"><is><t>a</t></is></c></row>` + sheetTail)
	parts["xl/workbook.xml"] = strings.Replace(parts["xl/workbook.xml"], "<x:sheets>", "<x:sheets>"+strings.Repeat(" ", maxMetaPartBytes), 1)
	data := zipOf(t, parts, zip.Store)
	_, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	var fe *FatalError
	want := "xl/workbook.xml is larger than 32 MB uncompressed, the most Roster reads of that part"
	if !errors.As(err, &fe) || fe.Code != CodeTooLarge || fe.Message != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// A legitimate large shared string table, such as a million contacts'
// notes (296 MB, zipping to half), is within the limit: its strings go
// to a temporary file. A bomb still fails on its ratio.
func TestXLSXLargeSharedStringsAreNoBomb(t *testing.T) {
	if maxSharedStrings < 512<<20 {
		t.Errorf("a shared string table of %d bytes is refused", 512<<20)
	}
	bomb := sstOf(t, `<si><t>a</t></si>`+strings.Repeat(" ", 16<<20), 1)
	_, err := NewXLSX(bytes.NewReader(bomb), int64(len(bomb)), Options{})
	var fe *FatalError
	if !errors.As(err, &fe) || fe.Code != CodeTooLarge || !strings.Contains(fe.Message, "zip bomb") {
		t.Errorf("got %v", err)
	}
}

// Empty strings count against the limit on shared strings as others do:
// 40M of <si/> zip to a megabyte.
func TestXLSXEmptySharedStringsCount(t *testing.T) {
	defer func(n int) { maxSharedStringsNum = n }(maxSharedStringsNum)
	maxSharedStringsNum = 100
	for _, body := range []string{strings.Repeat(`<si/>`, 101), strings.Repeat(`<si><t>a</t></si>`, 101), strings.Repeat(`<si></si>`, 101)} {
		data := sstOf(t, body, 1)
		_, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
		var fe *FatalError
		if !errors.As(err, &fe) || fe.Code != CodeTooLarge || fe.Message != "the workbook has more than 100 shared strings" {
			t.Errorf("%.20s…: got %v", body, err)
		}
	}
}

// Many tiny strings go to the file as a few large ones do: each costs
// its string header in memory, beside its text.
func TestSharedStringsTinyOnesSpill(t *testing.T) {
	data := sstOf(t, strings.Repeat(`<si><t>a</t></si>`, 200)+strings.Repeat(`<si/>`, 200), 400)
	want, spilled := readSST(t, data, 16<<20, 1<<20, 1<<16)
	if spilled {
		t.Fatal("400 strings went to a file")
	}
	// 200 bytes of text, well within 1 KB, but 400 strings of 16 bytes each are not.
	got, spilled := readSST(t, data, 1<<10, 1<<20, 1<<16)
	if !spilled {
		t.Fatal("400 tiny strings stayed in memory past 1 KB")
	}
	if got != want {
		t.Errorf("read back from the file:\n%.300s\nwant:\n%.300s", got, want)
	}
}

// Rows that all name one long shared string give text far beyond what
// the workbook zips to, as a zip bomb does: the reading fails once past
// the ratio, narrowed (the pass that counts rows) or not, and whether the
// table is in memory or in its file.
func TestXLSXSharedStringAmplification(t *testing.T) {
	long := strings.Repeat("A", 1<<20)
	data := sameStringRows(t, long, 40)
	for _, mem := range []int{16 << 20, 0} {
		for _, narrow := range []bool{false, true} {
			func() {
				defer func(m int) { sstMemBytes = m }(sstMemBytes)
				sstMemBytes = mem
				r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if narrow {
					r.(Narrower).Narrow([]bool{false})
				}
				rows := 0
				for err == nil {
					_, err = r.Next()
					rows++
				}
				var fe *FatalError
				if !errors.As(err, &fe) || fe.Code != CodeTooLarge || !strings.Contains(fe.Message, "repeat long shared strings") {
					t.Errorf("memory %d, narrowed %v: got %v after %d rows", mem, narrow, err, rows)
				}
			}()
		}
	}
	// The same string named a few times is a cell like any other.
	few := sameStringRows(t, long, 4)
	if n, err := readToEnd(few); err != nil || n != 4 {
		t.Errorf("4 rows: %d, %v", n, err)
	}
}

// sameStringRows is a workbook of n rows that all name one shared string.
func sameStringRows(t testing.TB, text string, n int) []byte {
	parts := minimalParts(sheetHead + `<row><c t="inlineStr"><is><t>a</t></is></c></row>` +
		strings.Repeat(`<row><c t="s"><v>0</v></c></row>`, n) + sheetTail)
	parts["xl/sharedStrings.xml"] = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` + text + `</t></si></sst>`
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], `</Relationships>`,
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
	return zipOf(t, parts, zip.Deflate)
}
