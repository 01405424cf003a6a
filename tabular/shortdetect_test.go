package tabular

import (
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
)

// Small files are the ones admins try first; they carry little evidence.
func TestDetectSmallFiles(t *testing.T) {
	enc := func(e encoding.Encoding, s string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		// ISO-8859-2 puts Š, Ž, ť where windows-1250 and -1252 have ©, ®, ».
		{"latin-2 company", enc(charmap.ISO8859_2, "Jméno;Příjmení;E-mail;Společnost\nJiří;Novák;jiri@novak.cz;Škoda a.s.\nŽaneta;Černá;zaneta@x.cz;ČEZ\n"), "iso-8859-2"},
		{"latin-2 one name", enc(charmap.ISO8859_2, "Name,Email\nŠimon Šťastný,s@x.cz\n"), "iso-8859-2"},
		{"latin-2 header", enc(charmap.ISO8859_2, "Název,Štítky\nACME,VIP\n"), "iso-8859-2"},
		// Signs are still signs where they stand as signs.
		{"windows-1252 signs", enc(charmap.Windows1252, "name,description\nAcme,Acme® products © 2024 – für Sie\n"), "windows-1252"},
		{"windows-1250 czech", enc(charmap.Windows1250, "Jméno,Společnost\nŠárka,Škoda a.s.\nŽofie,Žďár\n"), "windows-1250"},
		// UTF-8 with a bad byte is UTF-8: the byte fails its row, the rest
		// are read as written (not as windows-1252 mojibake).
		{"utf-8 with a bad byte", []byte("name,email\nŽofie,z@x.com\nBad\xffName,b@x.com\nČeněk,c@x.com\n"), "utf-8"},
		{"korean utf-8 with a bad byte", []byte("이름,이메일\n김민준,a@x.kr\n이\xff서연,b@x.kr\n"), "utf-8"},
		{"cp949", enc(korean.EUCKR, "이름,이메일\n김민준,a@x.kr\n이서연,b@x.kr\n"), "cp949"},
	}
	for _, c := range cases {
		e, _, ferr := sniffEncoding(c.b, false)
		got := e.name
		if ferr != nil {
			got = ferr.Code
		}
		if got != c.want {
			t.Errorf("%s: detected %s, want %s", c.name, got, c.want)
		}
	}
}
