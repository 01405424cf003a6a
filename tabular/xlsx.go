package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
)

// Limits against zip bombs and oversized parts. Parts are streamed, so
// the limits bound time and temporary disk, not memory: shared strings
// past sstMemBytes go to a temporary file, and their count bounds the
// ends kept of them (sstMemEnds).
const (
	maxXLSXTotalBytes = 4 << 30 // all parts, uncompressed
	maxXLSXRatio      = 500     // uncompressed/compressed, once past ratioFloor
	ratioFloor        = 8 << 20 // small parts may compress very well
	// maxSharedStrings is the most bytes of sharedStrings.xml. A
	// million contacts with a notes column took 296 MB; the text's ends
	// in its file are 32-bit, and the text is no longer than the XML.
	maxSharedStrings = 2 << 30
	maxMetaPartBytes = 32 << 20 // workbook, rels, styles
)

// maxSharedStringsNum bounds the shared strings, empty ones too, and so
// the time and temporary disk they take: <si/> is 5 bytes of XML, and a
// few bits zipped. A variable for tests.
var maxSharedStringsNum = 1 << 24

// zipBudget counts uncompressed bytes read from all parts of one workbook.
type zipBudget struct{ total int64 }

var (
	errZipBomb          = errors.New("zip bomb")
	errWorkbookTooLarge = errors.New("workbook too large")
)

// partTooLarge is a part past its own size limit.
type partTooLarge struct{ limit int64 }

func (e partTooLarge) Error() string { return fmt.Sprintf("larger than %d bytes", e.limit) }

// limitedPart reads one zip entry, failing once it expands past the limits.
type limitedPart struct {
	rc         io.ReadCloser
	budget     *zipBudget
	n, limit   int64
	compressed int64
}

func (l *limitedPart) Read(p []byte) (int, error) {
	n, err := l.rc.Read(p)
	l.n += int64(n)
	l.budget.total += int64(n)
	switch {
	case l.n > l.limit:
		return n, partTooLarge{l.limit}
	case l.budget.total > maxXLSXTotalBytes:
		return n, errWorkbookTooLarge
	case l.n > ratioFloor && l.n > (l.compressed+1)*maxXLSXRatio:
		return n, errZipBomb
	}
	return n, err
}

// sizeText writes a limit of bytes in MB or GB.
func sizeText(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GB", n>>30)
	}
	return fmt.Sprintf("%d MB", n>>20)
}

func (l *limitedPart) Close() error { return l.rc.Close() }

// xlsxReader implements Reader for one worksheet of an XLSX workbook.
type xlsxReader struct {
	info   Info
	header []string
	sheet  *sheetParser
	part   io.Closer
	ahead  *readAhead
	cells  []string
	wb     *workbook // nil once closed or reopened
	sh     sheetInfo
	budget int64 // the workbook's bytes read before the sheet's
	hold   footerHold
	prev   int // the number of the last row read, blank or not
}

