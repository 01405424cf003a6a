package importer

import (
	"fmt"
	"strings"

	"roster"
	"roster/normalize"
	"roster/tabular"
)

// dateOrders learns, in the pass that counts a file's rows, in which
// order each date column writes its dates, where no --date-format says.
// A column whose unambiguous dates ("10/26/1945": there is no month 26)
// all read one way reads its ambiguous ones ("7/2/1992") that way too:
// that is the file's own word, not a guess, and the report says it. A
// column that shows two orders, or none, leaves its ambiguous dates
// failing their rows.
type dateOrders struct {
	header []string
	cols   []int // the date columns; none when not learning
	seen   map[int]*dateOrder
}

// dateOrder is the first layout a column showed, and a second one if any.
type dateOrder struct {
	layout normalize.DateLayout
	row    int
	cell   string
	other  *dateOrder
}

func (p *parser) newDateOrders(learn bool) *dateOrders {
	d := &dateOrders{header: p.header, seen: map[int]*dateOrder{}}
	if !learn {
		return d
	}
	for col, key := range p.keys {
		if def := p.defs[key]; def != nil && def.Type == roster.FieldDate {
			d.cols = append(d.cols, col)
		}
	}
	return d
}

// see takes the evidence of one row.
func (d *dateOrders) see(row tabular.Row) {
	if len(d.cols) == 0 || row.Err != nil {
		return
	}
	for _, col := range d.cols {
		if col >= len(row.Cells) {
			continue
		}
		v := strings.TrimSpace(row.Cells[col])
		l, ok := normalize.InferDateLayout(v)
		// Year-first dates say nothing of whether day or month comes first.
		if !ok || strings.HasPrefix(l.String(), "YYYY") {
			continue
		}
		o := d.seen[col]
		switch {
		case o == nil:
			d.seen[col] = &dateOrder{layout: l, row: row.Number, cell: v}
		case o.other == nil && o.layout != l:
			o.other = &dateOrder{layout: l, row: row.Number, cell: v}
		}
	}
}

// layouts are the columns that showed one layout, and it.
func (d *dateOrders) layouts() map[int]normalize.DateLayout {
	m := map[int]normalize.DateLayout{}
	for col, o := range d.seen {
		if o.other == nil {
			m[col] = o.layout
		}
	}
	return m
}

// warnings say, column by column in file order, what was learnt.
func (d *dateOrders) warnings() []string {
	var out []string
	for _, col := range d.cols {
		o := d.seen[col]
		switch {
		case o == nil:
		case o.other == nil:
			out = append(out, fmt.Sprintf("column %q: dates read as %s, the only order %q (row %d) fits",
				d.header[col], o.layout, o.cell, o.row))
		default:
			out = append(out, fmt.Sprintf("column %q: dates are written both as %s (%q, row %d) and as %s (%q, row %d); ambiguous ones fail their rows: set the date format",
				d.header[col], o.layout, o.cell, o.row, o.other.layout, o.other.cell, o.other.row))
		}
	}
	return out
}
