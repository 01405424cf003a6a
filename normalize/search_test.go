package normalize

import "testing"

func TestSearchFold(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"ann@example.com":          "ann@example.com",
		"Ann Lee ANN@Example.COM":  "ann lee ann@example.com",
		"Dvořák":                   "dvorak",
		"Müller":                   "muller",
		"MÜLLER":                   "muller",
		"Mu\u0308ller":             "muller", // decomposed, as macOS writes it
		"Łódź":                     "lodz",
		"Straße":                   "strasse",
		"STRAẞE":                   "strasse",
		"Søren Ærø":                "soren aero",
		"Ｍüller ＧｍｂＨ":              "muller gmbh",
		"jan@müller.de 42":         "jan@muller.de 42",
		"İstanbul":                 "istanbul",
		"Ἀθῆναι":                   "αθηναι",
		"Ёлка":                     "елка",
		"東京 デザイン 한국":               "東京 デザイン 한국",
		"Björk 서울 ガ":               "bjork 서울 ガ",
		"ｶﾞ":                       "ｶﾞ",
		"O'Brien-Smith & Co. (UK)": "o'brien-smith & co. (uk)",
	} {
		if got := SearchFold(in); got != want {
			t.Errorf("SearchFold(%q) = %q, want %q", in, got, want)
		}
	}
}

// The fold runs for every contact an import writes.
func BenchmarkSearchFold(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"ascii", "Ann Lee ann.lee@example.com"},
		{"ascii_lower", "ann lee ann.lee@example.com"},
		{"accented", "Antonín Dvořák antonin.dvorak@müller.de"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SearchFold(bc.in)
			}
		})
	}
}
