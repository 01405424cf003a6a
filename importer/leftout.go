package importer

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

// What an imported row's cell held that the directory has no room for:
// the report says so, column by column, instead of losing it silently.
const (
	leftExtension   = iota // a phone's extension ("x123"): E.164 has none
	leftMoreNumbers        // a list of numbers longer than phone and mobile
)

// leftOut is one such cell of a record.
type leftOut struct{ kind, col int }

// leftOuts counts them over an import. Only the writer adds to it.
type leftOuts map[leftOut]*leftOutNote

type leftOutNote struct {
	count int
	row   int // the first row, and its cell
	cell  string
}

// add notes what r left out.
func (x *leftOuts) add(r *record) {
	if *x == nil {
		*x = leftOuts{}
	}
	for _, l := range r.leftOut {
		n := (*x)[l]
		if n == nil {
			n = &leftOutNote{row: r.row, cell: r.cells[l.col]}
			(*x)[l] = n
		}
		n.count++
	}
}

// warnings say it, in file order of the columns.
func (x leftOuts) warnings(header []string) []string {
	keys := slices.SortedFunc(maps.Keys(x), func(a, b leftOut) int { return cmp.Or(a.col-b.col, a.kind-b.kind) })
	var out []string
	for _, l := range keys {
		n := x[l]
		var what string
		switch {
		case l.kind == leftExtension && n.count == 1:
			what = "the extension of 1 number was left out: E.164 has no room for one"
		case l.kind == leftExtension:
			what = fmt.Sprintf("the extensions of %d numbers were left out: E.164 has no room for one", n.count)
		case n.count == 1:
			what = "1 cell held more numbers than phone and mobile take; only the first were imported"
		default:
			what = fmt.Sprintf("%d cells held more numbers than phone and mobile take; only the first were imported", n.count)
		}
		out = append(out, fmt.Sprintf("column %q: %s (first at row %d: %q)", header[l.col], what, n.row, n.cell))
	}
	return out
}
