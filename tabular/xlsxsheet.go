package tabular

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxColumns is Excel's column limit (XFD); it bounds gap filling.
const maxColumns = 16384

// sheetParser streams the rows of a worksheet part.
type sheetParser struct {
	tok    *xmlTok
	wb     *workbook
	name   string
	inData bool // inside <sheetData>
	done   bool

	rowNum int
	cells  []string
	rowErr *RowError
	// width is the header's, once read: cells beyond it are not kept,
	// and beyond is the first of them that holds a value, or -1. A row
	// of a few bytes may name the last column (XFD); filling the 16,384
	// cells before it, row after row, made a 3 KB workbook take a second
	// for 20,000 rows.
	width  int
	beyond int
	// elide are the columns whose text the caller does not read
	// (Narrower): their shared strings are not looked up. elidedCol is
	// the row's first cell so elided, or -1, and elidedIdx its string.
	elide                []bool
	elidedCol, elidedIdx int
	// texts counts the row's cells with a value that is not a number:
	// a row of one is shaped as a footer's line may be.
	texts int
	// expanded counts the text of the shared strings the cells name, up
	// to maxExpanded (see expand).
	expanded, maxExpanded int64

	// current cell
	col      int
	typ      string
	style    int
	val      []byte
	inV, inT bool
	inIS     bool
	inCell   bool
	phonetic int
}

func newSheetParser(r io.Reader, wb *workbook, name string) *sheetParser {
	return &sheetParser{tok: newXMLTok(bufio.NewReaderSize(r, 256<<10), wb.maxCell+1024), wb: wb, name: name}
}

// CellRef returns the A1-style reference of a 0-based column and a row number.
func CellRef(col, row int) string {
	var b [8]byte
	i := len(b)
	for col++; col > 0; col = (col - 1) / 26 {
		i--
		b[i] = byte('A' + (col-1)%26)
	}
	return string(b[i:]) + strconv.Itoa(row)
}

