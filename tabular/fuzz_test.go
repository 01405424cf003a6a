package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// drain reads a Reader to its end and checks it terminates: every call
// must consume input, so the number of rows is bounded by the input size.
func drain(t *testing.T, r Reader, limit int) {
	defer r.Close()
	for i := 0; ; i++ {
		row, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				var fe *FatalError
				if !errors.As(err, &fe) {
					t.Fatalf("non-fatal error type %T: %v", err, err)
				}
			}
			return
		}
		if i > limit {
			t.Fatalf("more rows (%d) than input bytes", i)
		}
		if row.Err == nil && len(row.Cells) != len(r.Header()) {
			t.Fatalf("row %d has %d cells, header %d, and no error", row.Number, len(row.Cells), len(r.Header()))
		}
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "sep=;\na;b\r1;\"x\r\ny\"\r", "\xff\xfea\x00,\x00b\x00", "a\tb\n\"x\"y\t2\n", "h\n\"open", "a,b,c\n1,2,3\n\n\"Copyright (c) salesforce.com\"\nTotal: 1,2\n"} {
		f.Add([]byte(s))
	}
	if files, _ := filepath.Glob(filepath.Join(shared, "csv-parsers/phpspreadsheet-csv-reader/*.csv")); len(files) > 0 {
		for _, p := range files[:10] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCSV(bytes.NewReader(data), Options{MaxCellBytes: 1 << 10})
		if err != nil {
			var fe *FatalError
			if !errors.As(err, &fe) {
				t.Fatalf("error type %T: %v", err, err)
			}
			return
		}
		drain(t, r, len(data)+1)
	})
}

func FuzzXLSX(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range minimalParts(`<worksheet><sheetData><row><c t="inlineStr"><is><t>A</t></is></c><c t="s"><v>0</v></c></row><row r="3"><c r="B3" s="1"><v>45000.25</v></c><c t="b"><v>1</v></c></row></sheetData></worksheet>`) {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	f.Add(buf.Bytes())
	if b, err := os.ReadFile(filepath.Join(shared, "csv-parsers/csvkit-examples/dummy.xlsx")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{MaxCellBytes: 1 << 10})
		if err != nil {
			var fe *FatalError
			if !errors.As(err, &fe) {
				t.Fatalf("error type %T: %v", err, err)
			}
			return
		}
		// Compressed input can expand: bound rows by the 4 GiB budget's
		// smallest row, which is far above anything a fuzz input reaches.
		drain(t, r, 1<<30)
	})
}

// Whatever comma-separated UTF-8 text encoding/csv reads without error,
// the CSV reader reads the same records: rows whose cells are all empty
// are skipped by both, and a row with extra empty cells is trimmed to the
// header. (Line ends are LF here: encoding/csv neither ends a line at a
// lone CR, as the reader does, nor keeps a quoted CRLF.)
func FuzzCSVMatchesEncodingCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\n\"x\ny\",\"q\"\"q\"\n,\n3,4,,\n", "name,email\nAnn,ann@x.com\nBob\n", "name,email\nAnn,ann@x.com\n\nTotal: 1\nBob\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\x00\ufeff\ufffd") || strings.HasPrefix(strings.ToLower(s), "sep=") {
			return
		}
		if preambleLines([]byte(s), ',', 1<<20, 1) > 0 {
			return // notes above a header are skipped, where encoding/csv reads them
		}
		cr := csv.NewReader(strings.NewReader(s))
		cr.FieldsPerRecord = -1
		all, err := cr.ReadAll()
		if err != nil {
			return
		}
		var want [][]string
		for _, rec := range all {
			if !slices.ContainsFunc(rec, func(c string) bool { return c != "" }) {
				continue
			}
			want = append(want, rec)
		}
		r, err := NewCSV(strings.NewReader(s), Options{Encoding: "utf-8", Delimiter: ','})
		if err != nil {
			return // a header the reader refuses: blank or duplicate names
		}
		defer r.Close()
		h := len(r.Header())
		for i := 1; ; i++ {
			row, err := r.Next()
			if err == io.EOF {
				// A footer's records are not rows; each is narrower than the header.
				if f := r.(FooterReader).Footer(); f != nil {
					if i+f.Lines != len(want) {
						t.Fatalf("%d rows read and a footer of %d, encoding/csv %d", i-1, f.Lines, len(want)-1)
					}
					for _, rec := range want[i:] {
						if filled(rec) >= h {
							t.Fatalf("footer record %q is as wide as the header", rec)
						}
					}
					return
				}
				if i != len(want) {
					t.Fatalf("%d rows read, encoding/csv %d", i-1, len(want)-1)
				}
				return
			}
			if err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			if i >= len(want) {
				t.Fatalf("row %d %q read, encoding/csv ends", i, row.Cells)
			}
			rec := want[i]
			if len(rec) > h && !slices.ContainsFunc(rec[h:], func(c string) bool { return c != "" }) {
				rec = rec[:h]
			}
			switch {
			case len(rec) != h:
				if row.Err == nil || row.Err.Code != CodeWrongCellCount {
					t.Fatalf("row %d: %q, error %v; encoding/csv reads %d cells, the header %d", i, row.Cells, row.Err, len(rec), h)
				}
			case row.Err != nil || !slices.Equal(row.Cells, rec):
				t.Fatalf("row %d: %q, error %v; encoding/csv reads %q", i, row.Cells, row.Err, rec)
			}
		}
	})
}
