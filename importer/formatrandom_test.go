package importer_test

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"roster/importer"
	"roster/storetest"
)

// format writes a file's rows as one kind of file people send, and says
// what the import must be told to read it (nothing, when it detects it)
// and how many lines precede the header (errors name a CSV's lines).
// header, if set, names the columns as another system would (from the
// canonical key and the column's place); with mapped, the import is given
// that naming as an explicit --map instead of detecting it.
type format struct {
	name   string
	write  func(t *testing.T, rows [][]string) string
	mods   []func(*importer.Options)
	above  int
	header func(key string, i int) string
	mapped bool
}

// czech is a Czech export's header for each of wideRows' columns; its
// custom fields keep their keys.
var czech = map[string]string{
	"name": "Jméno a příjmení", "first_name": "Křestní jméno", "last_name": "Příjmení", "email": "E-mailová adresa",
	"other_emails": "Další e-maily", "phone": "Telefon", "mobile": "Mobil", "company": "Společnost",
	"company_external_id": "ID společnosti", "view_all_tickets": "Vidí všechny tikety", "tags": "Štítky",
	"external_id": "Externí ID", "username": "Uživatelské jméno", "role": "Role", "job_title": "Pracovní pozice",
	"description": "Popis",
}

var formats = []format{
	{name: "UTF-8 CSV", write: func(t *testing.T, rows [][]string) string {
		return writeText(t, rows, ',', "\n", "", nil)
	}},
	{name: "XLSX", write: func(t *testing.T, rows [][]string) string {
		cells := make([][]any, len(rows))
		for i, row := range rows {
			for _, v := range row {
				cells[i] = append(cells[i], v)
			}
		}
		return writeXLSX(t, cells)
	}},
	{name: "Excel's Unicode text (UTF-16 LE, tabs, CRLF)", write: func(t *testing.T, rows [][]string) string {
		return writeText(t, rows, '\t', "\r\n", "", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM))
	}},
	{name: "UTF-8 with BOM, sep=;, CRLF", write: func(t *testing.T, rows [][]string) string {
		return writeText(t, rows, ';', "\r\n", "\ufeffsep=;\r\n", nil)
	}, above: 1},
	{name: "GB18030, pipes, CR", write: func(t *testing.T, rows [][]string) string {
		return writeText(t, rows, '|', "\r", "", simplifiedchinese.GB18030)
	}, mods: []func(*importer.Options){func(o *importer.Options) { o.Encoding = "gb18030" }}},
	{name: "Czech headers, detected", write: func(t *testing.T, rows [][]string) string {
		return writeText(t, rows, ';', "\r\n", "", nil)
	}, header: func(key string, _ int) string {
		if h, ok := czech[key]; ok {
			return h
		}
		return key
	}},
	{name: "headers of another system, given by --map", write: func(t *testing.T, rows [][]string) string {
		return writeText(t, rows, ',', "\n", "", nil)
	}, header: func(_ string, i int) string { return fmt.Sprintf("Column %d", i+1) }, mapped: true},
}

// renamed is rows with f's header, the options that map it if f says so,
// and the canonical key of each header.
func (f format) renamed(rows [][]string) ([][]string, []func(*importer.Options), map[string]string) {
	if f.header == nil {
		return rows, f.mods, nil
	}
	keyOf, m := map[string]string{}, map[string]string{}
	head := make([]string, len(rows[0]))
	for i, key := range rows[0] {
		head[i] = f.header(key, i)
		keyOf[head[i]] = key
		m[head[i]] = key
	}
	mods := f.mods
	if f.mapped {
		mods = append(mods, func(o *importer.Options) { o.Map = m })
	}
	return append([][]string{head}, rows[1:]...), mods, keyOf
}

// writeText writes rows as delimited text with the line end given between
// records (a cell's own line breaks stay LF), after head, in enc (UTF-8
// when nil).
func writeText(t *testing.T, rows [][]string, comma rune, eol, head string, enc encoding.Encoding) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(head)
	for _, row := range rows {
		var rec strings.Builder
		w := csv.NewWriter(&rec)
		w.Comma = comma
		if err := w.WriteAll([][]string{row}); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.TrimSuffix(rec.String(), "\n") + eol)
	}
	text := b.String()
	if enc != nil {
		var err error
		if text, err = enc.NewEncoder().String(text); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "contacts.txt")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sheetRows maps the line on which each record of a text file starts to
// its row in a spreadsheet: a cell's line breaks add lines, not rows.
func sheetRows(rows [][]string, above int) map[int]int {
	out := map[int]int{}
	line := 1 + above
	for i, row := range rows {
		out[line] = i + 1
		line += 1 + strings.Count(strings.Join(row, ""), "\n")
	}
	return out
}

// The same rows sent as a UTF-8 CSV, an XLSX workbook, Excel's Unicode
// text, a CSV with a BOM and a sep= line, GB18030 with pipes and CR line
// ends, with Czech headers, and with another system's headers given by
// --map import alike, every column mapped to its key: the same counts, the same failed rows (but for
// the workbook's cell references, and the lines that a sep= line and a
// cell's line breaks add to a text file, and errors name the column by its
// key) and the same directory.
func TestFormatsAgreeAtRandom(t *testing.T) {
	t.Parallel()
	envs := make([]*env, len(formats))
	for i := range envs {
		envs[i] = wideEnv(t, storetest.OpenSQLite(t), "acme")
	}
	seed := testSeed(19)
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := range 12 {
		o := wideOptionsOf(rng)
		file := wideRows(rng, 5+rng.IntN(30), 10)
		rows, err := csv.NewReader(strings.NewReader(file)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var first run
		for k, f := range formats {
			named, mods, keyOf := f.renamed(rows)
			res := envs[k].importPath(f.write(t, named), append([]func(*importer.Options){region("CZ"), o.apply}, mods...)...)
			if !slices.Equal(res.Columns, rows[0]) {
				t.Fatalf("%s: columns mapped to %q, want %q", f.name, res.Columns, rows[0])
			}
			rowOf := sheetRows(rows, f.above)
			for j := range res.Errors {
				res.Errors[j].Cell = ""
				if key, ok := keyOf[res.Errors[j].Column]; ok {
					res.Errors[j].Column = key
				}
				if f.name != "XLSX" {
					res.Errors[j].Row = rowOf[res.Errors[j].Row]
				}
			}
			if k == 0 {
				first = run{envs[k], f.name, res}
				continue
			}
			agree(t, fmt.Sprintf("seed %d round %d (%s):\n%s", seed, i, o, file), first, run{envs[k], f.name, res})
		}
	}
}
