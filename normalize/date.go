package normalize

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// DateLayout is a parsed date format such as DD.MM.YYYY. The zero value
// means "no format given": only ISO dates are accepted then.
type DateLayout struct {
	text   string
	sep    byte    // 0 for YYYYMMDD
	fields [3]byte // 'Y', 'M', 'D' in input order
	widths [3]int  // 4 for YYYY, 2 for MM/DD, 1 for M/D
	strict bool    // exact widths even with separators (the ISO default)
}

// String returns the layout as written, "" for the zero layout.
func (l DateLayout) String() string { return l.text }

// IsZero reports whether no layout was given.
func (l DateLayout) IsZero() bool { return l.text == "" }

// ParseDateLayout parses a layout written with YYYY, MM, M, DD and D and one
// separator out of "-", ".", "/" or none (YYYYMMDD), e.g. DD.MM.YYYY.
func ParseDateLayout(layout string) (DateLayout, error) {
	l := DateLayout{text: strings.TrimSpace(layout)}
	bad := func() (DateLayout, error) {
		return DateLayout{}, errorf(CodeInvalidLayout, "unknown date format %q; use e.g. YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY", layout)
	}
	up := strings.ToUpper(l.text)
	if i := strings.IndexAny(up, "-./"); i >= 0 {
		l.sep = up[i]
	}
	var parts []string
	if l.sep == 0 {
		if up != "YYYYMMDD" {
			return bad()
		}
		parts = []string{"YYYY", "MM", "DD"}
	} else {
		parts = strings.Split(up, string(l.sep))
	}
	if len(parts) != 3 {
		return bad()
	}
	seen := map[byte]bool{}
	for i, p := range parts {
		switch p {
		case "YYYY":
			l.fields[i], l.widths[i] = 'Y', 4
		case "MM", "DD":
			l.fields[i], l.widths[i] = p[0], 2
		case "M", "D":
			l.fields[i], l.widths[i] = p[0], 1
		default:
			return bad()
		}
		if seen[l.fields[i]] {
			return bad()
		}
		seen[l.fields[i]] = true
	}
	return l, nil
}

// isoLayout is what the zero layout accepts first.
var isoLayout = DateLayout{text: "YYYY-MM-DD", sep: '-', fields: [3]byte{'Y', 'M', 'D'}, widths: [3]int{4, 2, 2}, strict: true}

// ISO is the layout of ISO dates alone, YYYY-MM-DD (with any time part):
// what a cell may hold whatever date format was given.
var ISO = isoLayout

// Date parses s with layout and returns it as an ISO date, YYYY-MM-DD.
// With the zero layout ISO input is accepted (a time part after "T" or a
// space is dropped), and a date only one order reads ("10/26/1945"); but
// "05/03/2024" could be March or May, so rather than guess we ask for the
// format.
func Date(s string, layout DateLayout) (string, error) {
	t := strings.TrimSpace(s)
	l := layout
	if l.IsZero() {
		l = isoLayout
	}
	y, m, d, ok := eastAsianDate(t)
	if ok {
		// Year, month and day say which they are: no layout to ask for.
		if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
			return "", errorf(CodeInvalidDate, "no such date: %q", s)
		}
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
	}
	y, m, d, ok = l.parse(t)
	if !ok && layout.IsZero() {
		// A date only one order reads is no guess: "10/26/1945".
		if only, one := InferDateLayout(t); one {
			return Date(t, only)
		}
	}
	if !ok {
		if layout.IsZero() && looksLikeDate(t) {
			return "", errorf(CodeAmbiguousDate, "date %q is ambiguous; set the date format, e.g. --date-format %s", s, suggestLayout(t))
		}
		return "", errorf(CodeInvalidDate, "not a valid date in the format %s: %q", l.text, s)
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return "", errorf(CodeInvalidDate, "no such date: %q", s)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
}

