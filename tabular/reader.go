package tabular

import (
	"bytes"
	"errors"
	"io"
	"os"
)

// DefaultMaxCellBytes is the cell size limit used when Options.MaxCellBytes is 0.
const DefaultMaxCellBytes = 1 << 20

// Options tunes how a file is read; the zero value detects everything.
type Options struct {
	Encoding     string // "" = detect; else a name like "utf-8", "utf-16le", "windows-1250", "cp949", "gbk", "big5", "shift_jis"
	Delimiter    rune   // 0 = detect among ',' ';' '\t' '|'
	Sheet        string // XLSX: "" = first visible worksheet
	MaxCellBytes int    // 0 = DefaultMaxCellBytes; a bigger cell is a fatal error naming row and column
}

func (o Options) maxCell() int {
	if o.MaxCellBytes <= 0 {
		return DefaultMaxCellBytes
	}
	return o.MaxCellBytes
}

// Info describes what was detected about the file.
type Info struct {
	Format    string // "csv" or "xlsx"
	Encoding  string // CSV: canonical encoding name such as "utf-8", "cp949"; "" for XLSX
	Delimiter string // CSV: the delimiter as a one-character string; "" for XLSX
	Sheet     string // XLSX: the sheet read; "" for CSV
}

// Row is one data record.
type Row struct {
	// Number is the record's row number in the file: for CSV the line on
	// which the record starts (header = 1 unless a "sep=" line precedes it),
	// for XLSX the sheet row number.
	Number int
	// Cells holds one string per header column. The slice (not the strings)
	// is reused by the next call to Next: copy it to keep it.
	Cells []string
	// Err is non-nil when this row cannot be used; the reader goes on.
	Err *RowError
}

// Reader streams the rows of one file. Blank rows are skipped.
type Reader interface {
	// Header returns the trimmed, validated header cells.
	Header() []string
	// Info returns what was detected about the file.
	Info() Info
	// Next returns the next row, io.EOF at the end; any other error is fatal.
	Next() (Row, error)
	// Close releases the underlying file, if the Reader opened it.
	Close() error
}

// Reopener is a Reader that can start again from its first row more
// cheaply than the file can be opened again (an XLSX reader keeps the
// workbook's shared strings). Reopen closes the Reader it is called on.
type Reopener interface {
	Reopen() (Reader, error)
}

// Narrower is a Reader that can be told which columns its caller reads,
// for a pass that counts rows and looks at a few columns only. The cells
// of the other columns then hold an unspecified text, empty where the
// cell is (so blank rows are still skipped), and cost less to read: an
// XLSX reader does not look their shared strings up, which was a third
// of a 1M-row workbook's counting pass. Row numbers and errors are as
// they would be without it, except that the other columns' cells are no
// longer read back from a table spilled to a temporary file.
type Narrower interface {
	Narrow(keep []bool)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Open reads the file at path, choosing XLSX (zip magic) or delimited text.
// Errors about the file's content are *FatalError.
func Open(path string, opts Options) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [512]byte
	n, err := io.ReadFull(f, magic[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fatalf(CodeIO, "cannot read the file: %v", err)
	}
	var r Reader
	switch {
	case bytes.HasPrefix(magic[:n], zipMagic):
		st, serr := f.Stat()
		if serr != nil {
			f.Close()
			return nil, serr
		}
		r, err = NewXLSX(f, st.Size(), opts)
	case bytes.HasPrefix(magic[:n], oleMagic):
		err = errOLE
	case notASheet(magic[:n]) != nil:
		err = notASheet(magic[:n])
	default:
		if _, err = f.Seek(0, io.SeekStart); err == nil {
			r, err = NewCSV(f, opts)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	if _, ok := r.(Reopener); ok {
		return &reopenableFile{fileReader{Reader: r, f: f}}, nil
	}
	return &fileReader{Reader: r, f: f}, nil
}

// notASheet names documents people send for a spreadsheet (a PDF, a
// Word RTF, an HTML table some systems save as .xls), which would read as
// text with one odd column, or nil.
func notASheet(head []byte) *FatalError {
	h := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n"))
	switch {
	case bytes.HasPrefix(h, []byte("%pdf-")):
		return fatalf(CodeNotText, "the file is a PDF document, not a spreadsheet; export the data as CSV or XLSX")
	case bytes.HasPrefix(h, []byte("{\\rtf")):
		return fatalf(CodeNotText, "the file is an RTF document, not a spreadsheet; save the table as CSV or XLSX")
	case bytes.HasPrefix(h, []byte("<!doctype html")), bytes.HasPrefix(h, []byte("<html")), bytes.HasPrefix(h, []byte("<table")):
		return fatalf(CodeNotText, "the file is an HTML page (some systems save a table as .xls this way); open it in a spreadsheet and save it as CSV or XLSX")
	}
	return nil
}

var errOLE = fatalf(CodeEncrypted, "the file is a password-protected workbook or an old .xls file; save it as .xlsx without a password, or as CSV")

// fileReader closes the os.File that Open opened.
type fileReader struct {
	Reader
	f *os.File
}

func (r *fileReader) Close() error {
	err := r.Reader.Close()
	if r.f == nil {
		return err // reopened: the file went with the new reader
	}
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	r.f = nil
	return err
}

// Footer returns the footer the reader within skipped (FooterReader).
func (r *fileReader) Footer() *Footer {
	if f, ok := r.Reader.(FooterReader); ok {
		return f.Footer()
	}
	return nil
}

// reopenableFile is a fileReader whose reader can be reopened.
type reopenableFile struct{ fileReader }

// Reopen reopens the reader within, which goes on reading the same file:
// the new reader closes it.
func (r *reopenableFile) Reopen() (Reader, error) {
	f := r.f
	if f == nil {
		return nil, errors.New("reopen of a closed reader")
	}
	again, err := r.Reader.(Reopener).Reopen()
	r.f = nil
	if err != nil {
		f.Close()
		return nil, err
	}
	return &reopenableFile{fileReader{Reader: again, f: f}}, nil
}

// Narrow narrows the reader within, where it can be (Narrower).
func (r *reopenableFile) Narrow(keep []bool) {
	if n, ok := r.Reader.(Narrower); ok {
		n.Narrow(keep)
	}
}
