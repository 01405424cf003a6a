package exporter

import (
	"encoding/csv"
	"io"

	"github.com/xuri/excelize/v2"

	"roster"
)

// sink writes rows, the header first, in one file format.
type sink interface {
	row(cells []string) error
	// close finishes the file.
	close() error
	// abort releases what the sink holds after a failure.
	abort()
}

// csvSink writes UTF-8 CSV with a byte order mark, so Excel reads it as
// UTF-8, and with formula-like cells neutralized.
type csvSink struct {
	out     io.Writer
	w       *csv.Writer
	started bool
	cells   []string
}

func newCSVSink(w io.Writer) *csvSink {
	// Plain \n line ends: csv.Writer's UseCRLF would also turn the \n
	// inside multi-line cells into \r\n and change the values.
	return &csvSink{out: w, w: csv.NewWriter(w)}
}

func (s *csvSink) row(cells []string) error {
	if !s.started {
		s.started = true
		if _, err := io.WriteString(s.out, "\ufeff"); err != nil {
			return err
		}
	}
	s.cells = s.cells[:0]
	for _, c := range cells {
		s.cells = append(s.cells, roster.NeutralizeCell(c))
	}
	return s.w.Write(s.cells)
}

func (s *csvSink) close() error {
	s.w.Flush()
	return s.w.Error()
}

func (s *csvSink) abort() { s.w.Flush() }

// xlsxSink writes one sheet with excelize's StreamWriter, which keeps the
// rows in a temporary file rather than in memory.
//
// Every cell is written as a string (an inline string cell), never as a
// number or a formula: a text cell in an XLSX file is never evaluated,
// whatever it starts with, so no neutralization is needed and phones keep
// their + and ids their leading zeros. Only values that start like an
// already neutralized cell ('=…) get an apostrophe, because the importer
// strips that prefix from XLSX cells too.
type xlsxSink struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	header []string
	n      int
	vals   []any
}

func newXLSXSink(w io.Writer, sheet string) (*xlsxSink, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxSink{out: w, f: f, sw: sw}, nil
}

func (s *xlsxSink) row(cells []string) error {
	s.n++
	if s.n > excelize.TotalRows {
		return roster.Errorf(roster.EINVALID, "an XLSX sheet holds at most %d rows; export as CSV", excelize.TotalRows-1)
	}
	if s.header == nil {
		s.header = append([]string{}, cells...)
	}
	s.vals = s.vals[:0]
	for i, c := range cells {
		// excelize would silently cut a longer cell.
		if utf16Len(c) > excelize.TotalCellChars {
			return roster.Errorf(roster.EINVALID, "row %d, %s: an XLSX cell holds at most %d characters; export as CSV",
				s.n, s.header[i], excelize.TotalCellChars).With("field", s.header[i])
		}
		if roster.LooksNeutralized(c) {
			c = "'" + c
		}
		s.vals = append(s.vals, c)
	}
	cell, err := excelize.CoordinatesToCellName(1, s.n)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, s.vals)
}

func (s *xlsxSink) close() error {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return err
	}
	return s.f.Write(s.out)
}

func (s *xlsxSink) abort() { s.f.Close() }

// utf16Len is the length of s in UTF-16 code units, the unit of Excel's
// cell limit.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
