package tabular

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
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
		// UTF-8 rows with a windows-1252 row appended: UTF-8, so the
		// appended row fails rather than the others being garbled.
		{"utf-8 with a windows-1252 row", append(append([]byte("Name,Email,Company\r\nJürgen Groß,j@x.de,Müller GmbH\r\n"),
			enc(charmap.Windows1252, "René Noël,r@x.fr,Société Générale\r\n")...), "Zoë Dvořák,z@x.cz,Café Crème\r\n"...), "utf-8"},
		{"utf-8 with two windows-1252 rows", append(append([]byte("Name\nJürgen\nZoë Dvořák\n"),
			enc(charmap.Windows1252, "René Noël\nFrançois Lefèvre\n")...), "Ondřej\n"...), "utf-8"},
		// windows-1252 holding UTF-8 read as windows-1252 by an earlier
		// program ("RenÃ©") stays windows-1252.
		{"windows-1252 with mojibake", enc(charmap.Windows1252, "Name\nRenÃ© NoÃ«l\nJürgen Groß\nMüller\nCafé Crème\nSociété Générale\nBäckerei\nFrançois\nHélène\n"), "windows-1252"},
		// One stray byte in a small windows-1252 file fails its row.
		{"windows-1252 with a bad byte", []byte("Name;Email;Company\r\nRen\xe9 No\xebl;r@x.fr;Caf\xe9 Cr\xe8me\r\nZo\xeb M\xfcller;z@x.de;B\xe4ckerei\r\nJ\xfcrgen Gro\xdf;j@x.de;M\xfcller GmbH\r\nFran\xe7ois;f@x.fr;Soci\xe9t\xe9 \x81 G\xe9n\xe9rale\r\nAnn Lee;a@x.us;Acme\r\n"), "windows-1252"},
		// Chinese names are not Latin letters.
		{"gbk names", enc(simplifiedchinese.GBK, "Name,Email\r\n李娜,u0@x.cn\r\n赵敏,u1@x.cn\r\n杨帆,u2@x.cn\r\n黄磊,u3@x.cn\r\n徐婷,u4@x.cn\r\n郭涛,u5@x.cn\r\n何莉,u6@x.cn\r\n张伟,u7@x.cn\r\n王芳,u8@x.cn\r\n刘洋,u9@x.cn\r\n"), "gbk"},
		{"big5 names", enc(traditionalchinese.Big5, "Name,Email\r\n柯冠宇,u0@x.tw\r\n徐雅婷,u1@x.tw\r\n吳淑芬,u2@x.tw\r\n林怡君,u3@x.tw\r\n呂志明,u4@x.tw\r\n梁宗翰,u5@x.tw\r\n陳家豪,u6@x.tw\r\n張淑芬,u7@x.tw\r\n劉俊傑,u8@x.tw\r\n黃欣怡,u9@x.tw\r\n"), "big5"},
		{"half-width katakana", enc(japanese.ShiftJIS, "Name,Email\r\nﾔﾏﾀﾞ ﾀﾛｳ,u0@x.jp\r\nｽｽﾞｷ ﾊﾅｺ,u1@x.jp\r\n"), "shift_jis"},
		// Too little to tell: one short name reads as GBK or as Big5.
		{"one gbk name", enc(simplifiedchinese.GBK, "Name,Email\r\n谢倩,u0@x.cn\r\n"), "bad_encoding"},
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

// A refusal names the encodings it could not choose between.
func TestDetectRefusalNamesCandidates(t *testing.T) {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("Name,Email\r\n陈静,u0@x.cn\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, ferr := sniffEncoding(b, false)
	if ferr == nil {
		t.Fatal("detected, want a refusal")
	}
	if ferr.Code != CodeBadEncoding || !strings.Contains(ferr.Message, "gbk") || !strings.Contains(ferr.Message, "big5") || !strings.Contains(ferr.Message, "--encoding") {
		t.Errorf("refusal: %s: %s", ferr.Code, ferr.Message)
	}
}

// TestRivalsReadDifferently: a refusal names each reading once. GBK and
// GB18030 read alike, so "cp949 and in gbk and in gb18030" named three
// choices where there are two.
func TestRivalsReadDifferently(t *testing.T) {
	_, rivals, ok := detectLegacy([]byte("name,x\n\xc4\xe8,x\n"), false)
	if ok || len(rivals) < 2 {
		t.Fatalf("rivals %q: the sample no longer reads as well in two encodings", rivals)
	}
	if slices.Contains(rivals, "gbk") && slices.Contains(rivals, "gb18030") {
		t.Errorf("rivals %q name gbk and gb18030, which read alike", rivals)
	}
}
