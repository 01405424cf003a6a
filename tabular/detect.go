package tabular

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// legacyCandidates are the non-Unicode encodings the detector chooses from.
// The order breaks ties: when two decode the sample to the same plausible
// text (German in windows-1250 and windows-1252, GBK text that GB18030 also
// reads) the earlier, more common one wins.
var legacyCandidates = []textEncoding{
	encWin1252, encWin1250, encLatin2, encGBK, encGB18030, encBig5, encSJIS, encCP949,
}

// How well detection does on the public corpora (TestDetectRequired,
// TestDetectOthers): every windows-1250 (cs, hu, hr, pl, sk, sl, ro),
// windows-1252/iso-8859-1 (de, fr, es, da, sv, it, pt, fi, ga), CP949,
// Big5, GBK/GB18030 and Shift_JIS sample is named right. Known misses:
//   - iso-8859-2 Hungarian and Slovene come out as windows-1250: their
//     letters sit at the same codes in both, so the text decodes the same
//     or nearly so (Slovene š/ž differ, but ą/ľ read as plausible too);
//   - encodings outside the candidate set (Cyrillic, Greek, Hebrew,
//     Arabic, Baltic, Thai, Turkish, Vietnamese, EUC-JP, EUC-TW, IBM852,
//     Mac) get the nearest candidate, i.e. mojibake; ISO-2022-JP/KR use
//     escape bytes and are refused as not text. Options.Encoding fixes
//     any of these when the user knows the encoding.
//   - what detection examines (the first 1 MiB, and at most 64 KiB of
//     its non-ASCII lines) may not tell two encodings apart: a long ASCII
//     file, or a Czech one whose first names hold only letters windows-1252
//     shares. The reading then watches for the first byte that would tell
//     them apart and decides there (guardedText).
//
// Small files carry little evidence: one or two Chinese or Korean names
// can read as well in GBK as in Big5 or CP949. When two readings of
// different text are about as plausible, detection refuses to guess and
// names them (bad_encoding) rather than garble the file silently.
// TestDetectSmallNameFiles measures this on random name lists: no
// encoding is read wrong; one-row CJK files are refused about half the
// time, three-row ones rarely, five rows and more hardly ever.

// detectSampleMax bounds how much non-ASCII text the detector decodes.
const detectSampleMax = 64 << 10

// reading is one candidate encoding's decoding of the sample.
type reading struct {
	enc    textEncoding
	dec    []byte
	points float64 // plausibility, in bytes of the sample it explains
	bad    int     // undecodable or control characters
	n      int     // non-ASCII characters
}

// refuseMargin is how many bytes' worth of plausibility the best reading
// must lead a reading of different text by. Below it the sample, often a
// few names, does not say which it is: GBK and Big5 both decode any byte
// pair, and two Chinese names read as Big5 or as windows-1252 can look as
// likely either way; guessing would garble the file silently.
const refuseMargin = 3

// latinMargin is the lead one single-byte reading needs over another.
const latinMargin = 2

// detectLegacy picks the most plausible legacy encoding for sample, which
// is known not to be UTF-8. When no candidate decodes it cleanly enough,
// ok is false and rivals empty; when two that read it differently are
// about as plausible, ok is false and rivals names them.
func detectLegacy(sample []byte, truncated bool) (e textEncoding, rivals []string, ok bool) {
	e, _, rivals, ok = detectAmong(sample, truncated, legacyCandidates)
	return e, rivals, ok
}