// NewXLSX reads one worksheet of the XLSX workbook in r: opts.Sheet, or
// the first visible worksheet. Errors about the content are *FatalError.
//
// Rows: empty rows are skipped, missing cells are "", and cells beyond the
// header's width are dropped when empty, else the row gets a
// "wrong_cell_count" error. A report's footer below the rows is not
// returned as rows: see Footer.
func NewXLSX(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	var magic [8]byte
	n, _ := r.ReadAt(magic[:], 0)
	if bytes.HasPrefix(magic[:n], oleMagic) {
		return nil, errOLE
	}
	if n == 0 {
		return nil, fatalf(CodeEmptyFile, "the file is empty")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fatalf(CodeBadXLSX, "the file is not a valid XLSX workbook: %v", err)
	}
	zr.RegisterDecompressor(zip.Deflate, inflate)
	wb := &workbook{files: make(map[string]*zip.File, len(zr.File)), budget: &zipBudget{}, maxCell: opts.maxCell()}
	for _, f := range zr.File {
		wb.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if err := wb.load(); err != nil {
		return nil, err
	}
	sh, err := wb.pickSheet(opts.Sheet)
	if err != nil {
		return nil, err
	}
	if err := wb.loadStyles(); err != nil {
		return nil, err
	}
	if err := wb.loadSharedStrings(); err != nil {
		wb.sst.close()
		return nil, err
	}
	x, err := wb.startSheet(sh)
	if err != nil {
		wb.sst.close()
		return nil, err
	}
	return x, nil
}

// startSheet opens the sheet and reads up to its header.
func (wb *workbook) startSheet(sh sheetInfo) (*xlsxReader, error) {
	before := wb.budget.total
	part, err := wb.open(sh.path, maxXLSXTotalBytes)
	if err != nil {
		return nil, err
	}
	ahead := newReadAhead(part)
	sheet := newSheetParser(ahead, wb, sh.path)
	sheet.maxExpanded = maxXLSXRatio * (int64(wb.files[strings.ToLower(strings.TrimPrefix(sh.path, "/"))].CompressedSize64) + wb.sstZipped + 1)
	x := &xlsxReader{
		info:   Info{Format: "xlsx", Sheet: sh.name},
		sheet:  sheet,
		part:   part,
		ahead:  ahead,
		wb:     wb,
		sh:     sh,
		budget: before,
	}
	for {
		ok, err := x.sheet.nextRow()
		if err != nil {
			err = x.sheet.orDamage(err)
			x.closeSheet()
			return nil, err
		}
		if !ok {
			x.closeSheet()
			return nil, fatalf(CodeEmptyFile, "sheet %q is empty", sh.name)
		}
		if !allEmpty(x.sheet.cells) {
			break
		}
	}
	h, ferr := cleanHeader(x.sheet.cells)
	if ferr != nil {
		x.closeSheet()
		return nil, ferr
	}
	x.header = h
	x.sheet.width = len(h)
	x.prev = x.sheet.rowNum
	return x, nil
}

// Reopen closes x and returns a reader of the same sheet from its start,
// which takes over the workbook's parts read already: a second pass over
// a workbook does not read its shared strings again.
func (x *xlsxReader) Reopen() (Reader, error) {
	wb := x.wb
	if wb == nil {
		return nil, errors.New("reopen of a closed reader")
	}
	x.closeSheet()
	x.wb = nil
	wb.budget.total = x.budget // the sheet's bytes count once a pass
	wb.sst.rewind()
	y, err := wb.startSheet(x.sh)
	if err != nil {
		wb.sst.close()
		return nil, err
	}
	return y, nil
}

// Narrow makes the cells of the columns not kept hold an unspecified
// text (see Narrower).
func (x *xlsxReader) Narrow(keep []bool) {
	elide := make([]bool, len(x.header))
	for i := range elide {
		elide[i] = i >= len(keep) || !keep[i]
	}
	x.sheet.elide = elide
}

func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Info() Info       { return x.info }
func (x *xlsxReader) Close() error {
	if x.wb == nil {
		return nil // closed, or reopened
	}
	x.wb.sst.close()
	x.wb = nil
	return x.closeSheet()
}

// closeSheet stops reading the sheet's part, the read ahead first.
func (x *xlsxReader) closeSheet() error {
	x.ahead.Close()
	return x.part.Close()
}

func (x *xlsxReader) Next() (Row, error) {
	for {
		if row, ok := x.hold.pop(); ok {
			return row, nil
		}
		ok, err := x.sheet.nextRow()
		if err != nil {
			return Row{}, x.sheet.orDamage(err)
		}
		if !ok {
			if x.hold.end() {
				continue // the held rows were rows after all
			}
			return Row{}, io.EOF
		}
		if x.sheet.rowNum > x.prev+1 {
			x.hold.blank = true // Excel writes no row for a blank one
		}
		x.prev = x.sheet.rowNum
		cells, beyond := x.sheet.cells, x.sheet.beyond
		if beyond < 0 && x.sheet.rowErr == nil && allEmpty(cells) {
			x.hold.blank = true // blank; a cell that failed to read is not
			continue
		}
		row := Row{Number: x.sheet.rowNum, Err: x.sheet.rowErr}
		h := len(x.header)
		if beyond >= 0 && row.Err == nil {
			row.Err = &RowError{Column: beyond, Ref: CellRef(beyond, row.Number), Code: CodeWrongCellCount,
				Message: fmt.Sprintf("row has a value in column %d; the header has %d columns", beyond+1, h)}
		}
		for len(cells) < h {
			cells = append(cells, "")
		}
		x.sheet.cells = cells
		row.Cells = cells
		narrow, err := x.footerShaped(cells)
		if err != nil {
			return Row{}, err
		}
		size := 0
		if narrow {
			for _, c := range cells {
				size += len(c)
			}
		}
		if row, ok := x.hold.take(row, narrow, size, row.Number, h); ok {
			return row, nil
		}
	}
}

// footerShaped reports whether a row is shaped as a footer's line: one
// cell written, or a totals row. A sheet writes no empty cells, so every
// row reads as wide as the header, and only a line of the footer's own
// text tells a footer from rows such as a company's name alone.
func (x *xlsxReader) footerShaped(cells []string) (bool, error) {
	if x.sheet.texts > 1 {
		return false, nil // the data rows, in one look
	}
	one := len(x.header) > 1 && filled(cells) == 1
	if x.sheet.texts == 1 {
		if err := x.sheet.unelide(); err != nil {
			return false, err
		}
	}
	return one || x.sheet.texts == 1 && totalsRow(cells), nil
}

// Footer implements FooterReader.
func (x *xlsxReader) Footer() *Footer { return x.hold.found }

// workbook holds the parts of the package needed to read one sheet.
type workbook struct {
	files     map[string]*zip.File
	budget    *zipBudget
	maxCell   int
	wbPath    string
	sheets    []sheetInfo
	date1904  bool
	styles    []numStyle
	sst       sharedStrings
	sstZipped int64 // the shared strings' part's zipped size
}

type sheetInfo struct {
	name, path string
	hidden     bool
}

// inflate reads a deflated part with klauspost/compress's flate rather
// than the standard library's, which reads its input a byte at a time
// through an interface: a 1M-row sheet (396 MB) inflated in 0.75-0.87 s
// against 1.05-1.13 s, and the pass that counts its rows took 3.1 s
// against 4.2-4.5 s.
func inflate(r io.Reader) io.ReadCloser { return flate.NewReader(r) }

func (wb *workbook) open(name string, limit int64) (io.ReadCloser, error) {
	f, ok := wb.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if !ok {
		return nil, fatalf(CodeBadXLSX, "the workbook has no part %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fatalf(CodeBadXLSX, "cannot open %s in the workbook: %v", name, err)
	}
	return &limitedPart{rc: rc, budget: wb.budget, limit: limit, compressed: int64(f.CompressedSize64)}, nil
}

// partError turns a read error of a part into a FatalError.
func partError(name string, err error) *FatalError {
	var fe *FatalError
	var tl partTooLarge
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.Is(err, errZipBomb):
		return fatalf(CodeTooLarge, "%s expands more than %d times when uncompressed (possible zip bomb)", name, maxXLSXRatio)
	case errors.Is(err, errWorkbookTooLarge):
		return fatalf(CodeTooLarge, "the workbook is larger than %s uncompressed, the most Roster reads (at %s)", sizeText(maxXLSXTotalBytes), name)
	case errors.As(err, &tl):
		return fatalf(CodeTooLarge, "%s is larger than %s uncompressed, the most Roster reads of that part", name, sizeText(tl.limit))
	case errors.Is(err, zip.ErrChecksum):
		return fatalf(CodeBadXLSX, "the workbook is damaged: %s fails its checksum", name)
	case damaged(err):
		return fatalf(CodeBadXLSX, "the workbook is damaged: %s is corrupt (%v)", name, err)
	}
	return fatalf(CodeBadXLSX, "cannot read %s in the workbook: %v", name, err)
}

func (wb *workbook) unmarshal(name string, v any) error {
	rc, err := wb.open(name, maxMetaPartBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return partError(name, err)
	}
	return drainPart(name, rc)
}

// damaged reports an error of a part's compressed data: corrupt, cut
// short, longer than the zip directory says, or failing its checksum.
func damaged(err error) bool {
	return errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, new(flate.CorruptInputError))
}

