package normalize

import (
	"strconv"
	"strings"
)

// Number parses an integer: ASCII digits with an optional leading sign, no
// grouping (thousands separators differ by locale, so we do not guess).
func Number(s string) (int64, error) {
	t := strings.TrimSpace(s)
	d := t
	if len(d) > 0 && (d[0] == '+' || d[0] == '-') {
		d = d[1:]
	}
	if !allDigits(d) {
		return 0, errorf(CodeInvalidNumber, "not a whole number: %q", s)
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, errorf(CodeInvalidNumber, "number %q is out of range", s)
	}
	return n, nil
}

// Decimal validates a decimal number and returns it in canonical form
// ("1234.5" for "1234.5", "1234,50" or "+01234.50"). A comma is read as the
// decimal separator only when there is no dot; grouping separators are not
// accepted, and a digit must precede the separator.
func Decimal(s string) (string, error) {
	t := strings.TrimSpace(s)
	neg := false
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if !allDigits(intPart) || (hasPoint && !allDigits(frac)) {
		return "", errorf(CodeInvalidDecimal, "not a valid decimal number: %q", s)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, nil
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
