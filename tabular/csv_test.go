package tabular

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/transform"
)

func renderCSV(in string, opts Options) string {
	r, err := NewCSV(strings.NewReader(in), opts)
	return render(r, err)
}

func TestCSVCases(t *testing.T) {
	cases := []struct {
		name, in string
		opts     Options
		want     string
	}{
		{"lone CR line ends, CR kept inside quotes", "a,b\r1,\"x\ry\"\r2,3\r", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"x\\ry\"]\nrow 4: [\"2\" \"3\"]\nEOF\n"},
		{"CRLF inside quotes is kept", "a,b\r\n1,\"x\r\ny\"\r\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"x\\r\\ny\"]\nEOF\n"},
		{"blank lines and empty rows skipped; trailing empty cells trimmed", "a,b\n\n1,2,,\n,\n\r\n3,4\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 3: [\"1\" \"2\"]\nrow 6: [\"3\" \"4\"]\nEOF\n"},
		{"wrong cell count", "a,b,c\n1,2\n1,2,3,4\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\" \"c\"]\nrow 2: [\"1\" \"2\"]\n  error: column=-1 ref=\"\" code=wrong_cell_count: row has 2 cells; the header has 3\nrow 3: [\"1\" \"2\" \"3\" \"4\"]\n  error: column=-1 ref=\"\" code=wrong_cell_count: row has 4 cells; the header has 3\nEOF\n"},
		{"text after closing quote flags the row and reading goes on", "a,b\n\"x\"y,2\n3,4\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"xy\" \"2\"]\n  error: column=0 ref=\"\" code=bad_quote: cell 1 has text after its closing quote\nrow 3: [\"3\" \"4\"]\nEOF\n"},
		{"bare quote in unquoted cell is literal", "a,b\n5'10\",x\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"5'10\\\"\" \"x\"]\nEOF\n"},
		{"unterminated quote is fatal and names the line", "a,b\n1,2\n3,\"open\n4,5\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"2\"]\nfatal: unterminated_quote: the quoted cell starting in row 3, column 2 (\"b\") is never closed\n"},
		{"sep= line", "sep=|\na|b\n1|2\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\"|\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 3: [\"1\" \"2\"]\nEOF\n"},
		{"an open quote takes the lines below into its cell, and the error names them", "a,b,c\n\"Bob,b,X\nAnn,a,Y\nDee,d,\"Z\"\nEve,e,V\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\" \"c\"]\nrow 2: [\"Bob,b,X\\nAnn,a,Y\\nDee,d,Z\\\"\"]\n  error: column=-1 ref=\"\" code=wrong_cell_count: row has 1 cells; the header has 3 (the row runs from line 2 to line 4: a quote may be missing its closing quote, and the lines below it were read into its cell)\nrow 5: [\"Eve\" \"e\" \"V\"]\nEOF\n"},
		{"sep= line naming a TAB", "sep=\t\r\na\tb\r\n1, 5\t2\r\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\"\\t\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 3: [\"1, 5\" \"2\"]\nEOF\n"},
		{"sep= line saved again, padded", "sep=;;;\na;b;c\n1,5;2;3\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\";\" sheet=\"\"\nheader: [\"a\" \"b\" \"c\"]\nrow 3: [\"1,5\" \"2\" \"3\"]\nEOF\n"},
		{"semicolon detected over commas in text", "name;note\nA;\"x, y\"\nB;1,5\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\";\" sheet=\"\"\nheader: [\"name\" \"note\"]\nrow 2: [\"A\" \"x, y\"]\nrow 3: [\"B\" \"1,5\"]\nEOF\n"},
		{"tab detected", "a\tb\n1\t2,5\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\"\\t\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"2,5\"]\nEOF\n"},
		{"delimiter option overrides", "a;b\n1;2\n", Options{Delimiter: ','},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a;b\"]\nrow 2: [\"1;2\"]\nEOF\n"},
		{"header trimmed, BOM removed", "\uFEFF a , b \n1,2\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"2\"]\nEOF\n"},
		{"invalid UTF-8 flags the cell", "a,b\n1,caf\xe9\u00e9\n2,ok\n", Options{Encoding: "utf-8"},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"caf\\xe9é\"]\n  error: column=1 ref=\"\" code=bad_encoding: cell is not valid utf-8 text\nrow 3: [\"2\" \"ok\"]\nEOF\n"},
		{"undecodable byte in a legacy encoding flags the cell", "a,b\n1,\xff\xff\n", Options{Encoding: "shift_jis"},
			"info: format=csv encoding=shift_jis delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nrow 2: [\"1\" \"\uFFFD\uFFFD\"]\n  error: column=1 ref=\"\" code=bad_encoding: cell is not valid shift_jis text\nEOF\n"},
		{"Excel text formulas read as their text, other formulas kept", "=\"Phone\",Id,Note\n=\"+420601123456\",\"=\"\"0042\"\"\",=\"a\"\"b\"\n=\"a\"&\"b\",=SUM(A1:A2),=\"\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"Phone\" \"Id\" \"Note\"]\nrow 2: [\"+420601123456\" \"0042\" \"a\\\"b\"]\nrow 3: [\"=\\\"a\\\"&\\\"b\\\"\" \"=SUM(A1:A2)\" \"=\\\"\"]\nEOF\n"},
		{"empty file", "", Options{}, "fatal: empty_file: the file is empty\n"},
		{"only blank lines", "\n\r\n,,\n", Options{}, "fatal: empty_file: the file has no header row\n"},
		{"blank header cell", "a,,c\n1,2,3\n", Options{}, "fatal: blank_header: header column 2 is blank\n"},
		{"duplicate header", "Email,Name,email \n", Options{}, "fatal: duplicate_header: header columns 1 and 3 are both named \"email\"\n"},
		{"NUL byte", "a,b\n1,\x002\n", Options{}, "fatal: not_text: the file is not a text or XLSX file\n"},
		{"a stray NUL fails its row", "name,company\nAnn Lee,Be\x00ta\nBob Ray,Acme\nCid Lo,Globex\n", Options{},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"name\" \"company\"]\nrow 2: [\"Ann Lee\" \"Be\\x00ta\"]\n  error: column=1 ref=\"\" code=bad_encoding: cell holds a NUL character (a zero byte), which text does not\nrow 3: [\"Bob Ray\" \"Acme\"]\nrow 4: [\"Cid Lo\" \"Globex\"]\nEOF\n"},
		{"a stray NUL in UTF-16 fails its row", "\xff\xfen\x00,\x00c\x00\n\x00A\x00,\x00B\x00\x00\x00\n\x00C\x00,\x00D\x00\n\x00", Options{},
			"info: format=csv encoding=utf-16le delimiter=\",\" sheet=\"\"\nheader: [\"n\" \"c\"]\nrow 2: [\"A\" \"B\\x00\"]\n  error: column=1 ref=\"\" code=bad_encoding: cell holds a NUL character (a zero byte), which text does not\nrow 3: [\"C\" \"D\"]\nEOF\n"},
		{"binary", "\x01\x02\x03\x04\x05\x06\x07\x08abc", Options{}, "fatal: not_text: the file is not a text or XLSX file\n"},
		{"unknown encoding option", "a\n", Options{Encoding: "klingon"}, "fatal: bad_option: unknown encoding \"klingon\"\n"},
		{"cell too large", "a,b\n1,\"" + strings.Repeat("x", 100) + "\"\n", Options{MaxCellBytes: 50},
			"info: format=csv encoding=utf-8 delimiter=\",\" sheet=\"\"\nheader: [\"a\" \"b\"]\nfatal: cell_too_large: the cell in row 2, column 2 (\"b\") is larger than 50 bytes\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := renderCSV(c.in, c.opts); got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// TestCP949TrailBytes: CP949 trail bytes include ASCII letters; decoding
// before parsing keeps cells intact, and detection names the encoding.
func TestCP949TrailBytes(t *testing.T) {
	text := "이름,전화,메모\n김철수,010-1234-5678,\"똠방각하, 쀍\"\n박영희,02-555-0000,안녕하세요\n"
	enc, _, err := transform.Bytes(korean.EUCKR.NewEncoder(), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.ContainsAny(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
		t.Fatal("fixture should contain UHC trail bytes in the ASCII letter range")
	}
	r, err := NewCSV(bytes.NewReader(enc), Options{})
	h, rows, meta := readAll(t, r, err)
	if got := r.Info().Encoding; got != "cp949" {
		t.Errorf("encoding %s, want cp949", got)
	}
	if strings.Join(h, "|") != "이름|전화|메모" || len(rows) != 2 || rows[0][2] != "똠방각하, 쀍" || rows[1][0] != "박영희" {
		t.Errorf("got %q %q", h, rows)
	}
	for _, m := range meta {
		if m.Err != nil {
			t.Errorf("row %d: %v", m.Number, m.Err)
		}
	}
}

// TestUTF16ExcelUnicodeText: Excel's "Unicode text" is UTF-16LE with BOM and tabs.
func TestUTF16ExcelUnicodeText(t *testing.T) {
	in := "\xff\xfe" + utf16le("Name\tPhone\r\nŽofie\t00420123\r\n")
	r, err := NewCSV(strings.NewReader(in), Options{})
	h, rows, _ := readAll(t, r, err)
	if in := r.Info(); in.Encoding != "utf-16le" || in.Delimiter != "\t" {
		t.Errorf("info %+v", in)
	}
	if strings.Join(h, "|") != "Name|Phone" || len(rows) != 1 || rows[0][0] != "Žofie" || rows[0][1] != "00420123" {
		t.Errorf("got %q %q", h, rows)
	}
}

func utf16le(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

// TestRowTooLarge: a file without line ends cannot grow a record without bound.
func TestRowTooLarge(t *testing.T) {
	in := "a\n" + strings.Repeat("x,", maxRowCells+10)
	r, err := NewCSV(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	var fe *FatalError
	if !errors.As(err, &fe) || fe.Code != CodeTooLarge {
		t.Errorf("got %v", err)
	}
}
