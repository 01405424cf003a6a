package mapping

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the form headers and synonyms are compared in: full-width and
// other compatibility forms folded (NFKC), lower case, Latin/Greek/Cyrillic
// accents removed, and everything but letters and digits dropped, so
// "E-mail", "e_mail" and "ＥＭＡＩＬ" all become "email" and "Příjmení" becomes
// "prijmeni". Han, kana and Hangul are kept as they are.
func Fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				b.WriteRune(r)
			}
		case unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana):
			// Decomposing these would split Hangul syllables into jamo and
			// strip the voicing marks that distinguish kana (デ vs テ).
			b.WriteRune(r)
		default:
			// Decompose so accents become separate marks, then keep only the
			// letters and digits (this also drops spaces and punctuation).
			for _, d := range norm.NFD.String(string(r)) {
				if unicode.IsLetter(d) || unicode.IsDigit(d) {
					b.WriteRune(d)
				}
			}
		}
	}
	return b.String()
}

// trimNumber returns f without trailing digits, so "phone2" can be recognised
// as a second "phone" column; ok is false when there is nothing to trim or
// nothing would be left.
func trimNumber(f string) (stem string, ok bool) {
	stem = strings.TrimRightFunc(f, unicode.IsDigit)
	return stem, stem != "" && stem != f
}
