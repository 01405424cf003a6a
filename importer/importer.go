// Package importer is the import pipeline: file -> rows -> records ->
// plan -> database -> report. It reads with tabular, maps with mapping,
// normalizes with normalize and writes through roster.ImportStore; it
// holds no SQL and knows no database.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"roster"
	"roster/mapping"
	"roster/tabular"
)

// MaxReportedErrors caps the row errors a Result carries; the journal keeps all.
const MaxReportedErrors = 1000

// Importer runs imports against a store.
type Importer struct {
	Store roster.Store
	// Lease is how long the import lock lives without a heartbeat (default 30 s).
	Lease time.Duration
}

// Result is what an import did.
type Result struct {
	Import   *roster.Import
	Info     tabular.Info
	Header   []string
	Columns  []string // per header column: the key it maps to, "" if ignored
	Errors   []roster.RowError
	Warnings []string
}

// run is the state of one import while it runs.
type run struct {
	opts        roster.ImportOptions
	parser      *parser
	contactDefs []*roster.FieldDef
	companyDefs []*roster.FieldDef
	counts      roster.ImportCounts
	errors      []roster.RowError
	companies   *companyCache // contacts planned ahead only
	// emails is the index of the directory's emails once built (see
	// emailindex.go); nil until then, and for runs that build none.
	emails        atomic.Pointer[emailIndex]
	indexedEmails func(found int) // Options.indexedEmails
	// keys is the key filter once made (see keyfilter.go); nil until
	// then, and for runs that make none.
	keys         atomic.Pointer[keyFilter]
	filteredKeys func(absent int) // Options.filteredKeys
	// sampled starts building the email index if most emails were
	// found, or else the key filter, once; nil for runs that build
	// neither. emailsLooked and emailsFound count the emails looked up
	// one by one, and found: see sampleEmails.
	sampled                   func(mostFound bool)
	emailsLooked, emailsFound atomic.Int64
	leftOut                   leftOuts   // the writer's: what imported cells left out
	unfindable                unfindable // the writer's: created contacts --match cannot find
	rewritten                 rewritten  // the writer's: rows that matched a record this import wrote
	// mine are the records this import wrote (see written); since is when
	// it started, and resumed when this run resumed it (zero for a first
	// run): a resumed job's earlier runs wrote between the two.
	mine           written
	since, resumed time.Time
	// again is the file's reader that prepare read, reopened from its
	// start for the import's own pass where that is cheaper than opening
	// the file anew (tabular.Reopener); nil otherwise, or once taken.
	again tabular.Reader
}

// reader returns the reader for the import's pass over the file.
func (r *run) reader(path string) (tabular.Reader, error) {
	if rd := r.again; rd != nil {
		r.again = nil
		return rd, nil
	}
	return openFile(path, r.opts)
}

// closeReader closes the reopened reader if no pass took it.
func (r *run) closeReader() {
	if r.again != nil {
		r.again.Close()
		r.again = nil
	}
}

func (r *run) addErrors(errs []roster.RowError) {
	for _, e := range errs {
		if len(r.errors) >= MaxReportedErrors {
			return
		}
		r.errors = append(r.errors, e)
	}
}