// detectAmong is detectLegacy over the candidates cands, in their order of
// precedence. It also returns the single-byte candidates that read the
// text it examined exactly as e does: what it saw cannot tell them from e,
// and a later byte may (see guardedText).
func detectAmong(sample []byte, truncated bool, cands []textEncoding) (e textEncoding, agree []textEncoding, rivals []string, ok bool) {
	if truncated {
		// '\n' is never a trail byte in these encodings, so cutting there
		// cannot split a multi-byte character.
		if i := bytes.LastIndexByte(sample, '\n'); i > 0 {
			sample = sample[:i+1]
		}
	}
	text := nonASCIILines(sample)
	high := 0
	for _, c := range text {
		if c >= 0x80 {
			high++
		}
	}
	var reads []reading
	for _, cand := range cands {
		dec, _, err := transform.Bytes(cand.enc.NewDecoder(), text)
		if err != nil {
			continue
		}
		r := reading{enc: cand, dec: dec}
		r.points, r.bad, r.n = plausibility(dec, cand)
		if r.n == 0 || tooBroken(r.bad, r.n) {
			continue
		}
		reads = append(reads, r)
	}
	if len(reads) == 0 || high == 0 {
		return textEncoding{}, nil, nil, false
	}
	// The order of legacyCandidates breaks ties.
	best := 0
	for i, r := range reads {
		if r.points > reads[best].points {
			best = i
		}
	}
	// A close rival matters only if it reads the text differently:
	// German reads the same in windows-1250 and -1252, GBK text the same
	// in GB18030.
	var named [][]byte // the readings of the rivals named
	for i, r := range reads {
		if i == best || bytes.Equal(r.dec, reads[best].dec) {
			continue
		}
		// One rival per reading: gbk and gb18030 read alike, and naming
		// both would offer a choice that is none.
		if slices.ContainsFunc(named, func(d []byte) bool { return bytes.Equal(d, r.dec) }) {
			continue
		}
		// Two single-byte readings differ in a few letters, each worth a
		// byte either way: one letter that makes a word where the other
		// breaks it decides. Readings in different scripts need more, and
		// a share of a long sample.
		margin := float64(refuseMargin)
		if singleByte(r.enc) && singleByte(reads[best].enc) {
			margin = latinMargin
			if reads[best].enc == encWin1252 {
				// Western text is the most common by far: where a
				// windows-1250 reading is as good (Hélène or Hélčne),
				// it is windows-1252.
				margin = 0
			}
		} else if m := float64(high) / 20; m > margin {
			margin = m
		}
		if reads[best].points-r.points >= margin && (margin > 0 || i > best) {
			continue
		}
		if !containsName(rivals, reads[best].enc.name) {
			rivals = append(rivals, reads[best].enc.name)
		}
		rivals = append(rivals, r.enc.name)
		named = append(named, r.dec)
	}
	if rivals != nil {
		return textEncoding{}, nil, rivals, false
	}
	for i, r := range reads {
		if i != best && singleByte(r.enc) && singleByte(reads[best].enc) && bytes.Equal(r.dec, reads[best].dec) {
			agree = append(agree, r.enc)
		}
	}
	return reads[best].enc, agree, nil, true
}

func singleByte(e textEncoding) bool {
	return e == encWin1250 || e == encWin1252 || e == encLatin2
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// tooBroken reports whether bad broken characters among n rule a reading
// out. More than 1 in 50 do; so do a few in a short sample, but not one or
// two among many: one stray byte in a small windows-1252 file is that
// file's, and fails its row, rather than a sign of another encoding.
func tooBroken(bad, n int) bool {
	if bad*50 <= n {
		return false
	}
	return bad > 2 || bad*8 > n
}

// nonASCIILines returns the lines of b that hold a byte >= 0x80, up to
// detectSampleMax bytes: the ASCII lines carry no evidence.
func nonASCIILines(b []byte) []byte {
	var out []byte
	for len(b) > 0 && len(out) < detectSampleMax {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i+1]
		}
		b = b[len(line):]
		for _, c := range line {
			if c >= 0x80 {
				out = append(out, line...)
				break
			}
		}
	}
	return out
}

// plausibility scores decoded text by how many bytes of the sample it
// explains as likely text, minus those it explains as unlikely: for CJK
// encodings common Hangul, ideographs of the encoding's script and kana;
// for single-byte ones letters that make words of one language, signs where
// signs stand. bad counts replacement and control characters; n counts
// non-ASCII ones.
func plausibility(dec []byte, cand textEncoding) (points float64, bad, n int) {
	if singleByte(cand) {
		return latinPlausibility(dec)
	}
	han := commonSimplified
	switch cand {
	case encBig5, encCP949:
		han = commonTraditional
	case encSJIS:
		han = commonKanji
	}
	prevLetter := false // an ASCII letter came last
	var prev rune
	for len(dec) > 0 {
		r, size := utf8.DecodeRune(dec)
		dec = dec[size:]
		if r < 0x80 {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != 0x1A {
				bad++
			}
			prevLetter = 'a' <= r|0x20 && r|0x20 <= 'z'
			prev = r
			continue
		}
		n++
		next, _ := utf8.DecodeRune(dec)
		nextLetter := 'a' <= next|0x20 && next|0x20 <= 'z'
		halfKana := r >= 0xFF61 && r <= 0xFF9F
		p := 0.0
		switch {
		case r == utf8.RuneError || (r >= 0x80 && r < 0xA0) || r >= 0xE000 && r <= 0xF8FF:
			bad++
			p = -2
		case halfKana:
			// Half-width katakana: one byte each in Shift_JIS, where old
			// Japanese data writes whole words in them. One among
			// kanji or alone is Chinese bytes misread.
			prevHalf := prev >= 0xFF61 && prev <= 0xFF9F
			nextHalf := next >= 0xFF61 && next <= 0xFF9F
			switch {
			case !prevHalf && !nextHalf:
				p = -2
			case prev >= 0x80 && !prevHalf, next >= 0x80 && !nextHalf:
				p = -1
			default:
				p = 1
			}
		case prevLetter || nextLetter:
			// A double-byte character beside an ASCII letter ("Andr閟",
			// "Sof韆") is Latin text misread: the character took a letter
			// as its trail byte.
			p = -2
		case r >= 0xAC00 && r <= 0xD7A3:
			if commonHangul[r] {
				p = 2
			}
		case r >= 0x4E00 && r <= 0x9FFF:
			switch {
			case cand == encCP949:
				// Korean writes hanja rarely, and not inside Hangul words.
				if prev >= 0xAC00 && prev <= 0xD7A3 || next >= 0xAC00 && next <= 0xD7A3 {
					p = -1
				}
			case han[r]:
				p = 2
				if prev >= 0xFF61 && prev <= 0xFF9F || next >= 0xFF61 && next <= 0xFF9F {
					p = 0
				}
			}
		case r >= 0x3041 && r <= 0x30FF:
			// Kana: Japanese. GBK, Big5 and CP949 have them too, but
			// Chinese and Korean text hardly uses them: there they are
			// Big5 or Shift_JIS bytes misread.
			if cand == encSJIS {
				p = 2
			} else {
				p = -2
			}
		case r >= 0x3000 && r <= 0x303F, r >= 0xFF01 && r <= 0xFF5E:
			p = 1
		case r >= 0x370 && r <= 0x52F, r >= 0x2500 && r <= 0x257F:
			// Greek, Cyrillic and box drawing from the CJK sets' symbol
			// rows: not in names and addresses.
			p = -2
		}
		points += p
		prevLetter = false
		prev = r
	}
	return points, bad, n
}