// eastAsianDate reads the dates Chinese, Japanese and Korean write with
// their units, "2024年12月31日" and "2024년 12월 31일", a time after them
// ignored.
func eastAsianDate(t string) (y, m, d int, ok bool) {
	var v [3]int
	for k, units := range [3]string{"年년", "月월", "日일"} {
		t = strings.TrimLeft(t, " ")
		n := 0
		for n < len(t) && n < 4 && t[n] >= '0' && t[n] <= '9' {
			v[k] = v[k]*10 + int(t[n]-'0')
			n++
		}
		if n == 0 || k == 0 && n != 4 {
			return 0, 0, 0, false
		}
		t = strings.TrimLeft(t[n:], " ")
		r, size := utf8.DecodeRuneInString(t)
		if !strings.ContainsRune(units, r) {
			if k == 2 && (t == "" || r == ' ') { // the day's unit may be left out
				break
			}
			return 0, 0, 0, false
		}
		t = t[size:]
	}
	return v[0], v[1], v[2], true
}

// parse splits t by the layout; a time part after the date is ignored.
func (l DateLayout) parse(t string) (y, m, d int, ok bool) {
	i := 0
	for k := 0; k < 3; k++ {
		if k > 0 && l.sep != 0 {
			if i >= len(t) || t[i] != l.sep {
				return 0, 0, 0, false
			}
			i++
		}
		// With separators, M/MM/D/DD take one or two digits (spreadsheets drop
		// the padding); without, widths are exact.
		lo, hi := l.widths[k], l.widths[k]
		if l.fields[k] != 'Y' && l.sep != 0 && !l.strict {
			lo, hi = 1, 2
		}
		n, v := 0, 0
		for n < hi && i+n < len(t) && t[i+n] >= '0' && t[i+n] <= '9' {
			v = v*10 + int(t[i+n]-'0')
			n++
		}
		if n < lo {
			return 0, 0, 0, false
		}
		i += n
		switch l.fields[k] {
		case 'Y':
			y = v
		case 'M':
			m = v
		default:
			d = v
		}
	}
	if i < len(t) {
		// Allow "2024-03-05T10:00:00Z" or "2024-03-05 10:00".
		if (t[i] != 'T' && t[i] != ' ') || i+1 >= len(t) || t[i+1] < '0' || t[i+1] > '9' {
			return 0, 0, 0, false
		}
	}
	return y, m, d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// looksLikeDate reports whether t is three runs of digits joined by one of
// the usual separators, i.e. a date written in some non-ISO order.
func looksLikeDate(t string) bool {
	t, _, _ = strings.Cut(t, " ")
	for _, sep := range "./-" {
		parts := strings.Split(t, string(sep))
		if len(parts) != 3 {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && allDigits(p) && len(p) <= 4
		}
		if ok {
			return true
		}
	}
	return false
}

// suggestLayout proposes a format with the same separator and year position.
func suggestLayout(t string) string {
	sep := "/"
	if i := strings.IndexAny(t, "./-"); i >= 0 {
		sep = t[i : i+1]
	}
	if i := strings.IndexAny(t, "./-"); i == 4 {
		return "YYYY" + sep + "MM" + sep + "DD"
	}
	return "DD" + sep + "MM" + sep + "YYYY"
}

// dateOrders are the layouts InferDateLayout weighs, by separator.
var dateOrders = func() map[byte][]DateLayout {
	m := map[byte][]DateLayout{}
	for _, sep := range []string{"/", ".", "-"} {
		for _, f := range []string{"DD#MM#YYYY", "MM#DD#YYYY", "YYYY#MM#DD"} {
			l, err := ParseDateLayout(strings.ReplaceAll(f, "#", sep))
			if err != nil {
				panic(err)
			}
			m[sep[0]] = append(m[sep[0]], l)
		}
	}
	return m
}()

// InferDateLayout returns the one layout, of day-month-year,
// month-day-year and year-month-day with s's separator, that reads s as a
// real date: "10/26/1945" is MM/DD/YYYY, as there is no month 26. It
// reports false when none does or several do ("7/2/1992"). An importer
// reads a column's ambiguous dates by what its unambiguous ones show.
func InferDateLayout(s string) (DateLayout, bool) {
	t := strings.TrimSpace(s)
	i := strings.IndexAny(t, "./-")
	if i < 0 {
		return DateLayout{}, false
	}
	var found DateLayout
	n := 0
	for _, l := range dateOrders[t[i]] {
		if _, err := Date(t, l); err == nil {
			found, n = l, n+1
		}
	}
	return found, n == 1
}
