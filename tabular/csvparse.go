package tabular

import (
	"bytes"
	"errors"
	"io"
)

// maxRowBytes and maxRowCells bound one record whatever MaxCellBytes is,
// so a file without line ends cannot exhaust memory.
const (
	maxRowBytes = 64 << 20
	maxRowCells = 1 << 16
)

// csvParser is a streaming RFC 4180 parser. It is written here rather than
// using encoding/csv because that package rewrites CRLF inside quoted
// fields to LF (changing cell values), does not end lines at a lone CR
// (old Mac files), has no cell size limit and stops at a stray quote.
//
// Leniency, chosen so that one bad quote does not lose the file:
//   - a quote inside an unquoted field is kept as a literal character;
//   - text after a closing quote ("ab"c) is appended to the cell and the
//     row is flagged with a bad_quote error;
//   - a quoted field still open at the end of the file is fatal.
type csvParser struct {
	r     io.Reader
	buf   []byte
	pos   int
	end   int
	eof   bool
	rdErr error

	delim   byte
	maxCell int

	line      int    // current physical line, 1-based
	rec       []byte // field bytes of the current record, back to back
	ends      []int  // end offset in rec of each field
	quoted    []bool // whether each field was quoted
	startLine int    // line on which the current record starts
	endLine   int    // line on which the current record ends
	badQuote  int    // field index of a malformed closing quote, or -1
	lastCR    bool   // the quoted text counted so far ended with CR
}

func newCSVParser(r io.Reader, delim byte, maxCell, firstLine int) *csvParser {
	return &csvParser{r: r, buf: make([]byte, 64<<10), delim: delim, maxCell: maxCell, line: firstLine}
}

// fill reads more input, keeping unread bytes. It reports whether any
// unread byte is available.
func (p *csvParser) fill() bool {
	if p.pos < p.end {
		return true
	}
	p.pos, p.end = 0, 0
	for !p.eof && p.end == 0 {
		n, err := p.r.Read(p.buf)
		p.end = n
		if err != nil {
			p.eof = true
			if err != io.EOF {
				p.rdErr = err
			}
		}
	}
	return p.end > 0
}

// fieldTooLarge is returned when a cell exceeds maxCell.
type fieldTooLarge struct{ line, field int }

func (e *fieldTooLarge) Error() string { return "cell too large" }

var errRowTooLarge = errors.New("row too large")

// unterminatedQuote is returned when a quoted field is open at the end of input.
type unterminatedQuote struct{ line, field int }

func (e *unterminatedQuote) Error() string { return "unterminated quote" }

// next parses one record into p.rec/p.ends. It returns io.EOF at the end.
func (p *csvParser) next() error {
	p.rec, p.ends, p.quoted = p.rec[:0], p.ends[:0], p.quoted[:0]
	p.badQuote = -1
	p.startLine = p.line
	if !p.fill() {
		if p.rdErr != nil {
			return p.rdErr
		}
		return io.EOF
	}
	for {
		fieldStart := len(p.rec)
		quoted := false
		if p.fill() && p.buf[p.pos] == '"' {
			p.pos++
			quoted = true
			if err := p.readQuoted(fieldStart); err != nil {
				return err
			}
		}
		if err := p.readUnquoted(fieldStart); err != nil {
			return err
		}
		p.ends = append(p.ends, len(p.rec))
		p.quoted = append(p.quoted, quoted)
		if len(p.ends) > maxRowCells || len(p.rec) > maxRowBytes {
			return errRowTooLarge
		}
		p.endLine = p.line
		if !p.fill() {
			if p.rdErr != nil {
				return p.rdErr
			}
			return nil
		}
		switch c := p.buf[p.pos]; c {
		case p.delim:
			p.pos++
			continue
		case '\n':
			p.pos++
		case '\r':
			p.pos++
			if p.fill() && p.buf[p.pos] == '\n' {
				p.pos++
			}
		}
		p.line++
		return nil
	}
}

// readUnquoted appends bytes up to the delimiter or a line end.
func (p *csvParser) readUnquoted(fieldStart int) error {
	for p.fill() {
		chunk := p.buf[p.pos:p.end]
		i := 0
		for ; i < len(chunk); i++ {
			if c := chunk[i]; c == p.delim || c == '\n' || c == '\r' {
				break
			}
		}
		p.rec = append(p.rec, chunk[:i]...)
		p.pos += i
		if len(p.rec)-fieldStart > p.maxCell {
			return &fieldTooLarge{p.startLine, len(p.ends)}
		}
		if i < len(chunk) {
			return nil
		}
	}
	return nil
}

// readQuoted appends the content of a quoted field whose opening quote was
// consumed, up to and including its closing quote.
func (p *csvParser) readQuoted(fieldStart int) error {
	p.lastCR = false
	for {
		if !p.fill() {
			if p.rdErr != nil {
				return p.rdErr
			}
			return &unterminatedQuote{p.startLine, len(p.ends)}
		}
		chunk := p.buf[p.pos:p.end]
		i := bytes.IndexByte(chunk, '"')
		if i < 0 {
			p.countLines(chunk)
			p.rec = append(p.rec, chunk...)
			p.pos = p.end
		} else {
			p.countLines(chunk[:i])
			p.rec = append(p.rec, chunk[:i]...)
			p.pos += i + 1
			if p.fill() && p.buf[p.pos] == '"' { // doubled quote
				p.rec = append(p.rec, '"')
				p.pos++
				p.lastCR = false
			} else {
				if p.fill() {
					if c := p.buf[p.pos]; c != p.delim && c != '\n' && c != '\r' && p.badQuote < 0 {
						p.badQuote = len(p.ends)
					}
				}
				return p.checkSize(fieldStart)
			}
		}
		if err := p.checkSize(fieldStart); err != nil {
			return err
		}
	}
}

func (p *csvParser) checkSize(fieldStart int) error {
	if len(p.rec)-fieldStart > p.maxCell {
		return &fieldTooLarge{p.startLine, len(p.ends)}
	}
	return nil
}

// countLines advances the line counter over line breaks inside a quoted
// field. A CR that ends a chunk may be half of a CRLF split across reads;
// it is counted and the following LF skipped.
func (p *csvParser) countLines(b []byte) {
	for i, c := range b {
		switch c {
		case '\n':
			if !(i > 0 && b[i-1] == '\r') && !(i == 0 && p.lastCR) {
				p.line++
			}
		case '\r':
			p.line++
		}
	}
	if len(b) > 0 {
		p.lastCR = b[len(b)-1] == '\r'
	}
}
