package roster

import (
	"context"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// DryIDs is where the ids of the records a dry run would create begin:
// they count up from it, far above any real record's.
const DryIDs = math.MaxInt64 / 2

// DryID reports whether id is one a dry run gave a record it would create.
func DryID(id int64) bool { return id > DryIDs }

// MaxImportAttempts is how many times a job is started (first run and
// resumes after its worker died) before it is marked failed.
const MaxImportAttempts = 10

// Import states.
const (
	ImportQueued    = "queued"
	ImportRunning   = "running"
	ImportDone      = "done"
	ImportFailed    = "failed"
	ImportCancelled = "cancelled"
	ImportUndone    = "undone"
)

// Import is the journal entry of one import run: what was imported, with
// which options, and what came of it.
type Import struct {
	ID         int64         `json:"id"`
	TenantID   int64         `json:"-"`
	Label      string        `json:"label"`
	Kind       Kind          `json:"kind"`
	FileName   string        `json:"file_name"`
	FileSHA256 string        `json:"file_sha256"`
	Options    ImportOptions `json:"options"`
	Status     string        `json:"status"`
	DryRun     bool          `json:"dry_run"`
	Counts     ImportCounts  `json:"counts"`
	Message    string        `json:"message,omitempty"`  // why a failed import failed
	Warnings   []string      `json:"warnings,omitempty"` // what it ignored or left out; set when it ends
	StartedAt  time.Time     `json:"started_at"`
	FinishedAt *time.Time    `json:"finished_at,omitempty"`
	UndoneAt   *time.Time    `json:"undone_at,omitempty"`

	// Jobs: imports queued through the API and run by workers.
	QueuedAt        *time.Time `json:"queued_at,omitempty"`
	FilePath        string     `json:"-"` // the stored upload a worker reads
	RowsTotal       int        `json:"rows_total"`
	Attempts        int        `json:"attempts"`
	Worker          string     `json:"worker,omitempty"`
	CancelRequested bool       `json:"cancel_requested"`
	RequestedBy     string     `json:"requested_by,omitempty"` // who to notify
	// Header is the file's header row, for the failed-rows file.
	Header []string `json:"header,omitempty"`
}

// ImportCounts are the outcomes of an import's rows.
type ImportCounts struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	// CompaniesCreated counts companies made because contacts named them.
	CompaniesCreated int `json:"companies_created"`
	// Merged counts contacts removed by --merge all.
	Merged int `json:"merged"`
}

// ImportOptions are the options an import ran with; profiles save them.
type ImportOptions struct {
	Kind            Kind              `json:"kind"`
	Map             map[string]string `json:"map,omitempty"`
	Match           []string          `json:"match"`
	Merge           string            `json:"merge"`
	Region          string            `json:"region,omitempty"`
	Encoding        string            `json:"encoding,omitempty"`
	Delimiter       string            `json:"delimiter,omitempty"`
	Sheet           string            `json:"sheet,omitempty"`
	DateFormat      string            `json:"date_format,omitempty"`
	Blank           string            `json:"blank"`
	Lists           string            `json:"lists"`
	CreateCompanies bool              `json:"create_companies"`
	CustomFields    string            `json:"custom_fields"`
	MaxRows         int               `json:"max_rows,omitempty"`
}

// Import option values.
const (
	MergeFirst        = "first"
	MergeAll          = "all"
	BlankKeep         = "keep"
	BlankClear        = "clear"
	ListsUnion        = "union"
	ListsReplace      = "replace"
	CustomAll         = "all"
	CustomNewOnly     = "new-only"
	MatchEmail        = "email"
	MatchPhone        = "phone"
	MatchExternalID   = "external_id"
	MatchUsername     = "username"
	MatchName         = "name" // companies
	DefaultMatchField = MatchEmail
)

// RowError says why a row (or one of its cells) failed.
type RowError struct {
	Row     int    `json:"row"`    // line in the file, header = 1
	Column  string `json:"column"` // the header name, "" for the whole row
	Cell    string `json:"cell"`   // the cell reference in a spreadsheet ("F3"), "" for CSV
	Code    string `json:"code"`
	Message string `json:"message"`
}

