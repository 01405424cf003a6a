package tabular

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Rows written in UTF-8 and appended to a file in a single-byte encoding
// (a windows-1252 export with rows a UTF-8 tool added) decode without a
// single bad byte, as "JosÃ©" for "José": stored so, the directory would
// hold garbled names and nobody would be told. Their bytes give them away:
// taken as UTF-8 they are valid, and spell letters beside letters, which
// windows-125x text almost never does (an accented capital, then a sign
// such as ©). Such a cell fails its row, as a stray windows-1252 byte in a
// UTF-8 file does.

// utf8Cell reports whether cell, decoded from the single-byte encoding
// cm, is UTF-8 text read in cm: its bytes in cm, every non-ASCII one in a
// valid UTF-8 sequence, and one of those a letter beside an ASCII letter or
// a common Hangul syllable, kana or ideograph (utf8Telling), or two of
// them letters of one Cyrillic, Greek, Hebrew or Arabic word.
func utf8Cell(cell string, cm *charmap.Charmap, buf []byte) ([]byte, bool) {
	buf = buf[:0]
	for _, r := range cell {
		if r < utf8.RuneSelf {
			buf = append(buf, byte(r))
			continue
		}
		b, ok := cm.EncodeRune(r)
		if !ok {
			return buf, false
		}
		buf = append(buf, b)
	}
	telling := false
	for q := range highSeqs(buf) {
		if q.invalid {
			return buf, false
		}
		telling = telling || q.telling
	}
	return buf, telling || alphabetPair(buf)
}

// alphabetPair reports whether b, valid UTF-8, holds two letters of one
// Cyrillic, Greek, Hebrew or Arabic word side by side: "Иван" read in
// windows-1252 is "Ð˜Ð²Ð°Ð½", which holds no Latin letter to give it
// away. Single-byte text would need an accented capital and a sign, twice
// in a row, to spell them.
func alphabetPair(b []byte) bool {
	prev := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		s := alphabet(r)
		if s != 0 && s == prev {
			return true
		}
		prev = s
	}
	return false
}

// alphabet numbers the script of a letter of the alphabets alphabetPair
// looks for, 0 for any other character.
func alphabet(r rune) int {
	switch {
	case r >= 0x410 && r <= 0x44F || r == 0x401 || r == 0x451 || r >= 0x404 && r <= 0x407 || r >= 0x454 && r <= 0x457 || r == 0x490 || r == 0x491:
		return 1 // Cyrillic: Russian, Ukrainian, Belarusian, Serbian…
	case r >= 0x386 && r <= 0x3CE:
		return 2 // Greek
	case r >= 0x5D0 && r <= 0x5EA:
		return 3 // Hebrew
	case r >= 0x621 && r <= 0x64A:
		return 4 // Arabic
	}
	return 0
}

// hasHigh reports whether s holds a non-ASCII character.
func hasHigh[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
