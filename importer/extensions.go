package importer

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// extensions counts, per column, the imported phone numbers whose
// extension ("x123") E.164 left out, so the report says so instead of
// losing it silently. Only the writer adds to it.
type extensions map[int]*extensionNote

type extensionNote struct {
	count int
	row   int // the first row, and its cell
	cell  string
}

// add notes the columns of r whose numbers lost an extension.
func (x *extensions) add(r *record) {
	if len(r.extended) == 0 {
		return
	}
	if *x == nil {
		*x = extensions{}
	}
	for _, col := range r.extended {
		n := (*x)[col]
		if n == nil {
			n = &extensionNote{row: r.row, cell: r.cells[col]}
			(*x)[col] = n
		}
		n.count++
	}
}

// warnings says, column by column in file order, what was left out.
func (x extensions) warnings(header []string) []string {
	var out []string
	for _, col := range slices.Sorted(maps.Keys(x)) {
		n := x[col]
		what := "the extension of 1 number was"
		if n.count > 1 {
			what = "the extensions of " + strconv.Itoa(n.count) + " numbers were"
		}
		out = append(out, fmt.Sprintf("column %q: %s left out: E.164 has no room for one (first at row %d: %q)",
			header[col], what, n.row, n.cell))
	}
	return out
}