// drainPart reads a part to its end, where the zip reader checks its
// checksum: a damaged part must fail rather than give garbled content.
// What follows the content read is usually a few bytes.
func drainPart(name string, r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return partError(name, err)
	}
	return nil
}

type xRels struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// relsPath returns the relationships part of a part: a/b.xml → a/_rels/b.xml.rels.
func relsPath(part string) string {
	dir, file := path.Split(part)
	return dir + "_rels/" + file + ".rels"
}

// resolve makes a relationship target absolute within the package.
func resolve(from, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(path.Dir(from), target)
}

func (wb *workbook) load() error {
	wb.wbPath = "xl/workbook.xml"
	var root xRels
	if _, ok := wb.files["_rels/.rels"]; ok {
		if err := wb.unmarshal("_rels/.rels", &root); err != nil {
			return err
		}
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wb.wbPath = resolve("", r.Target)
			}
		}
	}
	if _, ok := wb.files[strings.ToLower(wb.wbPath)]; !ok {
		return fatalf(CodeBadXLSX, "the file is a zip archive but not an XLSX workbook (no %s)", wb.wbPath)
	}
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := wb.unmarshal(wb.wbPath, &doc); err != nil {
		return err
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || strings.EqualFold(doc.Pr.Date1904, "true")
	var rels xRels
	if err := wb.unmarshal(relsPath(wb.wbPath), &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		// Chartsheets and dialog sheets have no cells.
		if strings.HasSuffix(r.Type, "/worksheet") && r.TargetMode != "External" {
			targets[r.ID] = resolve(wb.wbPath, r.Target)
		}
	}
	for _, s := range doc.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && targets[a.Value] != "" {
				wb.sheets = append(wb.sheets, sheetInfo{name: s.Name, path: targets[a.Value], hidden: s.State != "" && s.State != "visible"})
			}
		}
	}
	if len(wb.sheets) == 0 {
		return fatalf(CodeBadXLSX, "the workbook has no worksheets")
	}
	return nil
}

