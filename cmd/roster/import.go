package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"roster"
	"roster/importer"
	"roster/mapping"
)

// importFlags are the options of 'roster import' and 'roster profiles save'.
type importFlags struct {
	kind, mapSpec, match, merge, region, encoding, delimiter, sheet, dateFormat string
	blank, lists, customFields                                                  string
	createCompanies                                                             bool
	maxRows                                                                     int
}

func bindImportFlags(fs *flag.FlagSet) *importFlags {
	f := &importFlags{}
	fs.StringVar(&f.kind, "kind", "contacts", "what the file holds: contacts or companies")
	fs.StringVar(&f.mapSpec, "map", "", "explicit column mapping: 'Header=key,Other Header=key' (key - ignores a column)")
	fs.StringVar(&f.match, "match", "", "ordered identifiers to match existing records: email, phone, external_id, username (companies: name, external_id)")
	fs.StringVar(&f.merge, "merge", "first", "several matches: first (update the first) or all (merge them into one)")
	fs.StringVar(&f.region, "region", "", "default country of phone numbers without a country code, e.g. KR, CZ, US")
	fs.StringVar(&f.encoding, "encoding", "", "file encoding (default: detected), e.g. utf-8, windows-1250, cp949, gbk, shift_jis")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV delimiter (default: detected); 'tab' for TAB")
	fs.StringVar(&f.sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	fs.StringVar(&f.dateFormat, "date-format", "", "date cells' format, e.g. DD.MM.YYYY or MM/DD/YYYY (default: ISO only)")
	fs.StringVar(&f.blank, "blank", "keep", "blank cells on updates: keep the stored value or clear it")
	fs.StringVar(&f.lists, "lists", "union", "tags, other emails and companies on updates: union or replace")
	fs.BoolVar(&f.createCompanies, "create-companies", true, "create companies contacts name that do not exist")
	fs.StringVar(&f.customFields, "custom-fields", "all", "write custom fields on all records, or only on new-only records")
	fs.IntVar(&f.maxRows, "max-rows", 0, "refuse files with more rows (0: no limit)")
	return f
}

// options returns base overlaid with the flags given on the command line.
func (f *importFlags) options(fs *flag.FlagSet, base roster.ImportOptions) (roster.ImportOptions, error) {
	o := base
	var err error
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "kind":
			o.Kind = roster.Kind(f.kind)
		case "map":
			var m map[string]string
			if m, err = mapping.ParseExplicit(f.mapSpec); err == nil {
				o.Map = mapping.Overlay(o.Map, m)
			}
		case "match":
			o.Match = splitComma(f.match)
		case "merge":
			o.Merge = f.merge
		case "region":
			o.Region = strings.ToUpper(f.region)
		case "encoding":
			o.Encoding = f.encoding
		case "delimiter":
			o.Delimiter = f.delimiter
		case "sheet":
			o.Sheet = f.sheet
		case "date-format":
			o.DateFormat = f.dateFormat
		case "blank":
			o.Blank = f.blank
		case "lists":
			o.Lists = f.lists
		case "create-companies":
			o.CreateCompanies = f.createCompanies
		case "custom-fields":
			o.CustomFields = f.customFields
		case "max-rows":
			o.MaxRows = f.maxRows
		}
	})
	if err != nil {
		return o, usagef("--map: %v", err)
	}
	if o.Delimiter == "tab" || o.Delimiter == `\t` {
		o.Delimiter = "\t"
	}
	o = importer.Defaults(o)
	return o, importer.Validate(o)
}

