package tabular

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// numKind says how a numeric cell is shown.
type numKind uint8

const (
	kindGeneral numKind = iota // shortest decimal, 15 significant digits like Excel
	kindDate                   // YYYY-MM-DD, plus " hh:mm:ss" when there is a time part
	kindTime                   // hh:mm:ss
	kindPadded                 // integer zero-padded to pad digits ("00000")
	kindDigits                 // integer laid out in digit placeholders and literal text ("00000-0000")
)

type numStyle struct {
	kind numKind
	pad  int
	// digits is kindDigits's layout. What it does not render (a
	// fraction, a negative number) shows as before it: zero-padded to pad
	// digits when pad > 0, else as General.
	digits *digitFormat
}

// builtinStyle classifies Excel's built-in number format ids.
func builtinStyle(id int) numStyle {
	switch {
	case id == 1:
		return numStyle{kind: kindPadded, pad: 1}
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		// 27–36 and 50–58 are the East Asian built-in date formats.
		return numStyle{kind: kindDate}
	case id >= 18 && id <= 21, id >= 45 && id <= 47:
		return numStyle{kind: kindTime}
	}
	return numStyle{}
}

// customStyle classifies a custom format code. Only the first section
// (positive numbers) matters, but for a digit layout with a condition
// (parseDigitFormat); quoted text, [brackets] and escaped characters are
// not format letters.
func customStyle(code string) numStyle {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
		case c == '\\', c == '_', c == '*':
			i++ // the next character is literal or a fill/spacing character
		case c == '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				i += j
			}
		case c == ';':
			i = len(code)
		default:
			b.WriteByte(c)
		}
	}
	f := strings.ToLower(b.String())
	if f == "general" || f == "@" || f == "" {
		return numStyle{}
	}
	if strings.ContainsAny(f, "dy") {
		return numStyle{kind: kindDate}
	}
	if strings.ContainsAny(f, "hs") {
		return numStyle{kind: kindTime}
	}
	if strings.Contains(f, "m") && !strings.Contains(f, "e") { // "mmm": month names
		return numStyle{kind: kindDate}
	}
	pad := 0
	if strings.Trim(f, "0") == "" {
		pad = len(f)
	}
	if d := parseDigitFormat(code); d != nil {
		return numStyle{kind: kindDigits, pad: pad, digits: d}
	}
	if pad > 0 {
		return numStyle{kind: kindPadded, pad: pad}
	}
	return numStyle{}
}

// maxSerial is 9999-12-31, the last date Excel shows.
const maxSerial = 2958465

// formatNumber renders the numeric text of a <v> element as a person sees it.
func formatNumber(v string, st numStyle, date1904 bool) (string, bool) {
	if st.kind == kindGeneral && isPlainInteger(v) {
		return v, true // fast path: most cells are integers
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v, false
	}
	switch st.kind {
	case kindDate, kindTime:
		if f >= 0 && f <= maxSerial {
			return formatSerial(f, st.kind, date1904), true
		}
	case kindDigits:
		if s, ok := st.digits.format(f); ok {
			return s, true
		}
		if st.pad > 0 && math.Abs(math.Round(f)) < 1e15 {
			return formatPadded(f, st.pad), true
		}
	case kindPadded:
		if math.Abs(math.Round(f)) < 1e15 {
			return formatPadded(f, st.pad), true
		}
	}
	return formatGeneral(f), true
}

// formatPadded rounds f, of less than 1e15, to an integer of at least
// pad digits.
func formatPadded(f float64, pad int) string {
	r := math.Round(f)
	s := strconv.FormatInt(int64(math.Abs(r)), 10)
	if len(s) < pad {
		s = strings.Repeat("0", pad-len(s)) + s
	}
	if r < 0 {
		s = "-" + s
	}
	return s
}

// isPlainInteger reports an optionally negative run of at most 15 digits
// without a leading zero: text that General shows unchanged.
func isPlainInteger(v string) bool {
	s := strings.TrimPrefix(v, "-")
	if len(s) == 0 || len(s) > 15 || (s[0] == '0' && len(s) > 1) || (v[0] == '-' && s == "0") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatGeneral rounds to 15 significant digits, as Excel displays, and
// prints the shortest decimal without exponent.
func formatGeneral(f float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// formatSerial renders an Excel date serial. The 1900 system counts the
// nonexistent 1900-02-29 (serial 60), so serials before it are one day off.
func formatSerial(f float64, kind numKind, date1904 bool) string {
	days := math.Floor(f)
	secs := int(math.Round((f - days) * 86400))
	if secs >= 86400 {
		days++
		secs -= 86400
	}
	clock := ""
	if secs > 0 || kind == kindTime {
		clock = time.Date(0, 1, 1, 0, 0, secs, 0, time.UTC).Format("15:04:05")
	}
	if kind == kindTime && days == 0 {
		return clock
	}
	var date string
	switch {
	case date1904:
		date = epoch1904.AddDate(0, 0, int(days)).Format("2006-01-02")
	case days == 60:
		date = "1900-02-29"
	case days < 60:
		date = epoch1900.AddDate(0, 0, int(days)+1).Format("2006-01-02")
	default:
		date = epoch1900.AddDate(0, 0, int(days)).Format("2006-01-02")
	}
	if clock != "" {
		return date + " " + clock
	}
	return date
}
