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
// a common Hangul syllable, kana or ideograph (utf8Telling).
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
	return buf, telling
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
