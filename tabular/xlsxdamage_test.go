package tabular

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

// rawZip builds a zip archive from name → content as zipOf does, but
// writes each part's header itself: edit may change a part's compressed
// bytes and its header (a wrong checksum, data cut short) after the fact.
func rawZip(t testing.TB, parts map[string]string, method uint16, edit func(name string, h *zip.FileHeader, data []byte) []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		data := []byte(body)
		if method == zip.Deflate {
			var c bytes.Buffer
			fw, err := flate.NewWriter(&c, flate.DefaultCompression)
			must(t, err)
			_, err = fw.Write(data)
			must(t, err)
			must(t, fw.Close())
			data = c.Bytes()
		}
		h := &zip.FileHeader{Name: name, Method: method, CRC32: crc32.ChecksumIEEE([]byte(body)),
			CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(body))}
		if edit != nil {
			data = edit(name, h, data)
			h.CompressedSize64 = uint64(len(data))
		}
		w, err := zw.CreateRaw(h)
		must(t, err)
		_, err = w.Write(data)
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// damageParts is a workbook with shared strings and styles, every part
// of which Roster reads.
func damageParts() map[string]string {
	var sheet, sst strings.Builder
	sheet.WriteString(sheetHead + `<row><c t="inlineStr"><is><t>Name</t></is></c><c t="inlineStr"><is><t>Email</t></is></c></row>`)
	sst.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for i := range 2000 {
		fmt.Fprintf(&sheet, `<row><c t="s"><v>%d</v></c><c t="inlineStr"><is><t>u%d@example.com</t></is></c></row>`, i, i)
		fmt.Fprintf(&sst, `<si><t>User %d</t></si>`, i)
	}
	sheet.WriteString(sheetTail)
	sst.WriteString(`</sst>`)
	parts := minimalParts(sheet.String())
	parts["xl/sharedStrings.xml"] = sst.String()
	parts["xl/styles.xml"] = `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>`
	parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], `</Relationships>`,
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`+
			`<Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, 1)
	return parts
}

// readToEnd opens a workbook and reads all its rows, as the pass that
// counts them does, returning the first error.
func readToEnd(data []byte) (rows int, err error) {
	r, err := NewXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err == io.EOF {
			return rows, nil
		} else if err != nil {
			return rows, err
		}
		rows++
	}
}

// A part whose checksum fails is damage, said as such, even when it
// still reads as XML: the sheet is read to its end, past </sheetData>,
// where the zip reader checks the checksum, and so are the small parts
// that encoding/xml leaves once their root element ends.
func TestXLSXDamagedPartFailsItsChecksum(t *testing.T) {
	parts := damageParts()
	if n, err := readToEnd(rawZip(t, parts, zip.Deflate, nil)); err != nil || n != 2000 {
		t.Fatalf("the sound workbook: %d rows, %v", n, err)
	}
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		for _, part := range []string{"xl/worksheets/data.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/styles.xml"} {
			t.Run(fmt.Sprintf("%s/%d", part, method), func(t *testing.T) {
				data := rawZip(t, parts, method, func(name string, h *zip.FileHeader, data []byte) []byte {
					if name == part {
						h.CRC32 ^= 1
					}
					return data
				})
				_, err := readToEnd(data)
				var fe *FatalError
				want := "the workbook is damaged: " + part + " fails its checksum"
				if !errors.As(err, &fe) || fe.Code != CodeBadXLSX || fe.Message != want {
					t.Errorf("got %v, want %q", err, want)
				}
			})
		}
	}
}

// A stored sheet with a byte changed in a cell reads as good XML; its
// checksum fails.
func TestXLSXStoredSheetWithAByteChanged(t *testing.T) {
	parts := damageParts()
	data := rawZip(t, parts, zip.Store, func(name string, h *zip.FileHeader, data []byte) []byte {
		if name == "xl/worksheets/data.xml" {
			data = bytes.Clone(data)
			i := bytes.Index(data, []byte("u1000@"))
			data[i] = 'v'
		}
		return data
	})
	if _, err := readToEnd(data); err == nil || !strings.Contains(err.Error(), "fails its checksum") {
		t.Errorf("got %v", err)
	}
}

// A deflated sheet cut short between two rows is damage, not the end of
// the sheet: the inflater's io.ErrUnexpectedEOF must not pass for EOF.
func TestXLSXSheetCutShort(t *testing.T) {
	parts := damageParts()
	data := rawZip(t, parts, zip.Deflate, func(name string, h *zip.FileHeader, data []byte) []byte {
		if name == "xl/worksheets/data.xml" {
			return data[:len(data)/2]
		}
		return data
	})
	n, err := readToEnd(data)
	if err == nil || !strings.HasPrefix(err.Error(), "the workbook is damaged: xl/worksheets/data.xml") {
		t.Errorf("got %d rows, %v", n, err)
	}
}
