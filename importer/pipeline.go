package importer

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"roster"
	"roster/tabular"
)

// chunk is a slice of rows on its way through the pipeline: the reader
// fills raw, a worker turns it into records, the writer takes chunks in
// file order.
type chunk struct {
	raw    []rawRow
	recs   []*record
	parsed chan struct{}
}

type rawRow struct {
	number int
	cells  []string
	err    *tabular.RowError
}

// write streams the file through parallel parsers into batched writes.
// Memory holds at most a few chunks, whatever the file size.
func (im *Importer) write(ctx context.Context, path string, run *run, imp *roster.Import, o *Options, total, skip int, done *atomic.Int64) error {
	rd, err := run.reader(path)
	if err != nil {
		return err
	}
	defer rd.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	workers := o.workers()
	work := make(chan *chunk, workers)
	ordered := make(chan *chunk, workers+1)
	readErr := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(ordered)
		readErr <- readChunks(ctx, rd, o.batchSize(im.Store), skip, work, ordered)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				c.recs = make([]*record, len(c.raw))
				for i, raw := range c.raw {
					c.recs[i] = run.parser.record(raw)
				}
				close(c.parsed)
			}
		}()
	}
	defer wg.Wait()
	defer cancel() // on early return, stop the reader first

	next := func() (*chunk, bool) {
		select {
		case c, ok := <-ordered:
			if !ok {
				return nil, false
			}
			select {
			case <-c.parsed:
				return c, true
			case <-ctx.Done():
				return nil, false
			}
		case <-ctx.Done():
			return nil, false
		}
	}
	progress := func() {
		done.Store(int64(run.counts.Rows))
		if o.Progress != nil {
			o.Progress(run.counts.Rows, total)
		}
	}
	// Contacts are planned a batch ahead (see prefetch.go); dry runs and
	// companies look up inside each batch.
	ahead := run.opts.Kind == roster.KindContacts && !o.DryRun
	var committed atomic.Int64
	var log dirtyLog
	nextPlan := func() (*planned, bool) {
		c, ok := next()
		return &planned{chunk: c}, ok
	}
	if run.opts.Kind == roster.KindContacts {
		im.prepareScans(ctx, run, imp, total-skip, ahead, o, &wg)
	}
	if ahead {
		run.companies = &companyCache{}
		nextPlan = im.planAhead(ctx, run, imp, next, &committed, &wg, planners)
	}
	var renewed time.Time
	g := im.newGroups(ctx, imp, o)
	defer g.rollback()
	// What committed batches settled: counts, and failed rows for OnFailed.
	settled, settledErrors := run.counts, len(run.errors)
	var failed []roster.FailedRow
	var filtered *keyFilter // the key filter the writer has seen, if any
	commit := func() error {
		if err := g.commit(); err != nil {
			return err
		}
		log.commit()
		committed.Store(int64(log.committed()))
		settled, settledErrors = run.counts, len(run.errors)
		if o.OnFailed != nil {
			for _, f := range failed {
				o.OnFailed(f)
			}
		}
		failed = failed[:0]
		return nil
	}
	// Rolled back: counts and errors are the last commit's again, and the
	// group's failed rows are never reported.
	rollback := func() {
		g.rollback()
		run.counts, run.errors, failed = settled, run.errors[:settledErrors], failed[:0]
	}
	groupFirst, lastRow := 0, 0 // the rows the open group writes
	for p, ok := nextPlan(); ok && err == nil; p, ok = nextPlan() {
		c := p.chunk
		if len(c.recs) > 0 {
			if !g.open() {
				groupFirst = c.recs[0].row
			}
			lastRow = c.recs[len(c.recs)-1].row
		}
		if o.beforeBatch != nil {
			o.beforeBatch()
		}
		if k := run.keys.Load(); k != nil && k != filtered {
			// A new filter: its scan's snapshot may miss what the
			// batches since the last commit before it wrote. With
			// those, it holds every key written, and may answer.
			filtered = k
			addKeys(k, &log.keys)
			k.adopted.Store(true)
		}
		if ahead && o.filterAt > 1 && log.written+1 == o.filterAt {
			// After the writer looked: it adopts the filter only
			// after this batch, which must not use it.
			im.buildKeyFilter(ctx, run, imp, max(total-skip, 1), false)
		}
		saved := run.counts
		var b *batch
		var writes int64
		err = g.batch(len(c.recs), func(tx roster.ImportTx) (err error) {
			run.counts = saved // a retried or failed batch must not count twice
			writes = tx.Writes()
			pb := p.b
			p.b = nil // a plan serves once: a retried batch looks up afresh
			if pb != nil && writes == p.writes {
				if d, ok := log.since(p.after); ok {
					pb.tx = tx
					if err := pb.refresh(c.recs, d); err != nil {
						return err
					}
					b, err = run.writeChunk(tx, c.recs, pb)
					return err
				}
			}
			b, err = run.writeChunk(tx, c.recs, nil)
			return err
		})
		if err == nil {
			run.companies.put(writes, b) // before the commit is counted: see companyCache
			for _, r := range b.leftOut {
				run.leftOut.add(r)
			}
			run.unfindable.merge(b.unfindable)
			run.rewritten.merge(b.rewritten)
			run.mine.merge(b.mine)
			d := b.dirty // not &b.dirty, which would keep the whole batch
			log.add(&d)
			if filtered != nil {
				addKeys(filtered, &d.keys)
			}
			if o.OnFailed != nil {
				failed = append(failed, b.failed...)
			}
			if g.full() || o.Stop != nil && stopping(o.Stop) {
				err = commit()
			}
		}
		if err != nil {
			rollback()
			switch roster.ErrorCode(err) {
			case roster.ELOCKLOST:
				err = fmt.Errorf("import #%d: %w (its lease ran out and another process took it over)", imp.ID, errLostLock)
			case roster.ECONFLICT:
				err = conflictIn(err, groupFirst, lastRow)
			}
		}
		progress()
		if err == nil && !g.open() && time.Since(renewed) >= renewEvery {
			err = im.renew(ctx, imp, run.counts.Rows, total)
			renewed = time.Now()
		}
		if err == nil && !g.open() && o.Stop != nil && stopping(o.Stop) {
			err = ErrStopped
		}
	}
	if err == nil && g.open() {
		if err = ctx.Err(); err == nil {
			err = commit()
		}
		if err != nil {
			rollback()
			if roster.ErrorCode(err) == roster.ECONFLICT {
				err = conflictIn(err, groupFirst, lastRow)
			}
		}
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return <-readErr
}