// Run imports the file at path for tenant. Problems with the file or the
// options are returned as *roster.Error (EINVALID, ETOOLARGE, EINPROGRESS)
// before anything is written; bad rows are reported in the Result and the
// good rows still import.
func (im *Importer) Run(ctx context.Context, tenant *roster.Tenant, path string, o Options) (*Result, error) {
	o.ImportOptions = Defaults(o.ImportOptions)
	if err := Validate(o.ImportOptions); err != nil {
		return nil, err
	}
	if o.FileName == "" {
		o.FileName = filepath.Base(path)
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, err
	}
	run := &run{opts: o.ImportOptions}
	defer run.closeReader()
	res := &Result{}
	total, err := im.prepare(ctx, tenant, path, run, res)
	if err != nil {
		return nil, err
	}
	imp := &roster.Import{TenantID: tenant.ID, Kind: o.Kind, FileName: o.FileName, FileSHA256: sum,
		Options: o.ImportOptions, DryRun: o.DryRun, Counts: roster.ImportCounts{}, Header: res.Header, RowsTotal: total}
	res.Import = imp
	// A dry run is journaled and locked like any import; its batches write
	// what it would do aside (see roster.ImportStore.ImportBatch), never
	// to the directory.
	if o.beforeStart != nil {
		o.beforeStart()
	}
	if err := im.Store.StartImport(ctx, imp, o.Holder, im.lease()); err != nil {
		return nil, err
	}
	// The fields were read before the lock was taken; a field the file
	// fills that was removed in between would get its values back.
	// Under the lock no field is removed (Store.DeleteField refuses).
	if err := im.fieldsStill(ctx, tenant, run); err != nil {
		imp.Status, imp.Message = roster.ImportFailed, roster.ErrorMessage(err)
		im.Store.FinishImport(context.WithoutCancel(ctx), imp, o.Holder) // frees the lock too
		return res, err
	}
	return im.execute(ctx, path, run, res, &o, total, 0)
}

// RunJob runs a job a worker claimed (roster.ImportStore.ClaimImport),
// whose lock it holds. A job that ran before resumes after its last
// committed batch: those rows are in the database and in its counts, so
// the end state equals an uninterrupted run's.
func (im *Importer) RunJob(ctx context.Context, tenant *roster.Tenant, imp *roster.Import, o Options) (*Result, error) {
	o.ImportOptions, o.DryRun, o.FileName = imp.Options, imp.DryRun, imp.FileName
	run := &run{opts: imp.Options, counts: imp.Counts}
	defer run.closeReader()
	res := &Result{Import: imp}
	total, err := im.prepare(ctx, tenant, imp.FilePath, run, res)
	if err != nil {
		imp.Status, imp.Message = roster.ImportFailed, roster.ErrorMessage(err)
		bg := context.WithoutCancel(ctx)
		im.Store.FinishImport(bg, imp, o.Holder) // frees the lock too
		return res, err
	}
	return im.execute(ctx, imp.FilePath, run, res, &o, total, imp.Counts.Rows)
}

// fieldsStill checks that the custom fields the file fills still exist.
func (im *Importer) fieldsStill(ctx context.Context, tenant *roster.Tenant, run *run) error {
	defs, err := im.Store.ListFields(ctx, tenant.ID, run.opts.Kind)
	if err != nil {
		return err
	}
	for _, k := range run.parser.customKeys() {
		if !slices.ContainsFunc(defs, func(d *roster.FieldDef) bool { return d.Key == k }) {
			return roster.Errorf(roster.ECONFLICT, "custom field %q was removed as the import started; import the file again", k).With("field", k)
		}
	}
	return nil
}

// errCancelled stops an import whose cancellation was requested.
var errCancelled = errors.New("cancelled")

// ErrStopped is returned by RunJob when Options.Stop ended the job at a
// batch boundary; the job stays running for another worker to resume.
var ErrStopped = errors.New("import job stopped; it resumes when a worker claims it again")

// errLostLock stops an import whose lease ran out and was taken over.
var errLostLock = errors.New("lost the import lock")