// pickSheet finds the named sheet (case-insensitively), or the first
// visible one when name is "".
func (wb *workbook) pickSheet(name string) (sheetInfo, error) {
	if name == "" {
		for _, s := range wb.sheets {
			if !s.hidden {
				return s, nil
			}
		}
		return wb.sheets[0], nil
	}
	names := make([]string, len(wb.sheets))
	for i, s := range wb.sheets {
		if strings.EqualFold(strings.TrimSpace(s.name), strings.TrimSpace(name)) {
			return s, nil
		}
		names[i] = strconv.Quote(s.name)
	}
	return sheetInfo{}, fatalf(CodeSheetNotFound, "the workbook has no sheet %q; its sheets are %s", name, strings.Join(names, ", "))
}

func (wb *workbook) partPath(relType string) string {
	var rels xRels
	if wb.unmarshal(relsPath(wb.wbPath), &rels) != nil {
		return ""
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, relType) {
			return resolve(wb.wbPath, r.Target)
		}
	}
	return ""
}

// loadStyles maps each cell style index (c/@s) to how its numbers show.
func (wb *workbook) loadStyles() error {
	p := wb.partPath("/styles")
	if p == "" {
		return nil
	}
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := wb.unmarshal(p, &doc); err != nil {
		return err
	}
	custom := map[int]string{}
	for _, f := range doc.NumFmts {
		custom[f.ID] = f.Code
	}
	wb.styles = make([]numStyle, len(doc.Xfs))
	for i, xf := range doc.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			wb.styles[i] = customStyle(code)
		} else {
			wb.styles[i] = builtinStyle(xf.NumFmtID)
		}
	}
	return nil
}

// sharedStringsError is a failure to keep the shared strings aside.
func sharedStringsError(err error) *FatalError {
	return fatalf(CodeBadXLSX, "cannot keep the workbook's shared strings in a temporary file (set TMPDIR to a directory with room): %v", err)
}

