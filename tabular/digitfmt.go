package tabular

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A digitFormat lays an integer out in digit placeholders and literal
// text, as Excel's formats for identifiers do: "00000-0000" (ZIP+4),
// "000-00-0000" (SSN), "0000 000 000", and the special phone format
// "[<=9999999]###-####;(###) ###-####", whose first section applies up to
// the condition's bound and the second above it.
//
// Excel fills the placeholders from the right, one digit each; a "0"
// with no digit left shows 0, a "#" nothing, and the leftmost
// placeholder takes every digit left over. Literal text shows as it is,
// even where no digit reaches it: "(###) ###-####" shows 5551234 as
// "() 555-1234", which is why the phone format has a condition.
type digitFormat struct {
	first, second *digitSection
	cond          *condition // first applies when it holds, else second
	sections      int
}

type digitSection struct {
	parts   []digitPart
	holders int
}

// digitPart is a placeholder ('0' or '#') or, when ph is 0, literal text.
type digitPart struct {
	ph  byte
	lit string
}

type condition struct {
	op string
	v  float64
}

func (c *condition) holds(f float64) bool {
	switch c.op {
	case "<":
		return f < c.v
	case "<=":
		return f <= c.v
	case ">":
		return f > c.v
	case ">=":
		return f >= c.v
	case "=":
		return f == c.v
	case "<>":
		return f != c.v
	}
	return false
}

// format renders f when it is a whole number the format lays out; ok is
// false for anything else (fractions, negative numbers, a zero that
// has a section of its own), which the caller shows as before.
func (d *digitFormat) format(f float64) (string, bool) {
	if f < 0 || f != math.Trunc(f) || f >= 1e15 {
		return "", false
	}
	sec := d.first
	switch {
	case d.cond != nil:
		if !d.cond.holds(f) {
			sec = d.second
		}
	case f == 0 && d.sections > 2:
		return "", false // the third section is for zero
	}
	return sec.render(int64(f)), true
}

func (sec *digitSection) render(n int64) string {
	digits := ""
	if n > 0 {
		digits = strconv.FormatInt(n, 10)
	}
	var b strings.Builder
	b.Grow(len(digits) + len(sec.parts))
	j := 0 // placeholders written
	for _, p := range sec.parts {
		if p.ph == 0 {
			b.WriteString(p.lit)
			continue
		}
		i := sec.holders - 1 - j // the placeholder's place, counted from the right
		j++
		switch {
		case j == 1 && len(digits) > i:
			b.WriteString(digits[:len(digits)-i]) // the leftmost takes the rest
		case i < len(digits):
			b.WriteByte(digits[len(digits)-1-i])
		case p.ph == '0':
			b.WriteByte('0')
		}
	}
	return b.String()
}

// parseDigitFormat returns the layout of a format code made of digit
// placeholders with literal separators between them, or nil for any
// other code: one without a separator, with a decimal point, a thousands
// comma, a percent sign, a fraction, a currency, or anything else whose
// rendering is not certain, and a code that groups #-led digits by three
// with spaces (a thousands format with a literal space: amounts keep
// their raw numbers).
func parseDigitFormat(code string) *digitFormat {
	secs := splitSections(code)
	if secs == nil || len(secs) > 4 {
		return nil
	}
	d := &digitFormat{sections: len(secs)}
	first, cond, inner, ok := parseDigitSection(secs[0])
	if !ok {
		return nil
	}
	d.first = first
	if cond != nil {
		// The phone form: a condition, then the section for the rest.
		if len(secs) != 2 {
			return nil
		}
		second, cond2, inner2, ok := parseDigitSection(secs[1])
		if !ok || cond2 != nil {
			return nil
		}
		d.cond, d.second = cond, second
		inner = inner || inner2
	} else {
		for _, sec := range secs[1:] {
			if hasCondition(sec) {
				return nil // a condition after an unconditional section: not certain
			}
		}
	}
	if !inner {
		return nil
	}
	return d
}

