package tabular

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// sniffBytes is how much raw input is examined to choose the encoding; a
// large window catches the first non-ASCII name in a long ASCII file.
const sniffBytes = 1 << 20

// delimSniffBytes and delimSniffLines bound the decoded text examined to
// choose the delimiter.
const (
	delimSniffBytes = 64 << 10
	delimSniffLines = 50
)

// csvReader implements Reader for delimited text.
type csvReader struct {
	p      *csvParser
	info   Info
	header []string
	cells  []string
	utf8   bool             // input passed through undecoded: validate cells instead
	single *charmap.Charmap // the single-byte encoding read, if it is one
	buf    []byte
	hold   footerHold
}

// NewCSV reads delimited text from r, detecting encoding and delimiter
// unless opts fixes them. Errors about the content are *FatalError.
//
// Rows: blank lines and rows whose cells are all empty are skipped; a row
// with more cells than the header is accepted when the extra cells are
// empty (Excel writes those) and trimmed to the header's width; any other
// count mismatch gives Row.Err with code "wrong_cell_count". A report's
// footer below the rows is not returned as rows: see Footer.
func NewCSV(r io.Reader, opts Options) (Reader, error) {
	// Read the sniff window into a buffer that grows only as needed, so
	// small uploads do not cost a full window.
	var sb bytes.Buffer
	if _, err := sb.ReadFrom(io.LimitReader(r, sniffBytes)); err != nil {
		return nil, fatalf(CodeIO, "cannot read the file: %v", err)
	}
	sample := sb.Bytes()
	truncated := len(sample) == sniffBytes
	if len(sample) == 0 {
		return nil, fatalf(CodeEmptyFile, "the file is empty")
	}
	var d detection
	if opts.Encoding != "" {
		var ok bool
		if d.enc, ok = lookupEncoding(opts.Encoding); !ok {
			return nil, fatalf(CodeBadOption, "unknown encoding %q", opts.Encoding)
		}
		if bomEnc, n, ok := detectBOM(sample); ok && bomEnc == d.enc {
			d.skip = n
		}
	} else {
		var ferr *FatalError
		if d, ferr = detectEncoding(sample, truncated); ferr != nil {
			return nil, ferr
		}
	}
	c := &csvReader{info: Info{Format: "csv"}}
	c.reading(d.enc)
	size := 0 // unknown
	if !truncated {
		size = len(sample) - d.skip
	}
	// A switch comes after plain ASCII, or bytes both read alike.
	text := newGuardedText(io.MultiReader(bytes.NewReader(sample[d.skip:]), r), size, d, c.reading)

	// Look at the decoded start for "sep=" and the delimiter.
	tb := bufio.NewReaderSize(text, delimSniffBytes)
	head, err := tb.Peek(delimSniffBytes)
	if fe := (*FatalError)(nil); errors.As(err, &fe) {
		return nil, fe // the encoding, told from a line further on
	}
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fatalf(CodeIO, "cannot read the file: %v", err)
	}
	headTruncated := err == nil
	if len(head) == 0 {
		return nil, fatalf(CodeEmptyFile, "the file is empty")
	}
	firstLine := 1
	delim := opts.Delimiter
	if d, n, ok := sepLine(head); ok {
		if delim == 0 {
			delim = d
		}
		tb.Discard(n)
		head = head[n:]
		firstLine = 2
	}
	if delim == 0 {
		delim = rune(detectDelimiter(sniffLines(head, delimSniffLines, headTruncated)))
	}
	if delim >= utf8.RuneSelf || delim == '"' || delim == '\r' || delim == '\n' {
		return nil, fatalf(CodeBadOption, "delimiter %q is not supported; use an ASCII character other than a quote or line end", delim)
	}
	if n := preambleLines(head, byte(delim), opts.maxCell(), firstLine); n > 0 {
		if skip := skipLines(head, n); skip > 0 {
			tb.Discard(skip)
			head = head[skip:]
			firstLine += n
			if opts.Delimiter == 0 { // the notes told nothing of it
				delim = rune(detectDelimiter(sniffLines(head, delimSniffLines, headTruncated)))
			}
		}
	}

	c.p = newCSVParser(tb, byte(delim), opts.maxCell(), firstLine)
	c.info.Delimiter = string(delim)
	for {
		if err := c.read(); err != nil {
			if err == io.EOF {
				return nil, fatalf(CodeEmptyFile, "the file has no header row")
			}
			return nil, err
		}
		if !allEmpty(c.cells) {
			break
		}
	}
	if col := c.badEncodingColumn(); col >= 0 {
		return nil, fatalf(CodeBadEncoding, "header column %d is not valid %s text", col+1, c.info.Encoding)
	}
	h, ferr := cleanHeader(c.cells)
	if ferr != nil {
		return nil, ferr
	}
	c.header = h
	return c, nil
}

