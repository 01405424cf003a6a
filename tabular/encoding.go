package tabular

import (
	"bytes"
	"iter"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// textEncoding is a decodable encoding with the name reported in Info.
// enc is nil for UTF-8, which is passed through undecoded and validated per cell.
type textEncoding struct {
	name string
	enc  encoding.Encoding
}

var (
	encUTF8    = textEncoding{"utf-8", nil}
	encUTF16LE = textEncoding{"utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}
	encUTF16BE = textEncoding{"utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}
	encUTF32LE = textEncoding{"utf-32le", utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)}
	encUTF32BE = textEncoding{"utf-32be", utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)}
	encWin1250 = textEncoding{"windows-1250", charmap.Windows1250}
	encWin1252 = textEncoding{"windows-1252", charmap.Windows1252}
	encLatin2  = textEncoding{"iso-8859-2", charmap.ISO8859_2}
	encCP949   = textEncoding{"cp949", korean.EUCKR} // x/text's EUC-KR decoder is the CP949 (UHC) superset
	// The WHATWG Encoding Standard decodes gbk with gb18030's decoder,
	// which x/text's GBK lacks: a character GBK has no code for (rarer
	// ideographs of names) is then read as the 4-byte GB18030 sequence
	// Chinese Windows writes for it, not refused.
	encGBK     = textEncoding{"gbk", simplifiedchinese.GB18030}
	encGB18030 = textEncoding{"gb18030", simplifiedchinese.GB18030}
	encBig5    = textEncoding{"big5", traditionalchinese.Big5}
	encSJIS    = textEncoding{"shift_jis", japanese.ShiftJIS}
)

// namedEncodings maps the names we accept in Options.Encoding beyond the
// WHATWG labels that htmlindex knows.
var namedEncodings = map[string]textEncoding{
	"utf-8": encUTF8, "utf8": encUTF8,
	"utf-16le": encUTF16LE, "utf-16be": encUTF16BE, "utf-16": encUTF16LE,
	"utf-32le": encUTF32LE, "utf-32be": encUTF32BE, "utf-32": encUTF32LE,
	"windows-1250": encWin1250, "cp1250": encWin1250,
	"windows-1252": encWin1252, "cp1252": encWin1252,
	"iso-8859-2": encLatin2, "latin2": encLatin2,
	"cp949": encCP949, "euc-kr": encCP949, "uhc": encCP949, "ks_c_5601-1987": encCP949,
	"gbk": encGBK, "cp936": encGBK, "gb2312": encGBK,
	"gb18030": encGB18030,
	"big5":    encBig5, "cp950": encBig5,
	"shift_jis": encSJIS, "shift-jis": encSJIS, "sjis": encSJIS, "cp932": encSJIS, "windows-31j": encSJIS,
}

// lookupEncoding resolves an Options.Encoding name.
func lookupEncoding(name string) (textEncoding, bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	if e, ok := namedEncodings[key]; ok {
		return e, true
	}
	e, err := htmlindex.Get(key)
	if err != nil {
		return textEncoding{}, false
	}
	canon, _ := htmlindex.Name(e)
	if canon == "utf-8" {
		return encUTF8, true
	}
	return textEncoding{canon, e}, true
}

// detectBOM returns the encoding announced by a byte order mark and its length.
func detectBOM(b []byte) (textEncoding, int, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return encUTF32LE, 4, true
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return encUTF32BE, 4, true
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8, 3, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return encUTF16LE, 2, true
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return encUTF16BE, 2, true
	}
	return textEncoding{}, 0, false
}

// detectWideUnicode recognises BOM-less UTF-16/32 by where the zero bytes
// fall: mostly-ASCII text puts NULs at fixed positions of each code unit.
func detectWideUnicode(b []byte) (textEncoding, bool) {
	n := len(b) &^ 3
	if n > 4096 {
		n = 4096
	}
	if n < 4 {
		return textEncoding{}, false
	}
	var zero [4]int
	for i := 0; i < n; i++ {
		if b[i] == 0 {
			zero[i&3]++
		}
	}
	units := n / 4
	high := func(k int) bool { return zero[k] > units*7/10 }
	low := func(k int) bool { return zero[k] < units*3/10 }
	switch {
	case low(0) && high(1) && high(2) && high(3):
		return encUTF32LE, true
	case high(0) && high(1) && high(2) && low(3):
		return encUTF32BE, true
	}
	// UTF-16: NULs fall on one parity only. CJK text has few of them (only
	// its ASCII: line ends, digits, delimiters), so a small share suffices.
	even, odd := zero[0]+zero[2], zero[1]+zero[3]
	switch {
	case odd >= 4 && odd*20 > n/2 && even*10 < odd:
		return encUTF16LE, true
	case even >= 4 && even*20 > n/2 && odd*10 < even:
		return encUTF16BE, true
	}
	return textEncoding{}, false
}