// execute writes the rows after the first skip ones and closes the journal entry.
func (im *Importer) execute(ctx context.Context, path string, run *run, res *Result, o *Options, total, skip int) (*Result, error) {
	imp := res.Import
	run.since = imp.StartedAt
	if skip > 0 {
		run.resumed = time.Now().UTC()
	}
	var done atomic.Int64
	done.Store(int64(skip))
	// Deferred too: a panic in the writer must not leave the lease renewed forever.
	stopBeat := sync.OnceFunc(im.heartbeat(imp, &done, total))
	defer stopBeat()
	err := errCancelled // asked while no worker ran it: not one more batch
	if !imp.CancelRequested {
		err = im.write(ctx, path, run, imp, o, total, skip, &done)
	}
	stopBeat()
	imp.Counts = run.counts
	res.Errors = run.errors
	res.Warnings = append(res.Warnings, run.leftOut.warnings(res.Header)...)
	res.Warnings = append(res.Warnings, run.unfindable.warning(run.opts.Match)...)
	res.Warnings = append(res.Warnings, run.rewritten.warning(run.opts.Kind)...)
	imp.Warnings = res.Warnings
	switch {
	case err == nil:
		imp.Status = roster.ImportDone
	case imp.FilePath != "" && (errors.Is(err, ErrStopped) || errors.Is(err, errLostLock)):
		// A job paused by its worker, or taken over by another worker after
		// its lease ran out: it is not over. Its journal entry stays running
		// with the counts of its last committed batch, the checkpoint. Only a
		// stopped job still holds the lock, and frees it for the next worker.
		imp.Counts = run.counts
		if errors.Is(err, ErrStopped) {
			im.Store.PauseImport(context.WithoutCancel(ctx), imp, o.Holder)
		}
		return res, err
	case errors.Is(err, errCancelled) || ctx.Err() != nil:
		imp.Status, imp.Message = roster.ImportCancelled, "cancelled after "+fmt.Sprint(run.counts.Rows)+" rows"
		err = nil
	default:
		imp.Status, imp.Message = roster.ImportFailed, roster.ErrorMessage(err)
	}
	// The import's own context may be cancelled; the journal must still be closed.
	bg := context.WithoutCancel(ctx)
	switch ferr := im.Store.FinishImport(bg, imp, o.Holder); { // frees the lock too
	case roster.ErrorCode(ferr) == roster.ELOCKLOST:
		// This run stalled past its lease and another took the import over
		// (its error, a deadlock with the new holder, say, came from that):
		// the import is the new holder's to finish and report.
		imp.Status, imp.Message = roster.ImportRunning, ""
		if err != nil {
			return res, fmt.Errorf("%w: %v (this run's error: %v)", errLostLock, ferr, err)
		}
		return res, fmt.Errorf("%w: %v", errLostLock, ferr)
	case ferr != nil && err == nil:
		err = ferr
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

func (im *Importer) lease() time.Duration {
	if im.Lease <= 0 {
		return 30 * time.Second
	}
	return im.Lease
}

// heartbeat renews the import lock while the import runs, with progress.
// The writer also renews between batches (renew, at most every
// renewEvery); this goroutine covers a batch that takes long. A renewal
// waits at most half a lease.
func (im *Importer) heartbeat(imp *roster.Import, done *atomic.Int64, total int) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(im.lease() / 3)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), im.lease()/2)
				im.Store.RenewImportLock(ctx, imp.TenantID, imp.ID, im.lease(), int(done.Load()), total) // cancel is read between batches
				cancel()
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

// renewEvery is how often the writer renews between batches: a re-import
// commits a batch every few milliseconds, and each renewal is one more
// commit. Every batch extends the lease as it begins (Store.ImportBatch)
// and journals its counts; this adds the lock's progress and the cancel.
const renewEvery = 500 * time.Millisecond