// defaultImportOptions are the options of an import without flags or profile.
// The rest of the defaults depend on --kind and are filled in after the flags.
func defaultImportOptions() roster.ImportOptions {
	return roster.ImportOptions{CreateCompanies: true}
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseInterspersed parses flags wherever they stand and returns the
// positional arguments (roster import FILE --json).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

func (m *Main) importCmd(ctx context.Context, args []string) (err error) {
	var c common
	fs := m.flags("import", "[options] FILE", &c)
	f := bindImportFlags(fs)
	profile := fs.String("profile", "", "use the options saved in this profile (flags given too override it)")
	dryRun := fs.Bool("dry-run", false, "do everything but write, and print the same summary")
	errorsFile := fs.String("errors", "", "write the failed rows to this CSV file, with an error column")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import: want exactly one FILE")
	}
	path := pos[0]
	// With --json, a script reads stdout: an import that cannot run says
	// why there too, as the API would ({"error": {code, message, details}}).
	printed := false
	defer func() {
		if *asJSON && err != nil && !printed {
			m.printErrorJSON(err)
		}
	}()
	m.importsAtOnce(1)
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	base := defaultImportOptions()
	if *profile != "" {
		p, err := s.FindProfile(ctx, t.ID, *profile)
		if err != nil {
			return err
		}
		base = p.Options
	}
	opts, err := f.options(fs, base)
	if err != nil {
		return err
	}

	var failed *failedWriter
	if *errorsFile != "" {
		if same(*errorsFile, path) {
			return usagef("--errors %s is the file being imported; name another file", *errorsFile)
		}
		if failed, err = newFailedWriter(*errorsFile); err != nil {
			return err
		}
		defer failed.abort()
	}
	host, _ := os.Hostname()
	o := importer.Options{ImportOptions: opts, DryRun: *dryRun, Holder: fmt.Sprintf("roster import on %s (pid %d)", host, os.Getpid())}
	bar := m.progressBar(*asJSON)
	o.Progress = bar.update
	im := &importer.Importer{Store: s}
	if v := m.Getenv("ROSTER_IMPORT_LEASE"); v != "" {
		if im.Lease, err = time.ParseDuration(v); err != nil || im.Lease < time.Second {
			return usagef("ROSTER_IMPORT_LEASE must be a duration of at least 1s, like 30s")
		}
	}
	var header []string
	if failed != nil {
		o.OnFailed = func(fr roster.FailedRow) { failed.write(header, fr) }
	}
	// The header is known once the file is open; the importer reads it first.
	header, err = peekHeader(path, opts)
	if err != nil {
		return err
	}
	res, err := im.Run(ctx, t, path, o)
	bar.finish()
	if failed != nil && res != nil {
		if cerr := failed.close(header); cerr != nil && err == nil {
			err = cerr
		}
	}
	if roster.ErrorCode(err) == roster.EINPROGRESS {
		return &exitError{code: exitInProgress, err: err}
	}
	if err != nil && res == nil {
		return err
	}
	if *asJSON {
		if jerr := m.printImportJSON(res); jerr != nil {
			return jerr
		}
		printed = true
	} else {
		m.printImportSummary(res, path, *errorsFile)
	}
	return err
}

// printErrorJSON prints err as the API's error object.
func (m *Main) printErrorJSON(err error) {
	e := &roster.Error{Code: roster.ErrorCode(err), Message: flagWords(err)}
	var re *roster.Error
	if errors.As(err, &re) {
		e.Details = re.Details
	}
	m.printJSON(map[string]*roster.Error{"error": e})
}

func peekHeader(path string, opts roster.ImportOptions) ([]string, error) {
	_, header, err := importer.ReadHeader(path, opts)
	return header, err
}

// importJSON is the --json output; scripts depend on its keys.
type importJSON struct {
	Job              int64             `json:"job"`
	Label            string            `json:"label,omitempty"`
	Status           string            `json:"status"`
	DryRun           bool              `json:"dry_run"`
	Rows             int               `json:"rows"`
	Created          int               `json:"created"`
	Updated          int               `json:"updated"`
	Unchanged        int               `json:"unchanged"`
	Failed           int               `json:"failed"`
	CompaniesCreated int               `json:"companies_created"`
	Merged           int               `json:"merged"`
	Warnings         []string          `json:"warnings"`
	Errors           []roster.RowError `json:"errors"`
}

