package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
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
	for _, s := range []string{"a,b\n1,2\n", "sep=;\na;b\r1;\"x\r\ny\"\r", "\xff\xfea\x00,\x00b\x00", "a\tb\n\"x\"y\t2\n", "h\n\"open"} {
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