// latinPlausibility scores text decoded from a single-byte encoding. A
// letter counts for its byte when its word's non-ASCII letters all belong
// to one language and the word looks like one: Chinese bytes read as
// windows-1252 make words such as "ÀîÄÈ" (case changing mid-word), "Ñî"
// (Spanish ñ with French î) or "ÕÔÃô", and signs between letters ("Ñî·«").
// Such letters and signs count against it.
func latinPlausibility(dec []byte) (points float64, bad, n int) {
	var prev rune = ' '
	for len(dec) > 0 {
		r, size := utf8.DecodeRune(dec)
		if unicode.IsLetter(r) {
			// A word: a run of letters.
			end := size
			for end < len(dec) {
				r2, s2 := utf8.DecodeRune(dec[end:])
				if !unicode.IsLetter(r2) {
					break
				}
				end += s2
			}
			p, k := latinWord(dec[:end])
			points += p
			n += k
			prev, _ = utf8.DecodeLastRune(dec[:end])
			dec = dec[end:]
			continue
		}
		dec = dec[size:]
		if r < 0x80 {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != 0x1A {
				bad++
			}
			prev = r
			continue
		}
		n++
		next, _ := utf8.DecodeRune(dec)
		switch {
		case r == utf8.RuneError || r < 0xA0:
			bad++
			points -= 2
		case latinNeutral[r]:
			// Signs stand between words, or before a letter (« ¿ ¡ “),
			// or after one (» ” , ’s), not between two letters (except
			// apostrophes, dashes, and l·l); nor does one follow a
			// letter of another word without a space.
			between := unicode.IsLetter(prev) && unicode.IsLetter(next)
			switch {
			case r == '©' || r == '®':
				// "©koda" is Škoda in ISO-8859-2 read as windows-125x.
				if unicode.IsLetter(prev) || unicode.IsLetter(next) {
					points--
				} else {
					points++
				}
			case !between, r == '’', r == '‘', r == '–', r == '—', r == '\u00A0', r == '·' && prev == 'l' && next == 'l':
				points += 0.5
			default:
				points--
			}
		default:
			// Other signs (½ × ÷ ¤ ¶ ª ¹ …) are rare in contact data;
			// touching a letter they are misread letters.
			if unicode.IsLetter(prev) || unicode.IsLetter(next) {
				if !(r == '²' || r == '³') || prev != 'm' {
					points--
				}
			}
		}
		prev = r
	}
	return points, bad, n
}

