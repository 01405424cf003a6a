package tabular

import (
	"strconv"
	"strings"
	"testing"
)

// TestDigitFormats renders numbers under formats that lay digits out with
// separators, as Excel shows them, and leaves the formats it does not
// render as they were (General, or zero-padded for all-zero formats).
func TestDigitFormats(t *testing.T) {
	const phone = `[<=9999999]###-####;(###) ###-####`
	const phoneSaved = `[<=9999999]###\-####;\(###\)\ ###\-####` // as Excel writes its Special > Phone Number
	cases := []struct{ code, v, want string }{
		// Excel's Special formats, typed and as Excel saves them.
		{"00000-0000", "12345678", "01234-5678"},
		{`00000\-0000`, "12345678", "01234-5678"},
		{`00000\-0000`, "123456789", "12345-6789"},
		{`00000\-0000`, "1234567890", "123456-7890"}, // the leftmost placeholder takes the overflow
		{`00000\-0000`, "0", "00000-0000"},
		{"000-00-0000", "1234567", "001-23-4567"},
		{`000\-00\-0000`, "123456789", "123-45-6789"},
		{`000\-00\-0000`, "1.23456789E8", "123-45-6789"},
		{phone, "5551234", "555-1234"},
		{phone, "9999999", "999-9999"},
		{phone, "10000000", "(1) 000-0000"},
		{phone, "2065551234", "(206) 555-1234"},
		{phoneSaved, "2065551234", "(206) 555-1234"},
		{phoneSaved, "12065551234", "(1206) 555-1234"},
		{phoneSaved, "5551234", "555-1234"},
		{phoneSaved, "0", "-"}, // # shows no insignificant zero
		// Phone layouts, quoted and escaped literals, colours and locales.
		{"0000 000 000", "601234567", "0601 234 567"},
		{`"+420 "000 000 000`, "601234567", "+420 601 234 567"},
		{`000" "000" "000`, "601234567", "601 234 567"},
		{`0\.00\.00`, "10203", "1.02.03"},
		{`00\/00`, "1234", "12/34"},
		{`[Red]000-00`, "1234", "012-34"},
		{`[$-409]000-00-0000`, "1234567", "001-23-4567"},
		{"###-####", "123", "-123"}, // literals show where no digit reaches
		{"0-0", "12345", "1234-5"},
		{"00-00_)", "1234", "12-34"},
		{"[>=100]00-00;0", "1234", "12-34"},
		{"[>=100]00-00;0", "5", "5"},
		{"000-00;-000-00", "1234", "012-34"},
		{"000-00;-000-00", "0", "000-00"},
		// Not rendered: fractions, negatives and a zero with a section of
		// its own keep what they showed before.
		{"00000-0000", "12345678.6", "12345678.6"},
		{"00000-0000", "-12345678", "-12345678"},
		{"000-00;-000-00", "-1234", "-1234"},
		{"00-00;-00-00;", "0", "0"},
		{phone, "-5551234", "-5551234"},
		{phone, "5551234.5", "5551234.5"},
		{"000-00", "1e15", "1000000000000000"},
		// Formats left as they were: no separator, thousands, decimals,
		// percent, fractions, currency, conditions not understood, and
		// anything uncertain.
		{"00000", "501", "00501"},
		{`"ID"00000`, "42", "00042"},
		{"00000", "501.6", "00502"},
		{"#,##0", "1234567", "1234567"},
		{"# ##0", "1234567", "1234567"},
		{`#\ ###\ ##0`, "1234567", "1234567"},
		{"0.00", "12", "12"},
		{"000.000.000", "601234567", "601234567"},
		{"00/00", "1234", "1234"},
		{"0%", "5", "5"},
		{`[$€-407]000-00`, "1234", "1234"},
		{`[DBNum1]000-00`, "1234", "1234"},
		{"0#-0", "1234", "1234"},
		{"00_)-00", "1234", "1234"},
		{"000?-00", "1234", "1234"},
		{"[<=9999999]###-####;[>9999999](###) ###-####", "5551234", "5551234"},
		{"[<=9999999]###-####;(###) ###-####;0", "5551234", "5551234"},
		{"000-00;[<0]0", "1234", "1234"},
		{`000-00 "kg`, "1234", "1234"},
		{"0.0E+00", "1234", "1234"},
	}
	for _, c := range cases {
		got, ok := formatNumber(c.v, customStyle(c.code), false)
		if !ok || got != c.want {
			t.Errorf("%s under %q: got %q (%v), want %q", c.v, c.code, got, ok, c.want)
		}
	}
}

// TestDigitFormatsKeepDates makes sure codes with date or time letters
// are still dates and times.
func TestDigitFormatsKeepDates(t *testing.T) {
	for code, kind := range map[string]numKind{
		"yyyy-mm-dd":                         kindDate,
		`[$-409]yyyy\-mm\-dd;@`:              kindDate,
		"hh:mm:ss":                           kindTime,
		"00-00":                              kindDigits,
		"General":                            kindGeneral,
		"[<=9999999]###-####;(###) ###-####": kindDigits,
	} {
		if got := customStyle(code).kind; got != kind {
			t.Errorf("%q: kind %d, want %d", code, got, kind)
		}
	}
}

// FuzzDigitFormat renders numbers under arbitrary format codes: no code
// panics, and what a digit layout renders holds the value's digits, in
// order, after the zeros its placeholders pad with.
func FuzzDigitFormat(f *testing.F) {
	for _, c := range []string{`00000\-0000`, "[<=9999999]###-####;(###) ###-####", `"+420 "000 000 000`, "0#-0", "[>=1]0-0;[<1]0", `0\`, `"`} {
		f.Add(c, int64(12345678))
	}
	f.Fuzz(func(t *testing.T, code string, n int64) {
		st := customStyle(code)
		v := strconv.FormatInt(n, 10)
		got, ok := formatNumber(v, st, false)
		if !ok {
			t.Fatalf("%d under %q: not a number", n, code)
		}
		if st.kind != kindDigits || n <= 0 || n >= 1e15 {
			return
		}
		sec := st.digits.first
		if st.digits.cond != nil && !st.digits.cond.holds(float64(n)) {
			sec = st.digits.second
		}
		for _, p := range sec.parts {
			if strings.ContainsAny(p.lit, "0123456789") {
				return // digits in the literal text
			}
		}
		var digits []byte
		for i := 0; i < len(got); i++ {
			if got[i] >= '0' && got[i] <= '9' {
				digits = append(digits, got[i])
			}
		}
		pad := strings.TrimSuffix(string(digits), v)
		if len(pad) == len(digits) || strings.Trim(pad, "0") != "" || len(pad) > sec.holders {
			t.Fatalf("%d under %q: %q", n, code, got)
		}
	})
}