// renew extends the lease between batches, stops the import if the lock
// was lost (its lease ran out and another import took it: two imports must
// never write at once) and reports a requested cancellation.
func (im *Importer) renew(ctx context.Context, imp *roster.Import, done, total int) error {
	cancel, err := im.Store.RenewImportLock(ctx, imp.TenantID, imp.ID, im.lease(), done, total)
	switch {
	case roster.ErrorCode(err) == roster.ECONFLICT && imp.FilePath != "":
		return fmt.Errorf("import job #%d: %w (its lease ran out and another worker resumed it)", imp.ID, errLostLock)
	case roster.ErrorCode(err) == roster.ECONFLICT:
		return roster.Errorf(roster.ECONFLICT, "this import lost its lock (it was too slow to renew its lease) and stopped; undo it and try again")
	case err != nil:
		return nil // the heartbeat tries again; a database error shows in the next batch
	case cancel:
		return errCancelled
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", roster.Errorf(roster.EINVALID, "cannot open %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", roster.Errorf(roster.EINVALID, "cannot read %s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// tabularOptions are the reading options of an import.
func tabularOptions(o roster.ImportOptions) tabular.Options {
	t := tabular.Options{Encoding: o.Encoding, Sheet: o.Sheet}
	if d := []rune(o.Delimiter); len(d) == 1 {
		t.Delimiter = d[0]
	}
	if o.Delimiter == `\t` || o.Delimiter == "tab" {
		t.Delimiter = '\t'
	}
	return t
}

// openFile opens the reader, turning the file's fatal errors into EINVALID.
func openFile(path string, o roster.ImportOptions) (tabular.Reader, error) {
	rd, err := tabular.Open(path, tabularOptions(o))
	if err != nil {
		return nil, fileError(err)
	}
	return rd, nil
}

func fileError(err error) error {
	var fe *tabular.FatalError
	if errors.As(err, &fe) {
		return roster.Errorf(roster.EINVALID, "%s", fe.Message).With("code", fe.Code)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return roster.Errorf(roster.EINVALID, "cannot read %s: %v", pe.Path, pe.Err)
	}
	return err
}

// prepare reads the header, maps it, checks the required columns and
// counts the rows: everything that can refuse the file before a write.
func (im *Importer) prepare(ctx context.Context, tenant *roster.Tenant, path string, run *run, res *Result) (int, error) {
	o := run.opts
	rd, err := openFile(path, o)
	if err != nil {
		return 0, err
	}
	defer func() {
		if rd != nil {
			rd.Close()
		}
	}()
	res.Info, res.Header = rd.Info(), slices.Clone(rd.Header())
	// An option for the other kind of file is a mistake worth a word,
	// not a refusal: the file was read all the same.
	switch {
	case res.Info.Format == "csv" && o.Sheet != "":
		res.Warnings = append(res.Warnings, fmt.Sprintf("--sheet %q is for workbooks; this file was read as CSV text", o.Sheet))
	case res.Info.Format == "xlsx" && (o.Encoding != "" || o.Delimiter != ""):
		res.Warnings = append(res.Warnings, "--encoding and --delimiter are for CSV text; the workbook was read without them")
	}
	if run.contactDefs, err = im.Store.ListFields(ctx, tenant.ID, roster.KindContacts); err != nil {
		return 0, err
	}
	if run.companyDefs, err = im.Store.ListFields(ctx, tenant.ID, roster.KindCompanies); err != nil {
		return 0, err
	}
	defs := run.contactDefs
	if o.Kind == roster.KindCompanies {
		defs = run.companyDefs
	}
	byKey := map[string]*roster.FieldDef{}
	for _, d := range defs {
		byKey[d.Key] = d
	}
	m, err := mapping.Apply(mapping.Kind(o.Kind), res.Header, o.Map, customOf(defs), true)
	if err != nil {
		return 0, roster.Errorf(roster.EINVALID, "%v", err)
	}
	res.Columns = m.Columns
	// A failed-rows file's own error column, fixed and imported again, is
	// ignored without a word (header names are unique).
	own := ""
	if i := roster.ErrorColumnOf(res.Header); i >= 0 {
		own = res.Header[i]
	}
	for _, h := range m.Unmapped {
		if h != own {
			res.Warnings = append(res.Warnings, fmt.Sprintf("column %q is not mapped to a field and was ignored", h))
		}
	}
	res.Warnings = append(res.Warnings, m.Warnings...)
	for _, d := range defs {
		if d.Required && !slices.Contains(m.Columns, d.Key) {
			// Said before the import, in a preview too, rather than found
			// out row by row.
			res.Warnings = append(res.Warnings, fmt.Sprintf("custom field %q is required and no column maps to it: rows that create a %s, or change one that has no value for it, fail", d.Key, o.Kind.Noun()))
		}
	}
	phones, dates, err := regionAndDates(o)
	if err != nil {
		return 0, err
	}
	run.parser = &parser{kind: o.Kind, header: res.Header, keys: m.Columns, seps: m.Separators, yes: m.YesWords, primaries: m.Primaries, defs: byKey, phones: phones, dates: dates,
		xlsx: res.Info.Format == "xlsx", match: o.Match, seed: digestSeed(o, m.Columns), spacedTags: m.SpacedTags}
	run.parser.customOrder = slices.Sorted(slices.Values(run.parser.customKeys()))
	// One pass over the file counts its rows, for progress and
	// --max-rows, and learns how its date columns write dates.
	orders := run.parser.newDateOrders(o.DateFormat == "")
	if n, ok := rd.(tabular.Narrower); ok {
		// The pass reads the date columns it learns from, nothing else.
		keep := make([]bool, len(res.Header))
		for _, col := range orders.cols {
			keep[col] = true
		}
		n.Narrow(keep)
	}
	total := 0
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fileError(err)
		}
		total++
		orders.see(row)
	}
	// The encoding may have been told only by a byte far into the file.
	res.Info = rd.Info()
	if fr, ok := rd.(tabular.FooterReader); ok && fr.Footer() != nil {
		res.Warnings = append(res.Warnings, footerWarning(fr.Footer(), res.Info.Format))
	}
	if o.MaxRows > 0 && total > o.MaxRows {
		return 0, roster.Errorf(roster.ETOOLARGE, "the file has %d rows; this import allows at most %d (max_rows)", total, o.MaxRows).With("max_rows", o.MaxRows)
	}
	run.parser.columnDates = orders.layouts()
	res.Warnings = append(res.Warnings, orders.warnings()...)
	if err := requiredColumns(run.parser, o); err != nil {
		return total, err
	}
	if o.Kind == roster.KindContacts && !run.parser.mapped("name", "first_name", "last_name") {
		// An update-only file (emails and job titles, say) is common; its
		// rows that match no contact fail one by one.
		res.Warnings = append(res.Warnings, "the file has no name column: it can update contacts, and its rows that match none fail (a new contact needs a name)")
	}
	if ro, ok := rd.(tabular.Reopener); ok {
		again, err := ro.Reopen() // closes rd
		rd = nil
		if err != nil {
			return 0, fileError(err)
		}
		run.again = again
	}
	return total, nil
}

