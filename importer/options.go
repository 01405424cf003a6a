package importer

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"time"

	"roster"
	"roster/mapping"
	"roster/normalize"
	"roster/tabular"
)

// Options are one import's options: the journaled ImportOptions plus how
// this run behaves.
type Options struct {
	roster.ImportOptions
	// DryRun journals the import and does everything but change the
	// directory: its batches keep what they would write aside.
	DryRun   bool
	FileName string // as the user named it, for the journal
	Holder   string // who runs it (host and pid), for "in progress" messages
	// Progress, if set, is called after each batch with rows done and the total.
	Progress func(done, total int)
	// OnFailed, if set, receives each failed row once its batch has committed.
	OnFailed func(roster.FailedRow)
	// beforeBatch, for tests, runs before each batch's transaction.
	beforeBatch func()
	// beforeStart, for tests, runs between reading the file and taking
	// the import lock (Importer.Run).
	beforeStart func()
	// indexedEmails, for tests, if set builds the email index whatever
	// the file's size, before the first batch, and is told how many
	// emails each look-up found through it.
	indexedEmails func(found int)
	// filteredKeys, for tests, if set builds the key filter whatever the
	// file's size, before the first batch, and is told how many keys each
	// look-up found absent through it.
	filteredKeys func(absent int)
	// filterAt, for tests, builds the key filter (with filteredKeys) just
	// before batch filterAt (counted from 1) instead of the first.
	filterAt int
	// groupRows, for tests, is how many rows one transaction holds over
	// several batches (0: what the store prefers, see BatchGrouper;
	// negative: each batch commits on its own).
	groupRows int
	// BatchSize is how many rows one batch writes (default: what the
	// store prefers, see BatchRowser; else 2000).
	BatchSize int
	// Workers parse and normalize rows in parallel (default GOMAXPROCS).
	Workers int
	// Stop, if set, ends a job (RunJob) at the next batch boundary without
	// ending it: a worker shutting down is not a user's cancel. The job
	// stays running, its lock is released, and RunJob returns ErrStopped;
	// another worker resumes it after its last committed batch.
	Stop <-chan struct{}
}

// Defaults fills in every unset option with its documented default.
func Defaults(o roster.ImportOptions) roster.ImportOptions {
	if o.Kind == "" {
		o.Kind = roster.KindContacts
	}
	if len(o.Match) == 0 {
		o.Match = []string{roster.MatchEmail}
		if o.Kind == roster.KindCompanies {
			o.Match = []string{roster.MatchName}
		}
	}
	if o.Merge == "" {
		o.Merge = roster.MergeFirst
	}
	if o.Blank == "" {
		o.Blank = roster.BlankKeep
	}
	if o.Lists == "" {
		o.Lists = roster.ListsUnion
	}
	if o.CustomFields == "" {
		o.CustomFields = roster.CustomAll
	}
	return o
}

// Validate checks options after Defaults; errors are EINVALID and name
// the option by its JSON key (the CLI flag is the same words: --max-rows
// for max_rows).
func Validate(o roster.ImportOptions) error {
	bad := func(field, format string, args ...any) error {
		return roster.Errorf(roster.EINVALID, field+": "+format, args...).With("field", field)
	}
	if !o.Kind.Valid() {
		return bad("kind", "want contacts or companies, not %q", o.Kind)
	}
	allowed := []string{roster.MatchEmail, roster.MatchPhone, roster.MatchExternalID, roster.MatchUsername}
	if o.Kind == roster.KindCompanies {
		allowed = []string{roster.MatchName, roster.MatchExternalID}
	}
	seen := map[string]bool{}
	for _, m := range o.Match {
		if !slices.Contains(allowed, m) {
			return bad("match", "%s are matched by %s, not %q", o.Kind, strings.Join(allowed, ", "), m)
		}
		if seen[m] {
			return bad("match", "names %q twice", m)
		}
		seen[m] = true
	}
	checks := []struct {
		field, value string
		allowed      []string
	}{
		{"merge", o.Merge, []string{roster.MergeFirst, roster.MergeAll}},
		{"blank", o.Blank, []string{roster.BlankKeep, roster.BlankClear}},
		{"lists", o.Lists, []string{roster.ListsUnion, roster.ListsReplace}},
		{"custom_fields", o.CustomFields, []string{roster.CustomAll, roster.CustomNewOnly}},
	}
	for _, c := range checks {
		if !slices.Contains(c.allowed, c.value) {
			return bad(c.field, "want %s, not %q", strings.Join(c.allowed, " or "), c.value)
		}
	}
	if o.MaxRows < 0 {
		return bad("max_rows", "must not be negative")
	}
	if len([]rune(o.Delimiter)) > 1 {
		return bad("delimiter", "want one character, not %q", o.Delimiter)
	}
	return nil
}

