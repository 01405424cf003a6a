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

// ids is a set of record ids: a bitset for the ids a directory hands out
// (1M records take 125 KB), a map past them.
type ids struct {
	bits []uint64
	big  map[int64]bool
}

const idsBitsMax = 1 << 30

func (s *ids) add(id int64) {
	if id <= 0 || id >= idsBitsMax {
		if s.big == nil {
			s.big = map[int64]bool{}
		}
		s.big[id] = true
		return
	}
	w := int(id / 64)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits)+len(s.bits)/4)...)
	}
	s.bits[w] |= 1 << (id % 64)
}

func (s *ids) has(id int64) bool {
	if id <= 0 || id >= idsBitsMax {
		return s.big[id]
	}
	w := int(id / 64)
	return w < len(s.bits) && s.bits[w]&(1<<(id%64)) != 0
}

// written are the records of the import's kind its rows created or
// updated (created, those it created), by id, added once a batch
// succeeds; the batch keeps its own until then (batch.mine). A resumed
// job knows the records of its earlier runs by their times, from its
// start to the resume.
type written struct{ written, created ids }

// merge adds a batch's records, true for those it created.
func (w *written) merge(mine map[int64]bool) {
	for id, created := range mine {
		w.written.add(id)
		if created {
			w.created.add(id)
		}
	}
}

// wrote notes a record the batch created or updated.
func (b *batch) wrote(id int64, created bool) {
	if b.mine == nil {
		b.mine = map[int64]bool{}
	}
	b.mine[id] = b.mine[id] || created
}

// earlier reports whether t falls in a resumed job's earlier runs.
func (run *run) earlier(t time.Time) bool {
	return !run.resumed.IsZero() && !t.Before(run.since) && t.Before(run.resumed)
}

// writtenHere reports whether this import created or updated the record
// with id, last changed at updated (a dry run's new records have dry ids).
func (b *batch) writtenHere(id int64, updated time.Time) bool {
	_, mine := b.mine[id]
	return roster.DryID(id) || mine || b.run.mine.written.has(id) || b.run.earlier(updated)
}

// madeHere reports whether this import created the record with id,
// created at created: --custom-fields new-only writes such a record's
// fields from every row of the file that matches it.
func (b *batch) madeHere(id int64, created time.Time) bool {
	return roster.DryID(id) || b.mine[id] || b.run.mine.created.has(id) || b.run.earlier(created)
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
