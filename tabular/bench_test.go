package tabular

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"
)

// benchCSV builds n rows of 10 columns of contact-like data.
func benchCSV(n int, korean bool) []byte {
	var b strings.Builder
	b.WriteString("id,first,last,email,phone,company,city,country,zip,note\n")
	for i := 0; i < n; i++ {
		if korean {
			fmt.Fprintf(&b, "%d,길동%d,홍,user%d@example.kr,010-%04d-%04d,\"주식회사 한빛, 서울\",서울특별시,대한민국,%05d,메모 %d\n", i, i, i, i%10000, i%7919, i%99999, i)
		} else {
			fmt.Fprintf(&b, "%d,John%d,Smith,user%d@example.com,+1-555-%04d,\"Acme, Inc.\",Springfield,US,%05d,note %d\n", i, i, i, i%10000, i%99999, i)
		}
	}
	return []byte(b.String())
}

func runCSVBench(b *testing.B, data []byte, wantEnc string) {
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	rows := 0
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r, err := NewCSV(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if r.Info().Encoding != wantEnc {
			b.Fatalf("encoding %s", r.Info().Encoding)
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil || row.Err != nil {
				b.Fatal(err, row.Err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}

func BenchmarkCSV(b *testing.B) {
	utf := benchCSV(100_000, false)
	kr, _, err := transform.Bytes(korean.EUCKR.NewEncoder(), benchCSV(100_000, true))
	if err != nil {
		b.Fatal(err)
	}
	// German, which windows-1250 reads the same: decoded while watched.
	de, _, err := transform.Bytes(charmap.Windows1252.NewEncoder(), bytes.ReplaceAll(utf, []byte("Smith"), []byte("Müßig")))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("utf8", func(b *testing.B) { runCSVBench(b, utf, "utf-8") })
	b.Run("cp949", func(b *testing.B) { runCSVBench(b, kr, "cp949") })
	b.Run("windows-1252", func(b *testing.B) { runCSVBench(b, de, "windows-1252") })
}

// writeBenchXLSX writes an n-row, 10-column sheet with the stream writer.
func writeBenchXLSX(b testing.TB, path string, n int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"id", "first", "last", "email", "phone", "company", "city", "country", "zip", "score"})
	row := make([]any, 10)
	for i := 2; i <= n+1; i++ {
		row[0], row[1], row[2], row[3] = i, fmt.Sprintf("John%d", i), "Smith", fmt.Sprintf("user%d@example.com", i)
		row[4], row[5], row[6], row[7] = 4915112345678+i, "Acme, Inc.", "Springfield", "US"
		row[8], row[9] = fmt.Sprintf("%05d", i%99999), float64(i)/7
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkXLSX(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	writeBenchXLSX(b, path, 100_000)
	b.ResetTimer()
	rows := 0
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil || row.Err != nil {
				b.Fatal(err, row.Err)
			}
			rows++
		}
		r.Close()
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}

// BenchmarkXLSXSharedStrings reads 100k rows of 3 shared strings each,
// as Excel writes them (in order of first use, a third of them used
// again), the table in memory and in its temporary file.
func BenchmarkXLSXSharedStrings(b *testing.B) {
	const n = 200_000
	refs := make([]int, 0, 300_000)
	for i := range 100_000 {
		refs = append(refs, 2*i, 2*i+1, i%1000)
	}
	data := sstWorkbook(b, n, refs)
	for _, c := range []struct {
		name      string
		mem, ends int
	}{{"memory", 16 << 20, sstMemEnds}, {"file", 0, sstMemEnds}, {"file-ends-in-file", 0, 0}} {
		b.Run(c.name, func(b *testing.B) {
			defer func(m, e int) { sstMemBytes, sstMemEnds = m, e }(sstMemBytes, sstMemEnds)
			sstMemBytes, sstMemEnds = c.mem, c.ends
			for b.Loop() {
				r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
				r.Close()
			}
		})
	}
}

// BenchmarkSniffEncoding times encoding detection on a full sniff window
// of legacy text, the case that decodes the sample with every candidate.
func BenchmarkSniffEncoding(b *testing.B) {
	kr, _, err := transform.Bytes(korean.EUCKR.NewEncoder(), benchCSV(20_000, true))
	if err != nil {
		b.Fatal(err)
	}
	line, err := charmap.Windows1252.NewEncoder().String("1,Jürgen,Groß,j@x.de,+49 30 1234,\"Müller GmbH\",Köln,DE,50667,Café Crème für René\n")
	if err != nil {
		b.Fatal(err)
	}
	var west bytes.Buffer
	for west.Len() < sniffBytes {
		west.WriteString(line)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{"cp949", kr[:sniffBytes]}, {"windows-1252", west.Bytes()[:sniffBytes]}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, _, ferr := sniffEncoding(c.data, true); ferr != nil {
					b.Fatal(ferr)
				}
			}
		})
	}
}
