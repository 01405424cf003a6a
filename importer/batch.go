package importer

import (
	"errors"
	"fmt"
	"slices"

	"roster"
)

// batch plans and writes one chunk of records inside one transaction: the
// "plan" and "database" stages. Look-ups are made for the whole chunk up
// front; the caches are then kept in step with every write, so a later
// row sees what an earlier row of the same file created or changed.
type batch struct {
	run *run
	tx  roster.ImportTx

	emailOwner map[string]int64
	phoneOwner map[string][]int64
	extOwner   map[string]int64
	userOwner  map[string]int64
	contacts   map[int64]*roster.Contact

	companyByKey map[string]*roster.Company
	companyByExt map[string]*roster.Company
	keys         lookupKeys                    // what prefetchContacts looked up
	stamps       map[int64]roster.ContactStamp // read by knownOwners and settleKept

	changes []roster.Change
	failed  []roster.FailedRow
	dirty   dirty // what the batch wrote, for batches planned before it committed
	// leftOut are the rows it imported that left something out (see
	// leftOuts): counted once the batch succeeds (a retried batch runs again).
	leftOut []*record
	// unfindable are the contacts it created that --match cannot find
	// again, counted once the batch succeeds too.
	unfindable unfindable
	rewritten  rewritten      // likewise, the rows that updated a record the import wrote
	mine       map[int64]bool // the records of the import's kind the batch wrote: true for those it created
}

// rowError is a planning failure of one row.
type rowError struct {
	column, code, msg string
}

func (e *rowError) Error() string { return e.msg }

func failRow(column, code, format string, args ...any) *rowError {
	return &rowError{column: column, code: code, msg: fmt.Sprintf(format, args...)}
}

// owner names the record that holds an identifier, in a row's error: by
// its id, or in a dry run, whose ids for new records are its own, as one
// the import would create.
func owner(kind roster.Kind, id int64) string {
	noun := kind.Noun()
	if roster.DryID(id) {
		return "a " + noun + " this import would create"
	}
	return fmt.Sprintf("%s %d", noun, id)
}

// handle records the outcome of a row: failures go to the failed list;
// any other error is fatal for the import.
func (b *batch) handle(r *record, err error) error {
	var re *rowError
	if err != nil && errors.As(err, &re) {
		r.errs = append(r.errs, b.run.parser.rowErr(r, re.column, re.code, re.msg))
	} else if err != nil {
		return err
	}
	if r.failed() {
		b.fail(r)
	}
	return nil
}

func (b *batch) fail(r *record) {
	b.run.counts.Failed++
	b.failed = append(b.failed, roster.FailedRow{Row: r.row, Cells: r.cells, Errors: r.errs})
	b.run.addErrors(r.errs)
}

// domainError turns a validation error of the domain into a row error.
func domainError(err error) error {
	var de *roster.Error
	if errors.As(err, &de) && de.Code != roster.EINTERNAL {
		field, _ := de.Details["field"].(string)
		code := de.Code
		if code == roster.ECONFLICT {
			code = "duplicate_" + field
		}
		return &rowError{column: field, code: code, msg: de.Message}
	}
	return err
}

func (b *batch) change(r *record, kind roster.Kind, id int64, action string, before any, after roster.Contact, afterCo roster.Company) {
	c := roster.Change{Row: r.row, Kind: kind, RecordID: id, Action: action}
	if before != nil {
		c.Before = snapshot(before)
	}
	if kind == roster.KindContacts {
		c.After = after.UpdatedAt
	} else {
		c.After = afterCo.UpdatedAt
	}
	b.changes = append(b.changes, c)
}

// scalar is a text field a row can set: its key, the record's value and the row's.
type scalar struct {
	key      string
	dst, src *string
}

// applyScalars writes the row's non-blank values over the record's; with
// --blank clear a mapped blank cell clears the value, except for keys in never.
func (run *run) applyScalars(r *record, fields []scalar, never ...string) {
	clear := run.opts.Blank == roster.BlankClear
	for _, f := range fields {
		if r.has(f.key) || clear && run.parser.mapped(f.key) && !slices.Contains(never, f.key) {
			*f.dst = *f.src
		}
	}
}

// applyCustom writes the row's custom values (on updates only with
// --custom-fields all); with --blank clear mapped blank ones are removed.
func (run *run) applyCustom(dst map[string]any, r *record, creating bool) {
	if !creating && run.opts.CustomFields != roster.CustomAll {
		return
	}
	for k, v := range r.custom {
		dst[k] = v
	}
	if run.opts.Blank == roster.BlankClear {
		for _, k := range run.parser.customKeys() {
			if _, ok := r.custom[k]; !ok {
				delete(dst, k)
			}
		}
	}
}