// addShared adds the next shared string, its text as the XML gave it.
func (wb *workbook) addShared(text []byte) error {
	if err := wb.sst.add(unescapeOOXML(string(text))); err != nil {
		return sharedStringsError(err)
	}
	if wb.sst.len() > maxSharedStringsNum {
		return fatalf(CodeTooLarge, "the workbook has more than %d shared strings", maxSharedStringsNum)
	}
	return nil
}

// The shapes nearly every writer gives a shared string: its text alone,
// with or without xml:space.
var stringShapes = []shape{
	{[]byte("<si><t>"), []byte("</t></si>")},
	{[]byte(`<si><t xml:space="preserve">`), []byte("</t></si>")},
}

// fastStrings adds the shared strings next in the read buffer, as long as
// they have one of the common shapes and lie whole in it: a workbook
// saved by Excel holds millions, and the tokens of each cost more than
// its text. Any other shape (rich text, phonetics, white space between
// the tags, a string cut by the buffer's end) is left to the tokens. buf
// is scratch space, returned for reuse.
func (wb *workbook) fastStrings(tok *xmlTok, buf []byte) ([]byte, error) {
	for fastCells {
		text, n, ok := takeShaped(tok.buffered(), stringShapes, wb.maxCell, buf)
		buf = text
		if !ok {
			break
		}
		if err := wb.addShared(text); err != nil {
			return buf, err
		}
		tok.skip(n)
	}
	return buf, nil
}

// loadSharedStrings reads the shared string table (sharedStrings): each <si>
// is the concatenation of its <t> texts, phonetic runs (<rPh>) excluded.
func (wb *workbook) loadSharedStrings() error {
	p := wb.partPath("/sharedStrings")
	if p == "" {
		return nil
	}
	rc, err := wb.open(p, maxSharedStrings)
	if err != nil {
		return err
	}
	wb.sstZipped = int64(wb.files[strings.ToLower(strings.TrimPrefix(p, "/"))].CompressedSize64)
	defer rc.Close()
	ahead := newReadAhead(rc) // inflating beside the parsing
	defer ahead.Close()
	tok := newXMLTok(bufio.NewReaderSize(ahead, 64<<10), wb.maxCell+1024)
	var buf []byte
	inSI, inT, phonetic := false, false, 0
	for {
		if !inSI {
			if buf, err = wb.fastStrings(tok, buf); err != nil {
				return err
			}
		}
		tok.discard = !(inSI && inT && phonetic == 0)
		t, err := tok.next()
		if err == io.EOF {
			if err := wb.sst.done(); err != nil {
				return sharedStringsError(err)
			}
			return nil
		}
		if err != nil {
			return partError(p, err)
		}
		switch t.kind {
		case tokStart, tokEmpty:
			switch string(t.name) {
			case "si":
				// Each string starts afresh, as each cell does: a phonetic
				// run left open must not blank the strings after it.
				inSI, inT, phonetic, buf = true, false, 0, buf[:0]
				if t.kind == tokEmpty {
					if err := wb.addShared(nil); err != nil {
						return err
					}
					inSI = false
				}
			case "t":
				inT = t.kind == tokStart
			case "rPh":
				if t.kind == tokStart {
					phonetic++
				}
			}
		case tokEnd:
			switch string(t.name) {
			case "si":
				if inSI {
					if err := wb.addShared(buf); err != nil {
						return err
					}
				}
				inSI = false
			case "t":
				inT = false
			case "rPh":
				phonetic = max(0, phonetic-1)
			}
		case tokText, tokCDATA:
			if inSI && inT && phonetic == 0 {
				if t.kind == tokText {
					buf = appendUnescaped(buf, t.data)
				} else {
					buf = append(buf, t.data...)
				}
				if len(buf) > wb.maxCell {
					return fatalf(CodeCellTooLarge, "shared string %d is larger than %d bytes", wb.sst.len(), wb.maxCell)
				}
			}
		}
	}
}
