package normalize

import (
	"strconv"
	"strings"
)

// ungroup takes thousands separators out of a number where they cannot be
// anything else (whatever the locale): spaces (also no-break ones) and
// apostrophes ("1 234 567,89", "1'234"); both a comma and a dot, of
// which the last is the decimal separator ("1.234,56", "1,234.56"); and
// one of them repeated ("1.234.567"). Groups must be of three digits; a
// single comma or dot is left as it is, a decimal separator (1,234 is
// 1234 in one locale and 1.234 in another). ok is false for a number
// grouped wrongly.
func ungroup(t string) (string, bool) {
	t = groupSpaces.Replace(t)
	if strings.ContainsAny(t, "\u00a0") { // every space is now a no-break one
		if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
			t = strings.Replace(t, ",", ".", 1) // "1 234,5"
		}
		return groups(t, "\u00a0")
	}
	comma, dot := strings.Count(t, ","), strings.Count(t, ".")
	switch {
	case comma > 0 && dot > 0:
		if strings.LastIndex(t, ",") > strings.LastIndex(t, ".") {
			t = strings.ReplaceAll(strings.ReplaceAll(t, ".", "\u00a0"), ",", ".")
		} else {
			t = strings.ReplaceAll(t, ",", "\u00a0")
		}
		return groups(t, "\u00a0")
	case comma > 1:
		return groups(strings.ReplaceAll(t, ",", "\u00a0"), "\u00a0")
	case dot > 1:
		return groups(strings.ReplaceAll(t, ".", "\u00a0"), "\u00a0")
	}
	return t, true
}

// groups removes sep from the integer part of t, checking its groups.
func groups(t, sep string) (string, bool) {
	intPart, frac, hasPoint := strings.Cut(t, ".")
	parts := strings.Split(intPart, sep)
	for i, p := range parts {
		if i == 0 && (len(p) < 1 || len(p) > 3) || i > 0 && len(p) != 3 || strings.Contains(frac, sep) {
			return "", false
		}
	}
	out := strings.Join(parts, "")
	if hasPoint {
		out += "." + frac
	}
	return out, true
}

// groupSpaces are the thousands separators no locale reads otherwise,
// written as one.
var groupSpaces = strings.NewReplacer(" ", "\u00a0", "\u202f", "\u00a0", "'", "\u00a0", "’", "\u00a0")

// Number parses an integer: ASCII digits with an optional leading sign,
// grouped where no locale reads it otherwise (see ungroup).
func Number(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if len(t) > 0 && t != "+" && t != "-" {
		sign := ""
		if t[0] == '+' || t[0] == '-' {
			sign, t = t[:1], t[1:]
		}
		if u, ok := ungroup(t); ok && !strings.ContainsAny(u, ".,") {
			t = u
		}
		t = sign + t
	}
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
// ("1234.5" for "1234.5", "1234,50", "+01234.50" or "1 234,5"). A single
// comma is read as the decimal separator; thousands separators only where
// no locale reads them otherwise (see ungroup); a digit must precede the
// separator.
func Decimal(s string) (string, error) {
	t := strings.TrimSpace(s)
	neg := false
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	t, ok := ungroup(t)
	if !ok {
		return "", errorf(CodeInvalidDecimal, "not a valid decimal number: %q", s)
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