// read parses the next record into c.cells, converting parser errors to
// FatalError.
func (c *csvReader) read() error {
	err := c.p.next()
	if err != nil {
		var big *fieldTooLarge
		var open *unterminatedQuote
		switch {
		case err == io.EOF:
			return err
		case errors.As(err, &big):
			return fatalf(CodeCellTooLarge, "the cell in row %d, column %s is larger than %d bytes", big.line, c.columnName(big.field), c.p.maxCell)
		case errors.As(err, &open):
			return fatalf(CodeUnterminatedQuote, "the quoted cell starting in row %d, column %s is never closed", open.line, c.columnName(open.field))
		case errors.As(err, new(*FatalError)):
			return err // the encoding, told late
		case err == errRowTooLarge:
			return fatalf(CodeTooLarge, "row %d is too large (over %d cells or %d bytes)", c.p.startLine, maxRowCells, maxRowBytes)
		default:
			return fatalf(CodeIO, "cannot read the file: %v", err)
		}
	}
	// One string per record; cells are slices of it.
	s := string(c.p.rec)
	c.cells = c.cells[:0]
	start := 0
	for _, end := range c.p.ends {
		c.cells = append(c.cells, excelText(s[start:end]))
		start = end
	}
	return nil
}

// excelText returns the text of a cell written as Excel's text formula,
// ="0042" (or "=""0042""" quoted): exports write numbers so, phones and
// ids above all, for Excel to keep their leading zeros and digits, and
// Excel shows the text alone. Any other formula is left as it is.
func excelText(cell string) string {
	if len(cell) < 3 || cell[0] != '=' || cell[1] != '"' || cell[len(cell)-1] != '"' {
		return cell
	}
	inner := cell[2 : len(cell)-1]
	if !strings.Contains(inner, `"`) {
		return inner
	}
	// In a formula's string a quote is doubled; a lone one ends the
	// string (="a"&"b"), and the cell is a formula, not text.
	if strings.Count(inner, `"`) != 2*strings.Count(inner, `""`) {
		return cell
	}
	return strings.ReplaceAll(inner, `""`, `"`)
}

// columnName names a 0-based column by number and, once known, header name.
func (c *csvReader) columnName(i int) string {
	if i < len(c.header) {
		return fmt.Sprintf("%d (%q)", i+1, c.header[i])
	}
	return fmt.Sprint(i + 1)
}

var replacementChar = []byte("\uFFFD")

// badEncodingColumn returns the first cell that failed to decode, or -1.
func (c *csvReader) badEncodingColumn() int {
	rec := c.p.rec
	if c.utf8 {
		if utf8.Valid(rec) {
			return -1
		}
		for i, cell := range c.cells {
			if !utf8.ValidString(cell) {
				return i
			}
		}
		return -1
	}
	// Decoders turn undecodable input into U+FFFD.
	if !bytes.Contains(rec, replacementChar) {
		return -1
	}
	for i, cell := range c.cells {
		if strings.ContainsRune(cell, utf8.RuneError) {
			return i
		}
	}
	return -1
}

