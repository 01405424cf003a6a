package tabular

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// detectFile runs the CSV-side encoding detection on a whole file's start.
func detectFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	truncated := len(b) > sniffBytes
	if truncated {
		b = b[:sniffBytes]
	}
	e, _, ferr := sniffEncoding(b, truncated)
	if ferr != nil {
		return ferr.Code
	}
	return e.name
}

// TestDetectRequired lists files whose encoding must be detected right.
// iso-8859-1 samples count as windows-1252 (a superset for text), and
// gb18030 samples as gbk when they use no four-byte sequences.
func TestDetectRequired(t *testing.T) {
	u := filepath.Join(shared, "encodings/uchardet-test/test")
	cases := map[string]string{
		u + "/ko/uhc.smi":          "cp949",
		u + "/zh/big5.txt":         "big5",
		u + "/zh/gb18030.txt":      "gbk|gb18030",
		u + "/ja/shift_jis.txt":    "shift_jis",
		u + "/cs/windows-1250.txt": "windows-1250",
		u + "/hu/windows-1250.txt": "windows-1250",
		u + "/hr/windows-1250.txt": "windows-1250",
		u + "/pl/windows-1250.txt": "windows-1250",
		u + "/sk/windows-1250.txt": "windows-1250",
		u + "/sl/windows-1250.txt": "windows-1250",
		u + "/cs/iso-8859-2.txt":   "iso-8859-2",
		u + "/pl/iso-8859-2.txt":   "iso-8859-2",
		u + "/sk/iso-8859-2.txt":   "iso-8859-2",
		u + "/de/windows-1252.txt": "windows-1252",
		u + "/fr/windows-1252.txt": "windows-1252",
		u + "/es/windows-1252.txt": "windows-1252",
		u + "/da/windows-1252.txt": "windows-1252",
		u + "/sv/windows-1252.txt": "windows-1252",
		u + "/de/iso-8859-1.txt":   "windows-1252",
		u + "/fr/iso-8859-1.txt":   "windows-1252",
		u + "/es/iso-8859-1.txt":   "windows-1252",
		u + "/it/iso-8859-1.txt":   "windows-1252",
		u + "/pt/iso-8859-1.txt":   "windows-1252",
		u + "/ja/utf-16le.txt":     "utf-16le",
		u + "/ja/utf-16be.txt":     "utf-16be",
		u + "/ko/utf-16.le":        "utf-16le",
		u + "/ko/utf-32.be":        "utf-32be",
		u + "/fr/utf-32.le":        "utf-32le",
		u + "/fr/utf-16.be":        "utf-16be",
		u + "/ja/utf-8.txt":        "utf-8",
		u + "/en/ascii.txt":        "utf-8",

		shared + "/encodings/charset_normalizer/data/sample-korean.txt":   "cp949",
		shared + "/encodings/charset_normalizer/data/sample-chinese.txt":  "big5",
		shared + "/encodings/charset_normalizer/data/sample-french-1.txt": "windows-1252",
		shared + "/encodings/charset_normalizer/data/sample-polish.txt":   "utf-8",

		shared + "/encodings/saintfish-chardet/testdata/euc_kr.html":    "cp949",
		shared + "/encodings/saintfish-chardet/testdata/gb18030.html":   "gbk|gb18030",
		shared + "/encodings/saintfish-chardet/testdata/shift_jis.html": "shift_jis",
		shared + "/encodings/saintfish-chardet/testdata/big5.html":      "big5",
		shared + "/encodings/saintfish-chardet/testdata/8859_1_de.html": "windows-1252",
		shared + "/encodings/saintfish-chardet/testdata/8859_1_fr.html": "windows-1252",
		shared + "/encodings/saintfish-chardet/testdata/8859_1_es.html": "windows-1252",
		shared + "/encodings/saintfish-chardet/testdata/8859_1_da.html": "windows-1252",
		shared + "/encodings/saintfish-chardet/testdata/8859_1_pt.html": "windows-1252",
		shared + "/encodings/saintfish-chardet/testdata/utf8_bom.html":  "utf-8",

		shared + "/crm-exports/thunderbird-addrbook-import/shiftjis_addressbook.csv":          "shift_jis",
		shared + "/crm-exports/thunderbird-addrbook-import/utf16_addressbook.csv":             "utf-16le",
		shared + "/crm-exports/gbk-exports-double-entry-generator/example-alipay-records.csv": "gbk|gb18030",
		shared + "/crm-exports/gbk-exports-double-entry-generator/example-hxsec-records.xls":  "gbk|gb18030",
	}
	for path, want := range cases {
		mustExist(t, path)
		got := detectFile(t, path)
		ok := false
		for _, w := range strings.Split(want, "|") {
			ok = ok || got == w
		}
		if !ok {
			t.Errorf("%s: detected %s, want %s", strings.TrimPrefix(path, shared+"/"), got, want)
		}
	}
}

// TestDetectOthers logs the remaining samples. Most are encodings outside
// the candidate set (Cyrillic, Greek, Hebrew, Arabic, Baltic, Thai,
// EUC-JP, ISO-2022, IBM852, Mac), which the detector cannot name and
// reports as its nearest candidate or as bad_encoding; see detect.go.
func TestDetectOthers(t *testing.T) {
	for _, dir := range []string{"encodings/uchardet-test/test/*/*", "encodings/charset_normalizer/data/*.txt"} {
		for _, f := range mustGlob(t, filepath.Join(shared, dir)) {
			t.Logf("%-60s %s", strings.TrimPrefix(f, shared+"/encodings/"), detectFile(t, f))
		}
	}
}

// TestGBKReadsFourByteSequences: a GBK file (Chinese Windows' CP936) holds
// a name's rare ideograph as the 4-byte GB18030 sequence Windows writes for
// it; gbk is read with gb18030's decoder, as the WHATWG standard reads it,
// whether detected or chosen.
func TestGBKReadsFourByteSequences(t *testing.T) {
	text := "姓名,电子邮件,公司\n王伟,wang@example.cn,北京科技有限公司\n李娜,li@example.cn,上海贸易公司\n张𠮷,zhang@example.cn,深圳电子公司\n"
	b, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simplifiedchinese.GBK.NewEncoder().String("𠮷"); err == nil {
		t.Fatal("𠮷 has a GBK code: the test needs a character that has none")
	}
	for _, enc := range []string{"", "gbk"} {
		r, err := NewCSV(strings.NewReader(b), Options{Encoding: enc})
		_, rows, meta := readAll(t, r, err)
		if r.Info().Encoding != "gbk" {
			t.Errorf("--encoding %q: read as %s", enc, r.Info().Encoding)
		}
		if len(rows) != 3 || rows[2][0] != "张𠮷" || meta[2].Err != nil {
			t.Errorf("--encoding %q: rows %q, last error %v", enc, rows, meta[len(meta)-1].Err)
		}
	}
}