// BatchRowser is a store that says how many rows an import batch should
// write by default.
type BatchRowser interface {
	ImportBatchRows() int
}

func (o *Options) batchSize(s roster.Store) int {
	if o.BatchSize > 0 {
		return o.BatchSize
	}
	if b, ok := s.(BatchRowser); ok {
		if n := b.ImportBatchRows(); n > 0 {
			return n
		}
	}
	return 2000
}

// BatchGrouper is a store that can hold several import batches in one
// transaction (roster.ImportGroup), and says how many rows a group should
// hold by default (0: none).
type BatchGrouper interface {
	ImportGroupRows() int
	BeginImportGroup(ctx context.Context, tenantID, importID int64, holder string, lease time.Duration) (roster.ImportGroup, error)
}

// grouper returns the store's groups and the rows each should hold, or
// nil for a batch to a transaction. Dry runs keep one batch to a
// transaction: what they set aside is written batch by batch.
func (o *Options) grouper(s roster.Store) (BatchGrouper, int) {
	g, ok := s.(BatchGrouper)
	if !ok || o.DryRun || o.groupRows < 0 {
		return nil, 0
	}
	rows := o.groupRows
	if rows == 0 {
		rows = g.ImportGroupRows()
	}
	if rows <= 0 {
		return nil, 0
	}
	return g, rows
}

func (o *Options) workers() int {
	if o.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Workers
}

var zeroTime time.Time

// Memory the Go runtime may hold before it collects harder: a base, and
// a share per import running at once. An import's live heap stays near
// 60 MB whatever the file's size, but the collector lets the heap grow to
// twice what is live before it runs; with SQLite's page caches beside it,
// a 1M-row import then passed 256 MB. MemoryLimit is a soft limit
// (runtime/debug.SetMemoryLimit): the program sets it unless GOMEMLIMIT
// says otherwise.
const (
	memoryBase      = 32 << 20
	memoryPerImport = 96 << 20
)

// MemoryLimit is the soft memory limit for a process that runs imports
// imports at once.
func MemoryLimit(imports int) int64 {
	return memoryBase + int64(max(imports, 1))*memoryPerImport
}

// CheckProfile checks the options a profile saves as an import would,
// before any file is read: Validate's, then the phone region (upper-cased),
// the date format, the encoding and the mapping's fields, which are the
// tenant's. A profile that saves is one that imports.
func CheckProfile(ctx context.Context, store roster.Store, tenantID int64, p *roster.Profile) error {
	o := &p.Options
	if err := Validate(*o); err != nil {
		return err
	}
	o.Region = strings.ToUpper(strings.TrimSpace(o.Region))
	if _, _, err := regionAndDates(*o); err != nil {
		return err
	}
	if o.Encoding != "" && !tabular.KnownEncoding(o.Encoding) {
		return roster.Errorf(roster.EINVALID, "encoding: unknown encoding %q", o.Encoding).With("field", "encoding")
	}
	if len(o.Map) > 0 {
		defs, err := store.ListFields(ctx, tenantID, o.Kind)
		if err != nil {
			return err
		}
		if err := mapping.CheckKeys(mapping.Kind(o.Kind), o.Map, customOf(defs)); err != nil {
			return roster.Errorf(roster.EINVALID, "map: %v", err).With("field", "map")
		}
	}
	return nil
}

// regionAndDates reads the phone region and the date format of o.
func regionAndDates(o roster.ImportOptions) (*normalize.Phones, normalize.DateLayout, error) {
	phones, err := normalize.NewPhones(o.Region)
	if err != nil {
		return nil, normalize.DateLayout{}, roster.Errorf(roster.EINVALID, "region: %v", err).With("field", "region")
	}
	var dates normalize.DateLayout
	if o.DateFormat != "" {
		if dates, err = normalize.ParseDateLayout(o.DateFormat); err != nil {
			return nil, normalize.DateLayout{}, roster.Errorf(roster.EINVALID, "date_format: %v", err).With("field", "date_format")
		}
	}
	return phones, dates, nil
}

// customOf is how the mapping knows the custom fields defs.
func customOf(defs []*roster.FieldDef) []mapping.Custom {
	out := make([]mapping.Custom, len(defs))
	for i, d := range defs {
		out[i] = mapping.Custom{Key: d.Key, Label: d.Label}
	}
	return out
}