// reading notes the encoding the text is decoded in: detection's, then
// any the guarded reading switches to.
func (c *csvReader) reading(e textEncoding) {
	c.info.Encoding, c.utf8 = e.name, e.enc == nil
	c.single, _ = e.enc.(*charmap.Charmap)
}

// utf8Column returns the first cell that is UTF-8 text read in the file's
// single-byte encoding, or -1 (see utf8Cell).
func (c *csvReader) utf8Column() int {
	for i, cell := range c.cells {
		if !hasHigh(cell) {
			continue
		}
		var ok bool
		if c.buf, ok = utf8Cell(cell, c.single, c.buf); ok {
			return i
		}
	}
	return -1
}

func (c *csvReader) Header() []string { return c.header }
func (c *csvReader) Info() Info       { return c.info }
func (c *csvReader) Close() error     { return nil }

func (c *csvReader) Next() (Row, error) {
	for {
		if row, ok := c.hold.pop(); ok {
			return row, nil
		}
		if err := c.read(); err != nil {
			if err == io.EOF && c.hold.end() {
				continue // the held lines were rows after all
			}
			return Row{}, err
		}
		if allEmpty(c.cells) {
			c.hold.blank = true
			continue
		}
		row := c.row()
		if row, ok := c.hold.take(row, narrowLine(row.Cells, len(c.header)), len(c.p.rec), c.p.endLine, len(c.header)); ok {
			return row, nil
		}
	}
}

// Footer implements FooterReader.
func (c *csvReader) Footer() *Footer { return c.hold.found }

// row makes the record read a row, with its error.
func (c *csvReader) row() Row {
	row := Row{Number: c.p.startLine, Cells: c.cells}
	n, h := len(c.cells), len(c.header)
	if n > h && allEmpty(c.cells[h:]) {
		c.cells = c.cells[:h]
		row.Cells, n = c.cells, h
	}
	col, nul, u8 := c.badEncodingColumn(), -1, -1
	if col < 0 && bytes.IndexByte(c.p.rec, 0) >= 0 {
		nul = slices.IndexFunc(c.cells, func(cell string) bool { return strings.IndexByte(cell, 0) >= 0 })
	}
	if col < 0 && c.single != nil && hasHigh(c.p.rec) {
		u8 = c.utf8Column()
	}
	switch {
	case col >= 0:
		row.Err = &RowError{Column: col, Code: CodeBadEncoding, Message: fmt.Sprintf("cell is not valid %s text", c.info.Encoding)}
	case u8 >= 0:
		row.Err = &RowError{Column: u8, Code: CodeBadEncoding, Message: fmt.Sprintf("cell is UTF-8 text in a %s file (read as %[1]s it is %q); save the whole file as UTF-8", c.info.Encoding, c.cells[u8])}
	case nul >= 0:
		row.Err = &RowError{Column: nul, Code: CodeBadEncoding, Message: "cell holds a NUL character (a zero byte), which text does not"}
	case n != h:
		row.Err = &RowError{Column: -1, Code: CodeWrongCellCount, Message: fmt.Sprintf("row has %d cells; the header has %d", n, h)}
	case c.p.badQuote >= 0:
		row.Err = &RowError{Column: c.p.badQuote, Code: CodeBadQuote, Message: fmt.Sprintf("cell %d has text after its closing quote", c.p.badQuote+1)}
	}
	// A quote left open takes the lines below into its cell, until
	// another quote closes it: name them, or they would go unmentioned.
	if row.Err != nil && row.Err.Code != CodeBadEncoding && c.p.endLine > c.p.startLine {
		row.Err.Message += fmt.Sprintf(" (the row runs from line %d to line %d: a quote may be missing its closing quote, and the lines below it were read into its cell)", c.p.startLine, c.p.endLine)
	}
	return row
}