// readChunks reads rows into chunks and hands each to the workers and,
// in the same order, to the writer.
// The first skip rows were imported before a resume and are passed over.
func readChunks(ctx context.Context, rd tabular.Reader, size, skip int, work, ordered chan<- *chunk) error {
	c := &chunk{parsed: make(chan struct{})}
	send := func() bool {
		select {
		case ordered <- c:
		case <-ctx.Done():
			return false
		}
		select {
		case work <- c:
		case <-ctx.Done():
			return false
		}
		c = &chunk{parsed: make(chan struct{})}
		return true
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fileError(err)
		}
		if skip > 0 {
			skip--
			continue
		}
		c.raw = append(c.raw, rawRow{number: row.Number, cells: slices.Clone(row.Cells), err: row.Err})
		if len(c.raw) == size && !send() {
			return ctx.Err()
		}
	}
	if len(c.raw) > 0 && !send() {
		return ctx.Err()
	}
	return nil
}

// record turns one raw row into a record, keeping the reader's verdict.
func (p *parser) record(raw rawRow) *record {
	if raw.err != nil {
		r := &record{row: raw.number, cells: raw.cells}
		e := roster.RowError{Row: raw.number, Cell: raw.err.Ref, Code: raw.err.Code, Message: raw.err.Message}
		if raw.err.Column >= 0 && raw.err.Column < len(p.header) {
			e.Column = p.header[raw.err.Column]
		}
		r.errs = append(r.errs, e)
		return r
	}
	return p.parse(raw.number, raw.cells)
}

// writeChunk plans and writes one chunk's records in tx and journals
// them; b, if not nil, has made its look-ups already.
func (run *run) writeChunk(tx roster.ImportTx, recs []*record, b *batch) (*batch, error) {
	var err error
	if b == nil {
		b = &batch{run: run, tx: tx}
		if run.opts.Kind == roster.KindCompanies {
			err = b.prefetchCompanies(recs)
		} else {
			err = b.prefetchContacts(recs)
		}
	}
	if err != nil {
		return nil, err
	}
	b.dirty.rows = len(recs)
	for _, r := range recs {
		run.counts.Rows++
		if r.failed() {
			b.fail(r)
			continue
		}
		err = nil
		switch {
		case run.opts.Kind == roster.KindCompanies:
			err = b.importCompany(r)
		case r.kept != 0 && !b.dirty.contacts[r.kept]:
			run.counts.Unchanged++
		case r.kept != 0:
			// An earlier row of the batch wrote the contact: this row is
			// planned as any other.
			if err = b.unkeep(r); err == nil {
				err = b.importContact(r)
			}
		default:
			err = b.importContact(r)
		}
		if err := b.handle(r, err); err != nil {
			return nil, err
		}
		if !r.failed() && len(r.leftOut) > 0 {
			b.leftOut = append(b.leftOut, r)
		}
	}
	return b, tx.Journal(b.changes, b.failed, run.counts)
}

// conflictIn says where a unique key stopped the import. Rows are checked
// against what the directory holds before they are written, so this only
// happens when something wrote to the directory behind the import's back
// (a statement run on the database by hand, say): the rows from first to
// last were rolled back, those before them are in, and a second run sees
// the change (and matches or fails the rows it concerns).
func conflictIn(err error, first, last int) error {
	return fmt.Errorf("the directory changed behind this import's back: %w (rows %d–%d were rolled back; the rows before them were imported). Run the import again to import the rest", err, first, last)
}