// FailedRow is a row that did not import: its original cells and why.
type FailedRow struct {
	Row    int        `json:"row"`
	Cells  []string   `json:"cells"`
	Errors []RowError `json:"errors"`
}

// Change is one journaled change of a record by an import, enough to undo it.
type Change struct {
	Row      int    // the row that caused it
	Kind     Kind   // contacts or companies
	RecordID int64  //
	Action   string // created, updated or deleted
	// Before is the record as it was (JSON of Contact or Company), for updated and deleted.
	Before []byte
	// After is the record's updated_at after the change; undo leaves a record
	// that has changed since alone.
	After time.Time
}

// Change actions.
const (
	ActionCreated = "created"
	ActionUpdated = "updated"
	ActionDeleted = "deleted"
)

// ImportLock is who holds a tenant's import lock, for the "in progress" message.
type ImportLock struct {
	ImportID    int64     `json:"import_id"`
	Holder      string    `json:"holder"`
	StartedAt   time.Time `json:"started_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	RowsDone    int       `json:"rows_done"`
	RowsTotal   int       `json:"rows_total"`
	HeartbeatAt time.Time `json:"heartbeat_at"`
}

// UndoReport is what undoing an import did and what it left alone.
type UndoReport struct {
	Deleted   int        `json:"deleted"`
	Restored  int        `json:"restored"`
	Recreated int        `json:"recreated"`
	Conflicts []UndoNote `json:"conflicts"` // changed since the import: left alone
	Kept      []UndoNote `json:"kept"`      // created by the import but now linked: left alone
}

// UndoNote names a record undo left alone and why.
type UndoNote struct {
	Kind     Kind   `json:"kind"`
	RecordID int64  `json:"record_id"`
	Reason   string `json:"reason"`
}

// ImportStore keeps the import journal and the per-tenant import lock,
// and runs the writes of an import.
type ImportStore interface {
	// StartImport records a new running import (filling its ID and label)
	// and takes the tenant's import lock for it, for a lease, in one step;
	// or returns EINPROGRESS with the holder's ImportLock under the detail
	// "lock" and records nothing. An expired lease is taken over and the
	// import that held it is marked failed.
	StartImport(ctx context.Context, imp *Import, holder string, lease time.Duration) error
	// RenewImportLock extends the lease and records progress; cancel
	// reports that someone asked the import to stop.
	RenewImportLock(ctx context.Context, tenantID, importID int64, lease time.Duration, done, total int) (cancel bool, err error)

	// EnqueueImport records a job (status queued) for the file at
	// imp.FilePath and keeps a copy of the file in the database, so a
	// worker on any machine can run it; a worker runs it when the
	// tenant's lock is free. With alone, it refuses with EINPROGRESS while
	// another import of the tenant is queued or running.
	EnqueueImport(ctx context.Context, imp *Import, alone bool) error
	// ReadImportFile writes a job's kept file to w.
	ReadImportFile(ctx context.Context, tenantID, importID int64, w io.Writer) error
	// ClaimImport takes the oldest job a worker may run now — queued, or
	// running with its lease run out (its worker died: resume it) — and
	// the tenant's lock with it; ENOTFOUND when there is none. On
	// PostgreSQL several processes claim concurrently and each job goes to
	// exactly one.
	ClaimImport(ctx context.Context, holder string, lease time.Duration) (*Import, error)
	// ExpireImportFiles forgets the stored files of jobs that ended before
	// the given time and returns their paths, for the caller to delete.
	ExpireImportFiles(ctx context.Context, before time.Time) ([]string, error)
	// CancelImport asks a job to stop: a queued one is cancelled at once,
	// a running one at its next batch.
	CancelImport(ctx context.Context, tenantID, importID int64) (*Import, error)
	// ClaimNotifications returns up to limit import jobs that ended and
	// whose end was not told yet, claimed for lease (see MarkNotified).
	ClaimNotifications(ctx context.Context, lease time.Duration, limit int) ([]*Import, error)
	// MarkNotified records that the end of import id was told.
	MarkNotified(ctx context.Context, id int64) error
	// PauseImport frees the lock of a job its worker stopped at a batch
	// boundary, if holder holds it, without counting the attempt toward
	// MaxImportAttempts.
	PauseImport(ctx context.Context, imp *Import, holder string) error
	FindImportLock(ctx context.Context, tenantID int64) (*ImportLock, error)

	// FinishImport records the import's final status, counts and message
	// and, in the same transaction, frees the tenant's lock if holder
	// holds it: an import that has ended is never still "in progress". It
	// changes nothing, with ELOCKLOST, if the import no longer runs or
	// another holder took it over.
	FinishImport(ctx context.Context, imp *Import, holder string) error
	FindImport(ctx context.Context, tenantID, id int64) (*Import, error)
	ListImports(ctx context.Context, tenantID int64, p Page) ([]*Import, string, error)
	// FailedRows calls fn for each failed row of an import in row order.
	FailedRows(ctx context.Context, tenantID, importID int64, fn func(FailedRow) error) error

	// ImportBatch runs fn in one transaction with access to the tenant's
	// records; everything fn wrote is committed together, or nothing. For
	// an import (importID > 0) the transaction also checks that holder
	// still holds the tenant's lock and extends its lease, so a worker that
	// stalled past its lease can never commit beside the one that resumed
	// its job (ELOCKLOST).
	ImportBatch(ctx context.Context, tenantID, importID int64, holder string, lease time.Duration, fn func(tx ImportTx) error) error
	// ReadImportBatch runs fn's look-ups in a read-only transaction beside
	// the import's batches, on the directory as last committed, so the next
	// batch can be planned while the current one writes. It returns the
	// count of outside writes (ImportTx.Writes) of that snapshot.
	ReadImportBatch(ctx context.Context, tenantID, importID int64, fn func(tx ImportTx) error) (writes int64, err error)
	// UndoImport reverts what the import journaled and records the undo.
	UndoImport(ctx context.Context, tenantID, importID int64) (*UndoReport, error)
}

// A Digest identifies an import row as applied to a contact: the values
// the row sets, how the import's options apply them, and the companies it
// links. A contact keeps the digest of the import row that last wrote it
// (or left it as it was, the write being idempotent); any other write to
// the contact clears it. A re-import of the same row that finds its digest
// on the contact it matches knows, without loading the contact, that the
// row would change nothing.
type Digest uint64

// A ContactStamp is what a re-import needs of a stored contact to settle
// a row without loading it: the emails the contact holds, and the digest
// of the import row that last wrote it (0: none, its last write came from
// elsewhere).
type ContactStamp struct {
	Emails []string
	Digest Digest
}

// ImportGroup is one transaction over several consecutive batches of an
// import. Batch runs fn as Store.ImportBatch would (the lock checked, the
// lease extended) without committing; Commit commits every batch since
// the group began, or none. Where each commit writes every page its
// transaction dirtied (SQLite's WAL), a group writes a page that many of
// its batches dirty once.
type ImportGroup interface {
	Batch(fn func(tx ImportTx) error) error
	Commit() error
	Rollback() error
}

// ImportTx is the view of the directory one import batch works in. Look-ups
// take many keys at once so a batch needs few queries; writes take records
// the importer has already validated.
type ImportTx interface {
	// ContactIDsByEmail finds the owners of emails given in their
	// canonical form (normalize.Email's), as they are stored.
	ContactIDsByEmail(emails []string) (map[string]int64, error)
	// EachEmail calls fn with every email of the tenant's contacts and
	// its contact, in no set order, until fn returns false.
	EachEmail(fn func(email string, contactID int64) bool) error
	// EachExternalID is EachEmail for the contacts' external ids.
	EachExternalID(fn func(externalID string, contactID int64) bool) error
	ContactIDsByPhone(phones []string) (map[string][]int64, error)
	ContactIDsByExternalID(ids []string) (map[string]int64, error)
	ContactIDsByUsername(names []string) (map[string]int64, error)
	Contacts(ids []int64) (map[int64]*Contact, error)
	CompaniesByName(names []string) (map[string]*Company, error) // keyed by NameKey
	CompaniesByExternalID(ids []string) (map[string]*Company, error)
	// CompanyRefs finds companies by name (keyed by NameKey) and by
	// external id with only ID, Name and ExternalID filled: what a contact
	// row needs to link to them.
	CompanyRefs(names, externalIDs []string) (byName, byExternalID map[string]*Company, err error)

	// CreateContact and UpdateContact write c as the row whose digest is
	// row made it (0: none). KeepContact records that the row left the
	// contact as it was. ContactStamps returns what a re-import needs of
	// stored contacts to settle rows without loading them.
	// prev is the contact as the batch read it (nil if unknown): the
	// store may write only what differs from it.
	CreateContact(c *Contact, row Digest) error
	UpdateContact(c, prev *Contact, row Digest) error
	KeepContact(id int64, row Digest) error
	ContactStamps(ids []int64) (map[int64]ContactStamp, error)
	DeleteContact(id int64) error
	CreateCompany(c *Company) error
	UpdateCompany(c *Company) error

	// Journal records changes and failed rows, and the import's progress.
	Journal(changes []Change, failed []FailedRow, counts ImportCounts) error
	// Now is the time this batch stamps on what it writes.
	Now() time.Time
	// Writes counts the writes to the tenant's directory made outside
	// imports (through the API) while this import has held the lock, as
	// this transaction began: a batch planned on a snapshot with another
	// count must look again.
	Writes() int64
}

// Profile is a saved set of import options, so a recurring import is one command.
type Profile struct {
	Name      string        `json:"name"`
	Options   ImportOptions `json:"options"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// ProfileStore keeps import profiles.
type ProfileStore interface {
	// SaveProfile creates or replaces the profile with p's name.
	SaveProfile(ctx context.Context, tenantID int64, p *Profile) error
	FindProfile(ctx context.Context, tenantID int64, name string) (*Profile, error)
	ListProfiles(ctx context.Context, tenantID int64) ([]*Profile, error)
	DeleteProfile(ctx context.Context, tenantID int64, name string) error
}

// ErrorColumn names the column a failed-rows file adds after the file's
// own columns, holding each row's reasons.
const ErrorColumn = "error"

// ErrorColumnOf is the index of header's failed-rows error column, its
// last one when named "error", or -1: the header of a failed-rows file
// fixed and imported again.
func ErrorColumnOf(header []string) int {
	if n := len(header); n > 0 && strings.EqualFold(strings.TrimSpace(header[n-1]), ErrorColumn) {
		return n - 1
	}
	return -1
}

// FailedRowsFile is how the failed-rows file of an import whose file had
// a given header lays its rows out: the file's columns, then each row's
// reasons in an error column, which is the file's own last column when it
// already is one (appending another would give a header no import
// accepts).
type FailedRowsFile struct {
	Header  []string
	errorAt int
	width   int // the file's own columns
}

// NewFailedRowsFile lays out the failed-rows file of a file with header.
func NewFailedRowsFile(header []string) FailedRowsFile {
	if i := ErrorColumnOf(header); i >= 0 {
		return FailedRowsFile{Header: slices.Clone(header), errorAt: i, width: len(header)}
	}
	return FailedRowsFile{Header: append(slices.Clone(header), ErrorColumn), errorAt: len(header), width: len(header)}
}

// Cells are a failed row's cells as the file holds them, its reasons in
// the error column. Cells past the header's (a row with too many) follow
// the error column, so that nothing of the row is lost. Cells are
// neutralized against formulas (see NeutralizeCell), as the file is made
// to be opened in a spreadsheet, and import back as the row read them.
func (f FailedRowsFile) Cells(fr FailedRow) []string {
	cells := make([]string, len(f.Header), max(len(f.Header), len(f.Header)+len(fr.Cells)-f.width))
	for i, c := range fr.Cells {
		c = NeutralizeCell(UnneutralizeCell(c))
		switch {
		case i < f.width:
			cells[i] = c
		default:
			cells = append(cells, c)
		}
	}
	cells[f.errorAt] = NeutralizeCell(FailedRowMessage(fr))
	return cells
}

// FailedRowMessage joins a failed row's errors into the text of the
// failed-rows file's error column.
func FailedRowMessage(fr FailedRow) string {
	var b strings.Builder
	for i, e := range fr.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Column != "" {
			b.WriteString(e.Column)
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
	}
	return b.String()
}
