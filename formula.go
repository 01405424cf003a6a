package roster

import "strings"

// Spreadsheet programs run a CSV cell that starts with = + - @, a TAB or a
// CR as a formula (OWASP's list for CSV injection). The CSV files Roster
// writes (exports, failed rows) put an apostrophe before such a cell, and
// imports strip it again, so that values come back as they were.

// formulaStart reports whether a text cell starting with b is read as a formula.
func formulaStart(b byte) bool { return strings.IndexByte("=+-@\t\r", b) >= 0 }

// LooksNeutralized reports whether v starts like a neutralized cell: one
// or more apostrophes, then a formula character ('=…, ”+…). Writers give
// such a value one more apostrophe, so that stripping one on import gives
// it back and the escape stays reversible.
func LooksNeutralized(v string) bool {
	if len(v) < 2 || v[0] != '\'' {
		return false
	}
	t := strings.TrimLeft(v, "'")
	return t != "" && formulaStart(t[0])
}

// NeutralizeCell puts an apostrophe before a CSV cell a spreadsheet would
// run as a formula (=HYPERLINK(…), @SUM(…), and so every E.164 phone +…),
// or that starts like one already neutralized. UnneutralizeCell strips
// exactly that apostrophe.
func NeutralizeCell(v string) string {
	if v != "" && (formulaStart(v[0]) || LooksNeutralized(v)) {
		return "'" + v
	}
	return v
}

// UnneutralizeCell undoes NeutralizeCell: an imported cell is read as the
// value it holds.
func UnneutralizeCell(v string) string {
	if LooksNeutralized(v) {
		return v[1:]
	}
	return v
}