func (m *Main) printImportJSON(res *importer.Result) error {
	imp := res.Import
	out := importJSON{Job: imp.ID, Label: imp.Label, Status: imp.Status, DryRun: imp.DryRun, Rows: imp.Counts.Rows,
		Created: imp.Counts.Created, Updated: imp.Counts.Updated, Unchanged: imp.Counts.Unchanged, Failed: imp.Counts.Failed,
		CompaniesCreated: imp.Counts.CompaniesCreated, Merged: imp.Counts.Merged, Warnings: res.Warnings, Errors: res.Errors}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if out.Errors == nil {
		out.Errors = []roster.RowError{}
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func (m *Main) printImportSummary(res *importer.Result, path, errorsFile string) {
	imp := res.Import
	w := m.Stdout
	what := "Imported"
	if imp.DryRun {
		what = "Dry run (nothing written) of"
	}
	fmt.Fprintf(w, "%s %s into %s", what, path, imp.Kind)
	if imp.Label != "" {
		fmt.Fprintf(w, " — %s", imp.Label)
	}
	fmt.Fprintln(w)
	switch res.Info.Format {
	case "xlsx":
		fmt.Fprintf(w, "  read as XLSX, sheet %q\n", res.Info.Sheet)
	default:
		fmt.Fprintf(w, "  read as %s, delimiter %q\n", res.Info.Encoding, res.Info.Delimiter)
	}
	c := imp.Counts
	fmt.Fprintf(w, "  rows %d: %d created, %d updated, %d unchanged, %d failed\n", c.Rows, c.Created, c.Updated, c.Unchanged, c.Failed)
	if c.CompaniesCreated > 0 {
		fmt.Fprintf(w, "  companies created: %d\n", c.CompaniesCreated)
	}
	if c.Merged > 0 {
		fmt.Fprintf(w, "  duplicates merged away: %d\n", c.Merged)
	}
	if imp.Status != roster.ImportDone {
		fmt.Fprintf(w, "  status: %s %s\n", imp.Status, imp.Message)
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	const shown = 20
	for i, e := range res.Errors {
		if i == shown {
			fmt.Fprintf(w, "  … and %d more failed rows\n", c.Failed-shown)
			break
		}
		fmt.Fprintf(w, "  row %d%s: %s\n", e.Row, errorPlace(e), e.Message)
	}
	if c.Failed > 0 && errorsFile != "" {
		fmt.Fprintf(w, "  failed rows written to %s: fix them and import that file again\n", errorsFile)
	} else if c.Failed > 0 && imp.ID != 0 {
		fmt.Fprintf(w, "  all failed rows: roster imports errors %d > failed.csv\n", imp.ID)
	}
}

func errorPlace(e roster.RowError) string {
	switch {
	case e.Cell != "" && e.Column != "":
		return fmt.Sprintf(", %s (%s)", e.Column, e.Cell)
	case e.Column != "":
		return ", " + e.Column
	}
	return ""
}

// failedWriter writes failed rows as CSV: the original columns plus an
// error column, UTF-8 with a BOM so spreadsheet programs read it right. It
// writes to a temporary file renamed into place at the end, so a refused
// import leaves an earlier errors file as it was.
type failedWriter struct {
	path   string
	f      *os.File
	w      *csv.Writer
	layout roster.FailedRowsFile
	rows   int
	done   bool
}

func newFailedWriter(path string) (*failedWriter, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	return &failedWriter{path: path, f: f}, nil
}

func (fw *failedWriter) start(header []string) {
	if fw.w != nil {
		return
	}
	fw.f.WriteString("\ufeff")
	fw.w = csv.NewWriter(fw.f)
	fw.layout = roster.NewFailedRowsFile(header)
	fw.w.Write(fw.layout.Header)
}

func (fw *failedWriter) write(header []string, fr roster.FailedRow) {
	fw.start(header)
	fw.w.Write(fw.layout.Cells(fr))
	fw.rows++
}

// close finishes the file and puts it in place.
func (fw *failedWriter) close(header []string) error {
	fw.start(header)
	fw.w.Flush()
	if err := fw.w.Error(); err != nil {
		return err
	}
	if err := fw.f.Close(); err != nil {
		return err
	}
	fw.done = true
	return os.Rename(fw.f.Name(), fw.path)
}

// abort removes the temporary file unless close put it in place.
func (fw *failedWriter) abort() {
	if !fw.done {
		fw.f.Close()
		os.Remove(fw.f.Name())
	}
}

// same reports whether two paths name the same existing file.
func same(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// progress draws a progress bar on a terminal: rows, rate and ETA.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
}

func (m *Main) progressBar(quiet bool) *progress {
	p := &progress{w: m.Stderr, start: time.Now()}
	if f, ok := m.Stderr.(*os.File); ok && !quiet {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	elapsed := time.Since(p.start).Seconds()
	rate := float64(done) / max(elapsed, 0.001)
	eta := "?"
	if rate > 0 && total >= done {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	width := 30
	filled := 0
	if total > 0 {
		filled = width * done / total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d rows  %.0f rows/s  ETA %s   ", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, rate, eta)
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
