package importer

import (
	"fmt"
	"time"

	"roster"
)

// A file that holds a record twice (the same email on two rows, the same
// company name) is imported row by row: a later row updates what an
// earlier one wrote, and its values win. That is right, but it may hide
// two different records given one identifier, so the report says how
// many rows did so.

// writtenHere reports whether this import created or updated the record
// with id, last changed at updated: a dry run's new records have dry ids,
// and the others were changed since the import started.
func (run *run) writtenHere(id int64, updated time.Time) bool {
	return roster.DryID(id) || !run.since.IsZero() && !updated.Before(run.since)
}

// madeHere reports whether this import created the record with id,
// created at created: --custom-fields new-only writes such a record's
// fields from every row of the file that matches it.
func (run *run) madeHere(id int64, created time.Time) bool {
	return roster.DryID(id) || !run.since.IsZero() && !created.Before(run.since)
}

// rewritten counts the rows that updated a record an earlier row of the
// import wrote. Only the writer adds to it, once a batch succeeds.
type rewritten struct {
	count int
	row   int // the first such row
}

func (w *rewritten) add(row int) {
	if w.count == 0 || row < w.row {
		w.row = row
	}
	w.count++
}

func (w *rewritten) merge(b rewritten) {
	if b.count > 0 && (w.count == 0 || b.row < w.row) {
		w.row = b.row
	}
	w.count += b.count
}

// warning says it, or nothing.
func (w *rewritten) warning(kind roster.Kind) []string {
	if w.count == 0 {
		return nil
	}
	what := fmt.Sprintf("%d rows updated a %s", w.count, kind.Noun())
	if w.count == 1 {
		what = fmt.Sprintf("1 row updated a %s", kind.Noun())
	}
	return []string{fmt.Sprintf("%s that an earlier row of the file had written: the file holds some %s more than once, and the later rows' values won (first at row %d)", what, kind, w.row)}
}
