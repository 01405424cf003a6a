package tabular

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// TestUTF8RowsInLegacyFile: a row a UTF-8 tool appended to a windows-1252
// export fails, naming its cell, instead of storing "JosÃ©"; the file's
// own rows import as they are.
func TestUTF8RowsInLegacyFile(t *testing.T) {
	own := "name;city\n" + strings.Repeat("Hélène Dupré;Besançon\nJürgen Müller;Köln\nFrançois Lefèvre;Orléans\n", 5)
	legacy, err := charmap.Windows1252.NewEncoder().String(own)
	if err != nil {
		t.Fatal(err)
	}
	in := legacy + "Ana;Lisboa\nJosé Núñez;Málaga\nLars;Tromsø\n"
	r, err := NewCSV(strings.NewReader(in), Options{})
	_, rows, meta := readAll(t, r, err)
	if r.Info().Encoding != "windows-1252" {
		t.Fatalf("read as %s", r.Info().Encoding)
	}
	for i, m := range meta {
		bad := m.Err != nil && m.Err.Code == CodeBadEncoding
		if want := i >= 16; bad != want {
			t.Errorf("row %d %q: error %v", m.Number, rows[i], m.Err)
		}
	}
	if e := meta[16].Err; e == nil || e.Column != 0 || !strings.Contains(e.Message, "JosÃ© NÃºÃ±ez") {
		t.Errorf("row 18 error %+v, want column 0 named as it would read", e)
	}
	if rows[0][0] != "Hélène Dupré" {
		t.Errorf("first row %q", rows[0])
	}
}

// TestLegacyTextIsNotUTF8: windows-125x text whose bytes happen to form
// valid UTF-8 is not taken for it unless that UTF-8 spells a letter beside
// a letter.
func TestLegacyTextIsNotUTF8(t *testing.T) {
	for _, c := range []struct {
		cm    *charmap.Charmap
		cells []string
	}{
		{charmap.Windows1252, []string{"CAFÉ’S", "Æ€", "Ü–X", "ß", "São Paulo", "Ørsted", "Å˜", "Âge", "Ça va", "Ã",
			// An accented capital, then a sign, beside a letter.
			"CAFÉ…", "ANDRÉ€", "KNÆ”", "TRÆ’S", "HYVÄ”", "PERCHÈ”", "FRANÇ™", "MÄ\u00adKI"}},
		{charmap.Windows1250, []string{"GÓŁKA", "ĽUBOŠ", "ŠŤASTNÝ", "ČÍŽEK", "Čš", "Šťastný", "Dvořák", "Łódź"}},
		{charmap.ISO8859_2, []string{"GÓŁKA", "ĽUBOŠ", "ŠŤASTNÝ", "Łódź"}},
	} {
		for _, cell := range c.cells {
			if _, ok := utf8Cell(cell, c.cm, nil); ok {
				t.Errorf("%s: %q taken for UTF-8", c.cm, cell)
			}
		}
	}
	// UTF-8 names of many languages, read as windows-1252.
	for _, name := range []string{"José", "Paweł", "Dvořák", "Ştefan", "Ștefan", "Țară", "Trương", "Gülşen", "Pēteris", "Ĳsbrand"} {
		cell, err := charmap.Windows1252.NewDecoder().String(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := utf8Cell(cell, charmap.Windows1252, nil); !ok {
			t.Errorf("%q (UTF-8 %q) not taken for UTF-8", cell, name)
		}
	}
}

// TestNonLatinUTF8InLegacyFile: a Cyrillic, Greek, Hebrew or Arabic name
// written in UTF-8 holds no Latin letter, yet read in a single-byte
// encoding it is garbled all the same ("×“×•×“" for "דוד"): its letters side
// by side give it away. Central European capitals that spell one such
// letter (ÎŞI, SZKÓŁKA) are not taken for it.
func TestNonLatinUTF8InLegacyFile(t *testing.T) {
	for _, c := range []struct {
		cm    *charmap.Charmap
		names []string
	}{
		{charmap.Windows1252, []string{"דוד", "محمد"}},
		{charmap.Windows1250, []string{"דוד", "محمد", "Νίκος", "Љиљана"}},
	} {
		for _, name := range c.names {
			cell, err := c.cm.NewDecoder().String(name)
			if err != nil || strings.ContainsRune(cell, '\uFFFD') {
				t.Fatalf("%s: %q does not decode cleanly: the case tests nothing", c.cm, name)
			}
			if _, ok := utf8Cell(cell, c.cm, nil); !ok {
				t.Errorf("%s: %q (UTF-8 %q) not taken for UTF-8", c.cm, cell, name)
			}
		}
	}
	for _, cell := range []string{"ÎŞI", "SZKÓŁKA", "ŘŠ", "2×€"} {
		if _, ok := utf8Cell(cell, charmap.Windows1250, nil); ok {
			t.Errorf("%q taken for UTF-8", cell)
		}
	}
}