// looksBinary reports whether the sample is more than 5% control bytes
// that text files do not contain (NUL among them), as binary files are. A
// stray NUL in text fails its row (badEncodingColumn), not the file.
func looksBinary(b []byte) bool {
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
			ctl++
		}
	}
	return ctl*20 > len(b)
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing an incomplete
// multi-byte sequence at the very end when the sample was cut (truncated).
func validUTF8Prefix(b []byte, truncated bool) bool {
	if truncated {
		// Drop at most 3 trailing bytes of a sequence the sniff cut in two.
		for i := 1; i <= 3 && i <= len(b); i++ {
			c := b[len(b)-i]
			if c < 0x80 {
				break
			}
			if c >= 0xC0 { // lead byte: is its sequence incomplete?
				if !utf8.FullRune(b[len(b)-i:]) {
					b = b[:len(b)-i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// mostlyUTF8 reports whether sample is UTF-8 text with some bad bytes,
// which then fail their rows, rather than text in a legacy encoding: a file
// written by a UTF-8 export with rows appended by a program that writes
// windows-1252. Legacy bytes form valid multi-byte UTF-8 sequences by
// chance, but those decode to letters of no particular script (ѕ, ĳ, ي) or
// rare ideographs; sequences that decode to an accented Latin letter beside
// an ASCII one ("Jürgen"), or to common Hangul, kana or ideographs, they
// hardly ever form (none in the public corpora of windows-125x, CP949, GBK,
// Big5, Shift_JIS, EUC…). Two of those are evidence enough unless invalid
// bytes far outnumber them: reading such a file as UTF-8 fails the few
// legacy rows loudly, where reading it as legacy text would garble the
// UTF-8 rows silently.
func mostlyUTF8(sample []byte) bool {
	telling, invalid := 0, 0
	for q := range highSeqs(sample) {
		switch {
		case q.invalid:
			invalid++
		case q.telling:
			telling++
		}
	}
	return telling >= 2 && telling*4 >= invalid
}

// highSeq is a non-ASCII sequence of a sample, as utf8.DecodeRune reads
// it: its size, whether it is an invalid byte, and whether it is one that
// legacy bytes rarely spell (utf8Telling).
type highSeq struct {
	size             int
	invalid, telling bool
}

// highSeqs yields the non-ASCII sequences of sample.
func highSeqs(sample []byte) iter.Seq[highSeq] {
	return func(yield func(highSeq) bool) {
		prevASCIILetter := false
		for b := sample; len(b) > 0; {
			if c := b[0]; c < utf8.RuneSelf {
				prevASCIILetter = 'a' <= c|0x20 && c|0x20 <= 'z'
				b = b[1:]
				continue
			}
			r, size := utf8.DecodeRune(b)
			b = b[size:]
			invalid := r == utf8.RuneError && size <= 1
			telling := !invalid && utf8Telling(r, prevASCIILetter, b)
			prevASCIILetter = false
			if !yield(highSeq{size, invalid, telling}) {
				return
			}
		}
	}
}

// legacyLookalike reports whether sample, valid UTF-8, is as likely a
// few Chinese, Japanese or Korean names in a legacy encoding: two GBK
// characters can spell a valid UTF-8 sequence ("李娜" is no UTF-8, but
// some pairs are). That is so when its UTF-8 reading holds few non-ASCII
// characters and none that legacy bytes rarely spell (see utf8Telling),
// while a legacy reading explains nearly every byte as common text.
func legacyLookalike(sample []byte) (textEncoding, bool) {
	seqs, high := 0, 0
	for q := range highSeqs(sample) {
		if q.telling || seqs >= 8 {
			return textEncoding{}, false
		}
		seqs++
		high += q.size
	}
	if seqs == 0 {
		return textEncoding{}, false
	}
	e, rivals, ok := detectLegacy(sample, false)
	if !ok && len(rivals) > 0 {
		// Too close to call between legacy readings: the best of them.
		e, _ = lookupEncoding(rivals[0])
	} else if !ok {
		return textEncoding{}, false
	}
	if singleByte(e) {
		return textEncoding{}, false
	}
	dec, _, err := transform.Bytes(e.enc.NewDecoder(), nonASCIILines(sample))
	if err != nil {
		return textEncoding{}, false
	}
	points, bad, _ := plausibility(dec, e)
	return e, bad == 0 && points >= float64(high)*3/4 && points >= refuseMargin
}

// utf8Telling reports whether r, validly UTF-8 encoded, is one that legacy
// bytes rarely spell by chance: a Latin letter touching an ASCII letter
// (prev says whether one comes before; rest is what follows), or a common
// Hangul syllable, kana or ideograph.
func utf8Telling(r rune, prev bool, rest []byte) bool {
	switch {
	case livingLatin(r):
		if prev {
			return true
		}
		if len(rest) > 0 {
			c := rest[0] | 0x20
			return 'a' <= c && c <= 'z'
		}
	case r >= 0x3041 && r <= 0x30FA:
		return true
	case r >= 0xAC00 && r <= 0xD7A3:
		return commonHangul[r]
	case r >= 0x4E00 && r <= 0x9FFF:
		return commonHanzi[r]
	}
	return false
}

// livingLatin reports whether r is a Latin letter that a language writes
// today: Latin-1's and Latin Extended-A's, and of Latin Extended-B only
// Vietnamese ơ ư, Romanian ș ț and Azerbaijani Ə. The rest of Extended-B
// (ɅƔȔ), and breve letters no orthography uses (Ĕĕ Ĭĭ Ŏŏ), are what
// legacy text spells when an accented capital meets a sign: "CAFÉ…",
// "KNÆ”" and "HYVÄ”" in windows-1252, where UTF-8 text never has them.
func livingLatin(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xFF:
		return r != 0xD7 && r != 0xF7
	case r >= 0x100 && r <= 0x17F:
		return r != 0x114 && r != 0x115 && r != 0x12C && r != 0x12D && r != 0x14E && r != 0x14F
	}
	switch r {
	case 0x18F, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x218, 0x219, 0x21A, 0x21B:
		return true
	}
	return false
}

// sniffEncoding chooses the encoding of a text file from its first bytes.
// It returns the encoding and how many BOM bytes to skip.
func sniffEncoding(sample []byte, truncated bool) (textEncoding, int, *FatalError) {
	d, ferr := detectEncoding(sample, truncated)
	return d.enc, d.skip, ferr
}

// detection is the encoding chosen for a file, the BOM bytes to skip, and
// the encodings that read the sample just as well and the same way, which
// the rest of the file may still tell apart (see guardedText).
type detection struct {
	enc   textEncoding
	skip  int
	alive []textEncoding
}

func detectEncoding(sample []byte, truncated bool) (detection, *FatalError) {
	if e, n, ok := detectBOM(sample); ok {
		// Some Java writers put a UTF-16 BOM before UTF-32 text; trust the
		// zero-byte pattern of the text over the BOM then.
		if n == 2 {
			if w, ok := detectWideUnicode(sample[2:]); ok && (w == encUTF32LE || w == encUTF32BE) {
				return detection{enc: w, skip: 2}, nil
			}
		}
		return detection{enc: e, skip: n}, nil
	}
	if e, ok := detectWideUnicode(sample); ok {
		return detection{enc: e}, nil
	}
	if looksBinary(sample) {
		return detection{}, fatalf(CodeNotText, "the file is not a text or XLSX file")
	}
	return detectText(sample, truncated)
}

// detectText chooses between UTF-8 and the legacy encodings for text
// without a BOM, or refuses it.
func detectText(sample []byte, truncated bool) (detection, *FatalError) {
	d, rivals, ok := chooseText(sample, truncated)
	switch {
	case ok:
		return d, nil
	case len(rivals) > 0:
		return detection{}, ambiguousEncoding(rivals, "")
	}
	return detection{}, fatalf(CodeBadEncoding, "cannot tell the file's text encoding; save it as UTF-8 or choose the encoding")
}

// chooseText is detectText's choice: ok is false with rivals when two
// readings of different text are as plausible, and without when no
// encoding reads the sample cleanly.
func chooseText(sample []byte, truncated bool) (d detection, rivals []string, ok bool) {
	if validUTF8Prefix(sample, truncated) {
		if e, ok := legacyLookalike(sample); ok {
			return detection{}, []string{e.name, "utf-8"}, false
		}
		d := detection{enc: encUTF8}
		if truncated && isASCII(sample) {
			// Only plain ASCII so far: the first other byte decides.
			d.alive = legacyCandidates
		}
		return d, nil, true
	}
	if mostlyUTF8(sample) {
		return detection{enc: encUTF8}, nil, true
	}
	return chooseAmong(sample, truncated, legacyCandidates)
}

// chooseAmong is detectAmong's choice as a detection.
func chooseAmong(sample []byte, truncated bool, cands []textEncoding) (detection, []string, bool) {
	e, agree, rivals, ok := detectAmong(sample, truncated, cands)
	return detection{enc: e, alive: agree}, rivals, ok
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ambiguousEncoding is the refusal to guess between encodings that read
// the file as different, equally plausible text (names, most likely
// first); from says where, when not from the start ("from line 9 ").
func ambiguousEncoding(names []string, from string) *FatalError {
	return fatalf(CodeBadEncoding, "cannot tell the file's text encoding: %sit reads as plausible but different text in %s; choose the encoding (--encoding %s, say) or save the file as UTF-8",
		from, strings.Join(names, " and in "), names[0])
}

// KnownEncoding reports whether name is an encoding Options.Encoding
// takes, so that saved options can be checked before any file is read.
func KnownEncoding(name string) bool {
	_, ok := lookupEncoding(name)
	return ok
}
