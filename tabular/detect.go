package tabular

import (
	"bytes"
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
//   - a file whose first 1 MiB is pure ASCII is read as UTF-8; a later
//     non-UTF-8 byte then flags its row with bad_encoding.

// detectSampleMax bounds how much non-ASCII text the detector decodes.
const detectSampleMax = 64 << 10

// detectLegacy picks the most plausible legacy encoding for sample, which
// is known not to be UTF-8. ok is false when no candidate decodes it cleanly
// enough.
func detectLegacy(sample []byte, truncated bool) (textEncoding, bool) {
	if truncated {
		// '\n' is never a trail byte in these encodings, so cutting there
		// cannot split a multi-byte character.
		if i := bytes.LastIndexByte(sample, '\n'); i > 0 {
			sample = sample[:i+1]
		}
	}
	text := nonASCIILines(sample)
	best, bestScore, bestBad, bestN := -1, -1.0, 1<<30, 0
	for i, cand := range legacyCandidates {
		dec, _, err := transform.Bytes(cand.enc.NewDecoder(), text)
		if err != nil {
			continue
		}
		score, bad, n := plausibility(dec, cand)
		if n == 0 {
			continue
		}
		// Too many broken characters rule a candidate out; a few only cost
		// it a little, so that one bad byte in a CP949 file does not hand
		// the file to a single-byte encoding that decodes every byte into
		// implausible letters (the bad cell is then flagged on its row).
		if bad*50 > n {
			continue
		}
		score -= 2 * float64(bad) / float64(n)
		if score > bestScore {
			best, bestScore, bestBad, bestN = i, score, bad, n
		}
	}
	// A sample whose best reading still has many broken characters is not
	// text we know; a few are flagged per row by the reader.
	if best < 0 || bestBad*50 > bestN {
		return textEncoding{}, false
	}
	return legacyCandidates[best], true
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

// plausibility scores decoded text in [0,1]: for CJK encodings the share
// of non-ASCII characters that are common Hangul, ideographs or kana; for
// single-byte ones the best share of letters that belong to one language.
// bad counts replacement and control characters; n counts non-ASCII ones.
func plausibility(dec []byte, cand textEncoding) (score float64, bad, n int) {
	single := cand == encWin1250 || cand == encWin1252 || cand == encLatin2
	var good float64
	var lang [len(latinLanguages)]int
	neutral := 0
	for len(dec) > 0 {
		r, size := utf8.DecodeRune(dec)
		dec = dec[size:]
		if r < 0x80 {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != 0x1A {
				bad++
			}
			continue
		}
		n++
		switch {
		case r == utf8.RuneError || (r >= 0x80 && r < 0xA0) || r >= 0xE000 && r <= 0xF8FF:
			bad++
		case single:
			if latinNeutral[r] {
				// "©koda" is Škoda in ISO-8859-2 read as windows-1250 or
				// -1252: a sign before a letter is no sign.
				if next, _ := utf8.DecodeRune(dec); (r == '©' || r == '®') && unicode.IsLetter(next) {
					continue
				}
				neutral++
				continue
			}
			lr := unicode.ToLower(r)
			for i, set := range latinLanguages {
				if set[lr] {
					lang[i]++
				}
			}
		case r >= 0xAC00 && r <= 0xD7A3:
			if commonHangul[r] {
				good++
			}
		case r >= 0x4E00 && r <= 0x9FFF:
			if commonHanzi[r] {
				good++
			}
		case r >= 0x3040 && r <= 0x30FF:
			good++
		case r >= 0x3000 && r <= 0x303F, r >= 0xFF01 && r <= 0xFF5E:
			good += 0.8
		case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana: real in old Japanese data, but rare
			good += 0.5
		}
	}
	if n == 0 {
		return 0, bad, 0
	}
	if single {
		best := 0
		for _, c := range lang {
			best = max(best, c)
		}
		return float64(best+neutral) / float64(n), bad, n
	}
	return good / float64(n), bad, n
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
	runeSet("àèéìíîòóùú"),        // Italian
	runeSet("åäöæøéü"),           // Nordic
	runeSet("áéíóú"),             // Irish
	runeSet("äõöüšž"),            // Estonian
	runeSet("éëïóöü"),            // Dutch
}

// latinNeutral are punctuation and symbols common in any Latin-script text.
var latinNeutral = runeSet("\u00A0’‘“”„–—…€«»°§·©®´×•")

var commonHangul = runeSet(hangulCommon)
var commonHanzi = runeSet(hanziCommon)