// requiredColumns refuses a file that could not import a single row, or
// whose rows could never be matched (every re-import would duplicate). A
// contacts file without names can still update the contacts it matches.
func requiredColumns(p *parser, o roster.ImportOptions) error {
	missing := func(what string) error {
		return roster.Errorf(roster.EINVALID, "the file has no %s column (columns: %q)", what, p.header)
	}
	if o.Kind == roster.KindCompanies {
		if !p.mapped("name", "external_id") {
			return missing("company name")
		}
	} else {
		if !p.mapped("email", "other_emails", "phone", "mobile", "external_id", "username") {
			return missing("email or phone")
		}
	}
	for _, m := range o.Match {
		keys := []string{m}
		switch m {
		case roster.MatchEmail:
			keys = []string{"email", "other_emails"}
		case roster.MatchPhone:
			keys = []string{"phone", "mobile"}
		}
		if p.mapped(keys...) {
			return nil
		}
	}
	return roster.Errorf(roster.EINVALID, "none of the match identifiers (%s) is a column of the file, so no row could be matched", strings.Join(o.Match, ", ")).With("field", "match")
}

// ReadHeader opens a file as an import would and returns what was
// detected and its header, or the file's fatal error.
func ReadHeader(path string, o roster.ImportOptions) (tabular.Info, []string, error) {
	rd, err := openFile(path, o)
	if err != nil {
		return tabular.Info{}, nil, err
	}
	defer rd.Close()
	return rd.Info(), slices.Clone(rd.Header()), nil
}