// parseRef returns the 0-based column of a reference like "AB12".
func parseRef(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxColumns {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return col - 1, true
}

func atoiBytes(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func (s *sheetParser) fail(err error) error {
	if err == errTokenTooLong {
		return fatalf(CodeCellTooLarge, "a cell in row %d of the sheet is larger than %d bytes", s.rowNum, s.wb.maxCell)
	}
	return partError(s.name, err)
}

// orDamage returns the error of a damaged part instead of err, a fault
// found in the sheet's XML, when the rest of the part shows damage: a
// corrupt part inflates to garbage before its checksum fails.
func (s *sheetParser) orDamage(err error) error {
	var fe *FatalError
	if !errors.As(err, &fe) || (fe.Code != CodeBadXLSX && fe.Code != CodeCellTooLarge) {
		return err
	}
	if _, derr := io.Copy(io.Discard, s.tok.br); derr != nil && damaged(derr) {
		return partError(s.name, derr)
	}
	return err
}

// finish reads the part to its end after the sheet data, so that a
// damaged part fails its checksum before any row is used: the counting
// pass reads every row, and its error comes before the import writes.
func (s *sheetParser) finish() error {
	return drainPart(s.name, s.tok.br)
}

// nextRow reads the next <row> into s.cells. It returns false at the end
// of the sheet data.
func (s *sheetParser) nextRow() (bool, error) {
	if s.done {
		return false, nil
	}
	inRow := false
	for {
		s.tok.discard = !(s.inV || (s.inIS && s.inT && s.phonetic == 0))
		t, err := s.tok.next()
		if err == io.EOF {
			s.done = true
			if inRow {
				return false, fatalf(CodeBadXLSX, "the worksheet XML ends inside row %d", s.rowNum)
			}
			return false, nil
		}
		if err != nil {
			return false, s.fail(err)
		}
		switch t.kind {
		case tokText, tokCDATA:
			if s.inV || (s.inIS && s.inT && s.phonetic == 0) {
				if t.kind == tokText {
					s.val = appendUnescaped(s.val, t.data)
				} else {
					s.val = append(s.val, t.data...)
				}
				if len(s.val) > s.wb.maxCell {
					return false, fatalf(CodeCellTooLarge, "cell %s is larger than %d bytes", CellRef(s.col, s.rowNum), s.wb.maxCell)
				}
			}
		case tokStart, tokEmpty:
			empty := t.kind == tokEmpty
			switch string(t.name) {
			case "sheetData":
				s.inData = !empty
			case "row":
				if !s.inData {
					continue
				}
				if r, ok := attr(t.attrs, "r"); ok {
					if n, ok := atoiBytes(r); ok {
						s.rowNum = n
					} else {
						s.rowNum++
					}
				} else {
					s.rowNum++
				}
				s.cells, s.rowErr, s.col, s.inCell, s.beyond = s.cells[:0], nil, -1, false, -1
				s.texts, s.elidedCol = 0, -1
				if empty {
					return true, nil
				}
				inRow = true
			case "c":
				if !inRow {
					continue
				}
				s.startCell(t.attrs)
				if empty {
					if err := s.endCell(); err != nil {
						return false, err
					}
				} else if err := s.fastCell(); err != nil {
					return false, err
				}
			case "v":
				s.inV = !empty
			case "is":
				s.inIS = !empty
			case "t":
				s.inT = !empty
			case "rPh":
				if !empty {
					s.phonetic++
				}
			}
		case tokEnd:
			switch string(t.name) {
			case "sheetData":
				s.done = true
				return false, s.finish()
			case "row":
				if inRow {
					return true, nil
				}
			case "c":
				if inRow && s.inCell {
					if err := s.endCell(); err != nil {
						return false, err
					}
				}
			case "v":
				s.inV = false
			case "is":
				s.inIS = false
			case "t":
				s.inT = false
			case "rPh":
				s.phonetic = max(0, s.phonetic-1)
			}
		}
	}
}

// fastCells lets tests read every cell through the tokens, to compare.
var fastCells = true

// shape is a common form of an element around its text: the bytes
// before the text and after it.
type shape struct{ open, close []byte }

// The shapes nearly every writer gives a cell's content, whole, after
// its start tag: a value, or an inline string (with or without
// xml:space). Each ends the cell.
var cellShapes = []shape{
	{[]byte("<v>"), []byte("</v></c>")},
	{[]byte("<is><t>"), []byte("</t></is></c>")},
	{[]byte(`<is><t xml:space="preserve">`), []byte("</t></is></c>")},
}

// takeShaped returns the text, unescaped into dst, of the first of
// shapes that b starts with, and how many bytes of b the shape takes;
// ok is false unless one lies whole in b with its text within max bytes
// (the tokens report a text too large).
func takeShaped(b []byte, shapes []shape, max int, dst []byte) (text []byte, n int, ok bool) {
	for _, sh := range shapes {
		if !bytes.HasPrefix(b, sh.open) {
			continue
		}
		rest := b[len(sh.open):]
		end := bytes.IndexByte(rest, '<')
		if end < 0 || end > max || !bytes.HasPrefix(rest[end:], sh.close) {
			return dst, 0, false
		}
		if dst = appendUnescaped(dst[:0], rest[:end]); len(dst) > max {
			return dst, 0, false
		}
		return dst, len(sh.open) + end + len(sh.close), true
	}
	return dst, 0, false
}

// fastCell reads the rest of the cell just begun when it has one of the
// common shapes and lies whole in the read buffer, and then the next
// cells of the row as long as they do too: a sheet holds millions of
// cells, and the tokens of each cost more than the cell's text. Any other
// shape (a formula, rich text, white space between the tags, a cell cut
// by the buffer's end) is left to the tokens, in the cell where it is.
func (s *sheetParser) fastCell() error {
	if !fastCells {
		return nil
	}
	for s.fastContent() {
		if err := s.endCell(); err != nil {
			return err
		}
		for {
			started, empty := s.fastStart()
			if !started {
				return nil
			}
			if !empty {
				break
			}
			if err := s.endCell(); err != nil {
				return err
			}
		}
	}
	return nil
}

// fastContent takes a cell's content up to its end tag, if it has one of
// the common shapes.
func (s *sheetParser) fastContent() bool {
	v, n, ok := takeShaped(s.tok.buffered(), cellShapes, s.wb.maxCell, s.val)
	if !ok {
		return false
	}
	s.val = v
	s.tok.skip(n)
	return true
}

// fastStart begins the next cell if its start tag lies whole in the read
// buffer; empty reports a self-closing one, which the caller ends.
func (s *sheetParser) fastStart() (started, empty bool) {
	b := s.tok.buffered()
	if len(b) < 3 || b[0] != '<' || b[1] != 'c' {
		return false, false
	}
	end := bytes.IndexByte(b, '>')
	if end < 0 || end > s.tok.limit {
		return false, false
	}
	// The tag as the tokens split it: name, then attributes.
	tag := b[1:end]
	if empty = tag[len(tag)-1] == '/'; empty {
		tag = tag[:len(tag)-1]
	}
	var attrs []byte
	if i := bytes.IndexAny(tag, " \t\r\n"); i >= 0 {
		tag, attrs = tag[:i], tag[i+1:]
	}
	if string(tag) != "c" {
		return false, false
	}
	s.startCell(attrs)
	s.tok.skip(end + 1)
	return true, empty
}

func (s *sheetParser) startCell(attrs []byte) {
	col := s.col + 1
	s.typ = "n"
	s.style = 0
	// One pass over the attributes: a cell is read millions of times.
	for len(attrs) > 0 {
		key, val, rest, ok := nextAttr(attrs)
		if !ok {
			break
		}
		switch string(key) {
		case "r":
			if c, ok := parseRef(val); ok {
				col = c
			}
		case "t":
			s.typ = cellType(val)
		case "s":
			s.style, _ = atoiBytes(val)
		}
		attrs = rest
	}
	s.col = col
	s.val = s.val[:0]
	s.inV, s.inIS, s.inT, s.phonetic = false, false, false, 0
	s.inCell = true
}

// cellType maps the t attribute to a constant string without allocating.
func cellType(t []byte) string {
	switch string(t) {
	case "s":
		return "s"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return "n"
}

// endCell converts the collected value and stores it at its column.
func (s *sheetParser) endCell() error {
	s.inCell = false
	if s.col >= maxColumns {
		return fatalf(CodeBadXLSX, "cell %s is beyond the last Excel column", CellRef(s.col, s.rowNum))
	}
	var v string
	var rerr *RowError
	var err error
	if s.typ == "s" && s.col < len(s.elide) && s.elide[s.col] {
		v, rerr, err = s.elided()
	} else {
		v, rerr, err = s.cellText()
	}
	if err != nil {
		return err
	}
	if rerr != nil && s.rowErr == nil {
		rerr.Column, rerr.Ref = s.col, CellRef(s.col, s.rowNum)
		s.rowErr = rerr
	}
	switch {
	case v == "" && s.col >= len(s.cells):
		return nil // the row is padded with empty cells as it is read
	case s.width > 0 && s.col >= s.width:
		if s.beyond < 0 || s.col < s.beyond {
			s.beyond = s.col
		}
		return nil
	}
	if v != "" && s.typ != "n" {
		s.texts++
	}
	for len(s.cells) < s.col {
		s.cells = append(s.cells, "")
	}
	if s.col < len(s.cells) {
		s.cells[s.col] = v
	} else {
		s.cells = append(s.cells, v)
	}
	return nil
}

// elided stands for the text of a shared string cell whose column the
// caller does not read: whether the string is empty is known from the
// table's index alone, with the same error as cellText's for a string
// that does not exist.
func (s *sheetParser) elided() (string, *RowError, error) {
	i, ok := atoiBytes(s.val)
	if !ok {
		i = -1
	}
	n, err := s.wb.sst.size(i)
	switch {
	case err == errNoSharedString:
		return "", &RowError{Code: CodeBadCell, Message: fmt.Sprintf("shared string %q does not exist", s.val)}, nil
	case err != nil:
		return "", nil, sharedStringsReadError(err)
	case n == 0:
		return "", nil, nil
	}
	if err := s.expand(n); err != nil {
		return "", nil, err
	}
	if s.elidedCol < 0 {
		s.elidedCol, s.elidedIdx = s.col, i
	}
	return elidedText, nil, nil
}

// unelide puts back the text of the row's first elided cell: a footer's
// line is told by its text, and the counting pass must find the footer
// the import's pass finds.
func (s *sheetParser) unelide() error {
	if s.elidedCol < 0 || s.elidedCol >= len(s.cells) {
		return nil
	}
	v, err := s.wb.sst.get(s.elidedIdx)
	if err != nil {
		return sharedStringsReadError(err)
	}
	s.cells[s.elidedCol], s.elidedCol = v, -1
	return nil
}

// expand counts n bytes of shared string text given for a cell. A cell
// naming a shared string is a few bytes of XML whatever the string's
// length: a workbook of a few kilobytes whose rows all name one string of
// a megabyte gave gigabytes of rows (2,000 rows filled a 2 GB journal).
// The text so given is held to the zip bomb ratio, against the zipped
// size of the sheet and of the shared strings, as the XML read is; a
// workbook saved by Excel gives about as much text as it zips to.
func (s *sheetParser) expand(n int) error {
	s.expanded += int64(n)
	if s.expanded > ratioFloor && s.expanded > s.maxExpanded {
		return fatalf(CodeTooLarge, "cell %s: the sheet's cells repeat long shared strings, more than %d times the workbook's zipped size in all (possible zip bomb)",
			CellRef(s.col, s.rowNum), maxXLSXRatio)
	}
	return nil
}

// sharedStringsReadError is a failure to read the shared strings' file.
func sharedStringsReadError(err error) *FatalError {
	return fatalf(CodeBadXLSX, "cannot read the workbook's shared strings back from their temporary file: %v", err)
}

// elidedText is the text of an elided cell that holds a value.
const elidedText = "…"

// cellText renders the current cell as the text a person sees.
// An error is the shared strings' file failing.
func (s *sheetParser) cellText() (string, *RowError, error) {
	switch s.typ {
	case "s":
		i, ok := atoiBytes(s.val)
		if !ok {
			i = -1 // no such string
		}
		v, err := s.wb.sst.get(i)
		if err == errNoSharedString {
			return "", &RowError{Code: CodeBadCell, Message: fmt.Sprintf("shared string %q does not exist", s.val)}, nil
		}
		if err != nil {
			return "", nil, sharedStringsReadError(err)
		}
		if err := s.expand(len(v)); err != nil {
			return "", nil, err
		}
		return v, nil, nil
	case "inlineStr", "str":
		return unescapeOOXML(string(s.val)), nil, nil
	case "e":
		// An error value (#N/A, #REF!…), typed or a formula's cached
		// result: a failed lookup is not a company named "#N/A".
		v := unescapeOOXML(string(s.val))
		if v == "" {
			return "", nil, nil
		}
		return v, &RowError{Code: CodeCellError, Message: fmt.Sprintf("cell %s holds Excel's error %s, not a value", CellRef(s.col, s.rowNum), v)}, nil
	case "b":
		switch string(s.val) {
		case "1", "true":
			return "TRUE", nil, nil
		case "0", "false":
			return "FALSE", nil, nil
		}
		return "", &RowError{Code: CodeBadCell, Message: fmt.Sprintf("boolean cell holds %q", s.val)}, nil
	case "d":
		v := strings.TrimSuffix(string(s.val), "Z")
		v = strings.TrimSuffix(v, "T00:00:00")
		return strings.Replace(v, "T", " ", 1), nil, nil
	}
	if len(s.val) == 0 {
		return "", nil, nil
	}
	var st numStyle
	if s.style < len(s.wb.styles) {
		st = s.wb.styles[s.style]
	}
	v, ok := formatNumber(string(s.val), st, s.wb.date1904)
	if !ok {
		return v, &RowError{Code: CodeBadCell, Message: fmt.Sprintf("numeric cell holds %q", v)}, nil
	}
	return v, nil, nil
}
