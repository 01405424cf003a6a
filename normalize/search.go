package normalize

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SearchFold returns the form the directory's search compares text in, on
// both sides: lower case, accents removed (Dvořák is dvorak, Łódź is lodz),
// ß as ss and full-width forms as their plain letters, so that an admin
// finds a name however it is typed. Unlike mapping.Fold it keeps spaces,
// digits and punctuation, so that a part of an email (@müller.de) still
// matches as a substring. Han, kana and Hangul are kept as they are.
func SearchFold(s string) string {
	// Most names and every plain email are ASCII: lower-case them without
	// the rune-by-rune work below, and return s itself when it already is.
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return searchFoldUnicode(s)
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if !upper {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// searchFoldUnicode is SearchFold for text that is not all ASCII.
func searchFoldUnicode(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case r < searchTableEnd:
			b.WriteString(searchTable()[r-utf8.RuneSelf])
		case 0x1E00 <= r && r < 0x2000:
			b.WriteString(searchTableExtended()[r-0x1E00])
		default:
			b.WriteString(foldRune(r))
		}
	}
	return b.String()
}

// The folds of European letters (Latin, Greek, Cyrillic, Vietnamese),
// worked out once: decomposing a rune costs a microsecond, too much for
// every accented letter of a million-row import.
const searchTableEnd = 0x530

var (
	searchTable         = sync.OnceValue(func() []string { return foldRange(utf8.RuneSelf, searchTableEnd) })
	searchTableExtended = sync.OnceValue(func() []string { return foldRange(0x1E00, 0x2000) })
)

func foldRange(from, to rune) []string {
	t := make([]string, to-from)
	for r := from; r < to; r++ {
		t[r-from] = foldRune(r)
	}
	return t
}

// foldRune is the search form of one non-ASCII rune.
func foldRune(r rune) string {
	if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) ||
		0x3099 <= r && r <= 0x309C || r == 0xFF9E || r == 0xFF9F {
		// Decomposing these would split Hangul syllables into jamo and
		// strip the voicing marks that tell kana apart (デ from テ, ｶﾞ
		// from ｶ: the marks written on their own are kept too).
		return string(r)
	}
	// Compatibility decomposition turns é into e and a mark, ﬁ into fi
	// and Ｍ into M; the marks are then dropped.
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		d = unicode.ToLower(d)
		if f := searchLetter(d); f != "" {
			b.WriteString(f)
		} else {
			b.WriteRune(d)
		}
	}
	return b.String()
}

// searchLetter is how a Polish, German or Nordic admin types a Latin
// letter whose accent Unicode does not decompose (ł is no l with a mark),
// or "" for any other.
func searchLetter(r rune) string {
	switch r {
	case 'ß':
		return "ss"
	case 'ł':
		return "l"
	case 'ø':
		return "o"
	case 'đ', 'ð':
		return "d"
	case 'ħ':
		return "h"
	case 'ŧ':
		return "t"
	case 'ı':
		return "i"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'þ':
		return "th"
	}
	return ""
}