// splitSections splits a format code at the semicolons outside quotes,
// escapes and brackets; nil if a quote or bracket is left open.
func splitSections(code string) []string {
	var secs []string
	start := 0
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return nil
			}
			i += j + 1
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return nil
			}
			i += j
		case '\\', '_', '*':
			i++
		case ';':
			secs = append(secs, code[start:i])
			start = i + 1
		}
	}
	return append(secs, code[start:])
}

// parseDigitSection parses one section; inner reports literal text
// between two placeholders.
func parseDigitSection(s string) (sec *digitSection, cond *condition, inner, ok bool) {
	sec = &digitSection{}
	var lit strings.Builder
	litAfter := false // literal text since a placeholder
	gapAfter := false // a _ or * since a placeholder
	zero := false     // a 0 placeholder seen
	var groups []int  // placeholders between literal texts
	spaced := true    // every literal text between groups is one space
	hashLed := false  // the first placeholder is #
	flush := func() {
		if lit.Len() > 0 {
			sec.parts = append(sec.parts, digitPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '0' || c == '#':
			if c == '#' && zero || gapAfter {
				return nil, nil, false, false // "0#", a gap inside the digits: not certain
			}
			zero = zero || c == '0'
			if litAfter {
				inner = true
				if l := lit.String(); l != " " && l != "\u00a0" {
					spaced = false
				}
			}
			flush()
			if litAfter || len(groups) == 0 {
				groups = append(groups, 0)
			}
			groups[len(groups)-1]++
			if sec.holders == 0 {
				hashLed = c == '#'
			}
			litAfter = false
			sec.parts = append(sec.parts, digitPart{ph: c})
			sec.holders++
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, nil, false, false
			}
			lit.WriteString(s[i+1 : i+1+j])
			litAfter = litAfter || sec.holders > 0 && j > 0
			i += j + 2
		case c == '\\' || c == '_' || c == '*':
			if i+1 >= len(s) {
				return nil, nil, false, false
			}
			_, n := utf8.DecodeRuneInString(s[i+1:])
			if c == '\\' {
				lit.WriteString(s[i+1 : i+1+n])
				litAfter = litAfter || sec.holders > 0
			} else if sec.holders > 0 {
				gapAfter = true // spacing or fill: nothing to read, unless digits follow
			}
			i += 1 + n
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '+':
			lit.WriteByte(c)
			litAfter = litAfter || sec.holders > 0
			i++
		case c == '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, nil, false, false
			}
			b := s[i+1 : i+j]
			switch {
			case b != "" && strings.ContainsRune("<>=", rune(b[0])):
				if cond != nil || sec.holders > 0 || lit.Len() > 0 {
					return nil, nil, false, false
				}
				if cond = parseCondition(b); cond == nil {
					return nil, nil, false, false
				}
			case isColor(b), strings.HasPrefix(b, "$-"):
				// a colour, or a locale without a currency symbol
			default:
				return nil, nil, false, false
			}
			i += j + 1
		default:
			return nil, nil, false, false
		}
	}
	flush()
	if sec.holders == 0 {
		return nil, nil, false, false
	}
	if inner && spaced && hashLed {
		thousands := true
		for _, g := range groups[1:] {
			thousands = thousands && g == 3
		}
		if thousands {
			return nil, nil, false, false
		}
	}
	return sec, cond, inner, true
}

// hasCondition reports a [condition] in a section.
func hasCondition(sec string) bool {
	for i := 0; i < len(sec); i++ {
		switch sec[i] {
		case '"':
			j := strings.IndexByte(sec[i+1:], '"')
			if j < 0 {
				return false
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			if i+1 < len(sec) && strings.IndexByte("<>=", sec[i+1]) >= 0 {
				return true
			}
		}
	}
	return false
}

func parseCondition(b string) *condition {
	n := 1
	if len(b) > 1 && (b[1] == '=' || b[0] == '<' && b[1] == '>') {
		n = 2
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(b[n:]), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &condition{op: b[:n], v: v}
}

func isColor(b string) bool {
	switch strings.ToLower(b) {
	case "black", "blue", "cyan", "green", "magenta", "red", "white", "yellow":
		return true
	}
	if len(b) > 5 && strings.EqualFold(b[:5], "color") {
		n, err := strconv.Atoi(b[5:])
		return err == nil && n >= 1 && n <= 56
	}
	return false
}