// latinWord scores one word of Latin text: +1 for each non-ASCII letter
// when the word is plausible, -1 each when not. k counts them.
func latinWord(w []byte) (points float64, k int) {
	langs := uint32(1)<<len(latinLanguages) - 1
	ascii := 0
	var prev rune
	implausible := false
	for i, r := range string(w) {
		if r < 0x80 {
			ascii++
		} else {
			k++
			lr := unicode.ToLower(r)
			langs &= latinLetterLangs[lr]
			if !letterFits(lr, prev, w[i+utf8.RuneLen(r):]) {
				implausible = true
			}
		}
		// Case turns from lower to upper inside a word only in names
		// like McDonald, not at an accented letter.
		if i > 0 && unicode.IsUpper(r) && unicode.IsLower(prev) && (r >= 0x80 || prev >= 0x80) {
			implausible = true
		}
		prev = r
	}
	if k == 0 {
		return 0, 0
	}
	// Words of accented letters only are rare beyond one letter ("à",
	// "ő").
	if langs == 0 || implausible || ascii == 0 && k >= 2 {
		return -float64(k), k
	}
	return float64(k), k
}

// letterFits reports whether the lower-case letter r may stand after prev
// and before rest in a word, where the languages that use it put it: the
// places another encoding's letter at that byte would stand tell it apart.
func letterFits(r, prev rune, rest []byte) bool {
	next, _ := utf8.DecodeRune(rest)
	next = unicode.ToLower(next)
	vowel := func(c rune) bool {
		return strings.ContainsRune("aeiouyáéíóúýàèìòùâêîôûäëïöüåæøœąęůěő", c)
	}
	switch r {
	case 'ń', 'ś', 'ź':
		// Polish writes them before a vowel as ni, si, zi.
		return !vowel(next)
	case 'ñ':
		// Spanish ñ stands before a vowel (Muñoz, Iñaki); Polish ń read
		// as windows-1252 before a consonant (Kamiñski).
		return vowel(next)
	case 'à', 'ì', 'ò', 'ù':
		// Italian and French put grave accents on a word's last vowel
		// (città, così, où): mid-word they are Czech ŕ ě ň ů misread.
		return len(rest) == 0
	case 'è':
		// French è stands before a consonant or two and an e (crème,
		// Lefèvre), or ends a word (Agnès, è); Czech č before a vowel
		// read as windows-1252 does not (Vlèek, Èech).
		if len(rest) == 0 || string(rest) == "s" {
			return true
		}
		for i := 0; i < 3 && i < len(rest); i++ {
			c := rest[i] | 0x20
			if c == 'e' {
				return i > 0
			}
			if c < 'a' || c > 'z' || vowel(rune(c)) {
				return false
			}
		}
		return false
	case 'ø':
		// Nordic ø stands before a consonant (Søren, Bjørn); Czech ř
		// read as windows-1252 before a vowel (Jiøí, Pøemysl).
		return !vowel(next)
	case 'ï':
		// A diaeresis follows a vowel (Anaïs, Loïc); Czech ď does not.
		return vowel(unicode.ToLower(prev))
	}
	return true
}

func runeSet(s string) map[rune]bool {
	m := make(map[rune]bool, len(s))
	for _, r := range s {
		m[r] = true
	}
	return m
}

// latinLanguages lists, per language, the lower-case non-ASCII letters its
// text uses. A wrong single-byte reading mixes letters of several languages.
var latinLanguages = [...]map[rune]bool{
	runeSet("áčďéěíňóřšťúůýž"),   // Czech
	runeSet("áäčďéíĺľňóôŕšťúýž"), // Slovak
	runeSet("ąćęłńóśźż"),         // Polish
	runeSet("áéíóöőúüű"),         // Hungarian
	runeSet("čćđšž"),             // Croatian, Slovene, Bosnian
	runeSet("ăâîşţșț"),           // Romanian
	runeSet("äöüßé"),             // German
	runeSet("àâæçéèêëîïôœùûüÿ"),  // French
	runeSet("áéíñóúü¿¡"),         // Spanish
	runeSet("áâãàçéêíóôõú"),      // Portuguese
	runeSet("àèéìòù"),            // Italian
	runeSet("åäöæøéü"),           // Nordic
	runeSet("áéíóú"),             // Irish
	runeSet("äõöüšž"),            // Estonian
	runeSet("éëïóöü"),            // Dutch
}

// latinNeutral are punctuation and symbols common in any Latin-script text.
var latinNeutral = runeSet("\u00A0’‘“”„–—…€«»°§·©®´×•")

// latinLetterLangs maps a lower-case non-ASCII letter to the set of
// latinLanguages (bit i for language i) that use it.
var latinLetterLangs = func() map[rune]uint32 {
	m := map[rune]uint32{}
	for i, set := range latinLanguages {
		for r := range set {
			m[r] |= 1 << i
		}
	}
	return m
}()

var (
	commonHangul      = runeSet(hangulCommon)
	commonSimplified  = runeSet(hanziSimplified)
	commonTraditional = runeSet(hanziTraditional)
	commonKanji       = runeSet(kanjiCommon)
	// commonHanzi is either script, for text whose encoding is not in doubt.
	commonHanzi = runeSet(hanziSimplified + hanziTraditional)
)
