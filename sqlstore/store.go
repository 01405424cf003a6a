// Package sqlstore implements roster.Store over database/sql. The SQL is
// written once, in the subset SQLite and PostgreSQL share; what differs
// (placeholders, error codes, bulk loading) comes from a Dialect supplied
// by the sqlite and postgres packages, which also own the migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"roster"
)

// Dialect is what a database adapter tells the shared SQL code.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Numbered placeholders ($1, $2…) instead of ?.
	Numbered bool
	// Arrays: the database takes array parameters, so a look-up of many
	// keys is "= ANY(?)" and a bulk insert is one INSERT … SELECT unnest(…),
	// each one statement text whatever the number of rows.
	Arrays bool
	// Insert begins a multi-row insert ("" for INSERT INTO). SQLite's is
	// INSERT OR FAIL INTO: a failing row then fails the statement without
	// undoing the rows before it, which SQLite can only do by keeping a
	// statement journal (a copy of each page the statement changes).
	// Nothing is lost: Roster rolls back a transaction whose statement
	// failed.
	Insert string
	// Prepare statements explicitly once per transaction. SQLite compiles
	// each statement otherwise; pgx already caches them per connection.
	Prepare bool
	// UniqueViolation reports the table and column of a unique-constraint
	// error, or ok=false for any other error.
	UniqueViolation func(err error) (table, column string, ok bool)
	// ReserveIDs returns n new ids of table for rows the caller will insert
	// with explicit ids in the same transaction.
	ReserveIDs func(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error)
	// Analyze refreshes the planner's statistics of the directory's tables
	// ("" where not needed). A bulk import grows them from nothing to
	// millions of rows, and PostgreSQL must not keep planning for the
	// small table it saw at the start.
	Analyze string
	// BatchRows is how many rows an import batch writes by default (0:
	// the importer's default).
	BatchRows int
	// OneWriter says the database takes one writing transaction at a
	// time (SQLite): the store then queues its own (Store.write).
	OneWriter bool
	// HoldLinks: an import group holds its new contacts' emails and
	// memberships back, and inserts them in key order (heldLinks).
	HoldLinks bool
	// GroupRows is how many rows of an import one transaction holds, over
	// as many batches (0: each batch commits on its own).
	GroupRows int
	// BatchSetup is a statement run first in each import batch's
	// transaction ("" for none).
	BatchSetup string
	// MigrationLock is a statement run first in each migration transaction
	// to serialize concurrent migrators ("" where transactions already do).
	MigrationLock string
	// Copy bulk-loads rows into table's columns on driverConn (what
	// sql.Conn.Raw hands out), inside the transaction open on it
	// (PostgreSQL's COPY); nil where multi-row inserts are the fast way.
	// Transactions then run on a dedicated connection, so the copy joins
	// them.
	Copy func(ctx context.Context, driverConn any, table string, columns []string, rows [][]any) error
}

// Store is the SQL implementation of roster.Store.
type Store struct {
	DB *sql.DB
	// ReadDB, if set, serves an import's look-ahead reads
	// (ReadImportBatch): on SQLite, connections with a small page cache
	// beside the writer's large one, so memory stays bounded.
	ReadDB *sql.DB
	// WriteDB runs every write: transactions and the statements that
	// write alone. New makes it DB; SQLite gives it the one connection
	// of the process's one writer (see Store.write), with a large page
	// cache that no other connection's commit empties.
	WriteDB *sql.DB
	Dialect Dialect
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Logger takes what a migration has to tell an admin; nil is
	// slog.Default().
	Logger *slog.Logger

	queries sync.Map // query text with ? -> dialect text

	written   atomic.Int64 // rows imported since the statistics were last refreshed
	analyzing atomic.Bool
	analyses  sync.WaitGroup // running in the background; Close waits

	writers chan struct{} // held by the process's writer, where the dialect takes one (OneWriter)
}

var _ roster.Store = (*Store)(nil)

func (s *Store) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// New returns a Store over db.
func New(db *sql.DB, d Dialect) *Store {
	s := &Store{DB: db, WriteDB: db, Dialect: d, Now: time.Now}
	if d.OneWriter {
		s.writers = make(chan struct{}, 1)
	}
	return s
}

// write waits for the process's turn to write, where the database takes
// one writer at a time, and returns the function that ends it. Writers
// wait in the order they came (a channel's senders are served first in,
// first out): SQLite's own busy handler polls, and a writer polling for
// the lock misses the moment between two transactions of an import,
// which then starves it.
func (s *Store) write(ctx context.Context) (done func(), err error) {
	if s.writers == nil {
		return func() {}, nil
	}
	select {
	case s.writers <- struct{}{}:
		return func() { <-s.writers }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// exec runs one statement that writes, in the process's turn.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	done, err := s.write(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.WriteDB.ExecContext(ctx, query, args...)
}

// Close closes the database.
func (s *Store) Close() error {
	s.analyses.Wait()
	for _, db := range []*sql.DB{s.ReadDB, s.WriteDB} {
		if db != nil && db != s.DB {
			db.Close()
		}
	}
	return s.DB.Close()
}

// now returns the store's clock in UTC at the microsecond precision both
// databases keep, so a value read back equals the value written.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// ImportBatchRows is the dialect's batch size (importer.BatchRowser).
func (s *Store) ImportBatchRows() int { return s.Dialect.BatchRows }

// Q rewrites a query written with ? placeholders for the dialect.
func (s *Store) Q(query string) string {
	if !s.Dialect.Numbered {
		return query
	}
	if q, ok := s.queries.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	s.queries.Store(query, b.String())
	return b.String()
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a transaction that prepares each statement once and reuses it:
// an import runs the same few statements hundreds of thousands of times,
// and SQLite would otherwise compile every one anew.
type Tx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
	conn  *sql.Conn // the connection the transaction runs on, where the dialect copies

	done    func()     // ends the process's turn to write (Store.write)
	held    *heldLinks // an import group's links not written yet, if it holds them
	copying chan error // the outcome of the writes in flight (copyAsync, later)
	copyErr error      // a failed write in flight: the transaction is lost

	inflight chan struct{}    // a slot per write in flight (later)
	nextIDs  map[string]int64 // the next free id per table (importTx.reserve)
	lock     *importLock      // the import lock as this transaction found it
}

// wait waits for the writes in flight, if any, and reports whether one
// failed: every statement after it would fail for that reason.
func (t *Tx) wait() error {
	if t.copying != nil {
		t.copyErr = <-t.copying
		t.copying = nil
	}
	return t.copyErr
}

// maxInflight bounds the writes later keeps in flight, and with them the
// rows they hold.
const maxInflight = 4

// later runs write on its own goroutine after the writes already in
// flight, and returns at once unless maxInflight are: the caller goes on
// building the next rows while SQLite writes these. The next statement
// on t waits for all of them and fails if one did (wait). write runs its
// statements with execNow and owns what it writes.
func (t *Tx) later(write func() error) error {
	if t.copyErr != nil {
		return t.copyErr
	}
	if t.inflight == nil {
		t.inflight = make(chan struct{}, maxInflight)
	}
	t.inflight <- struct{}{}
	prev, done := t.copying, make(chan error, 1)
	go func() {
		var err error
		if prev != nil {
			err = <-prev
		}
		if err == nil {
			err = write()
		}
		<-t.inflight
		done <- err
	}()
	t.copying = done
	return nil
}

// execNow runs a statement, prepared where the transaction prepares,
// without waiting for the writes in flight: for those writes themselves
// (later), and for ExecContext once it has waited.
func (t *Tx) execNow(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.Tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// Commit commits once the COPY in flight is done, or rolls back if a COPY failed.
func (t *Tx) Commit() error {
	if err := t.wait(); err != nil {
		t.Tx.Rollback()
		return err
	}
	return t.Tx.Commit()
}

// Rollback rolls back once the COPY in flight is done.
func (t *Tx) Rollback() error {
	t.wait()
	return t.Tx.Rollback()
}

func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if t.stmts == nil {
		return nil, nil
	}
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st // closed with the transaction
	return st, nil
}

// ExecContext runs a prepared statement.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := t.wait(); err != nil {
		return nil, err
	}
	if err := t.settle(ctx, query); err != nil {
		return nil, err
	}
	return t.execNow(ctx, query, args...)
}

// QueryContext runs a prepared query.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := t.wait(); err != nil {
		return nil, err
	}
	if err := t.settle(ctx, query); err != nil {
		return nil, err
	}
	st, err := t.stmt(ctx, query)
	if err != nil || st == nil {
		if err == nil {
			return t.Tx.QueryContext(ctx, query, args...)
		}
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a prepared query for one row.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	t.wait() // a failed COPY fails the query too
	if err := t.settle(ctx, query); err != nil {
		// The transaction is lost: every later statement, and the
		// commit, fail with this error (wait).
		t.held, t.copyErr = nil, err
	}
	st, err := t.stmt(ctx, query)
	if err != nil || st == nil {
		return t.Tx.QueryRowContext(ctx, query, args...) // unprepared, or reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// InTx runs fn in a transaction, committing if it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.close()
	// A panic must not leave the transaction (and SQLite's write lock) open.
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.interpret(err)
	}
	if err := tx.Commit(); err != nil {
		return s.interpret(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// begin starts a transaction; close releases what it holds once it has
// committed or rolled back.
func (s *Store) begin(ctx context.Context) (*Tx, error) {
	done, err := s.write(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{done: done}
	if s.Dialect.Copy != nil {
		// COPY goes to the driver's connection: hold one for the
		// transaction so that both are the same session.
		if tx.conn, err = s.WriteDB.Conn(ctx); err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		tx.Tx, err = tx.conn.BeginTx(ctx, nil)
	} else {
		tx.Tx, err = s.WriteDB.BeginTx(ctx, nil)
	}
	if err != nil {
		tx.close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	if s.Dialect.Prepare {
		tx.stmts = map[string]*sql.Stmt{}
	}
	return tx, nil
}

func (t *Tx) close() {
	if t.conn != nil {
		t.conn.Close()
	}
	if t.done != nil {
		t.done()
		t.done = nil
	}
}

// conflictFields names the field a unique index protects, by table.column.
var conflictFields = map[string]string{
	"tenants.name":           "name",
	"contacts.external_id":   "external_id",
	"contacts.username":      "username",
	"contact_emails.email":   "email",
	"companies.name_key":     "name",
	"companies.external_id":  "external_id",
	"fields.key":             "key",
	"import_profiles.name":   "name",
	"tokens.hash":            "token",
	"memberships.company_id": "companies",
	"import_locks.tenant_id": "tenant",
	"import_errors.row":      "row",
}

// interpret turns driver errors into domain errors: unique violations
// become ECONFLICT naming the field; sql.ErrNoRows becomes ENOTFOUND.
func (s *Store) interpret(err error) error {
	var re *roster.Error
	if err == nil || errors.As(err, &re) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return roster.Errorf(roster.ENOTFOUND, "not found")
	}
	if table, column, ok := s.Dialect.UniqueViolation(err); ok {
		field := conflictFields[table+"."+column]
		if field == "" {
			field = column
		}
		return roster.Errorf(roster.ECONFLICT, "%s already exists", strings.ReplaceAll(field, "_", " ")).With("field", field)
	}
	return err
}

// nullable stores "" as NULL, so that optional unique columns allow many blanks.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// placeholders returns "?,?,?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// SetNow replaces the store's clock (tests).
func (s *Store) SetNow(now func() time.Time) { s.Now = now }

// listPage runs a keyset-paginated list query (its WHERE already holds
// "id > cursor") for one page plus one row, to know whether more follow.
func listPage[T any](ctx context.Context, s *Store, query string, args []any, limit int,
	scan func(interface{ Scan(...any) error }) (T, error), id func(T) int64) ([]T, string, error) {
	rows, err := s.DB.QueryContext(ctx, s.Q(query+` ORDER BY id LIMIT ?`), append(args, limit+1)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(id(out[len(out)-1]))
	}
	return out, next, nil
}

// analyzeEvery is how many imported rows make the statistics worth refreshing.
const analyzeEvery = 100_000

// wrote counts imported rows and now and then refreshes the statistics,
// in the background: on its own connection an ANALYZE took the import's
// batch 0.4 s to wait for, 4.6 s of a 1M-row import.
func (s *Store) wrote(ctx context.Context, rows int) {
	if s.Dialect.Analyze == "" {
		return
	}
	if n := s.written.Add(int64(rows)); n >= analyzeEvery && s.written.CompareAndSwap(n, 0) {
		s.analyses.Add(1)
		go func() {
			defer s.analyses.Done()
			s.analyze(context.WithoutCancel(ctx))
		}()
	}
}

// analyze refreshes the statistics, one run at a time; a failure only
// costs speed.
func (s *Store) analyze(ctx context.Context) {
	if s.Dialect.Analyze == "" || !s.analyzing.CompareAndSwap(false, true) {
		return
	}
	defer s.analyzing.Store(false)
	s.exec(ctx, s.Dialect.Analyze)
}

// inList is "column IN (?,…)" with its arguments, or one array argument
// where the database takes arrays: one statement text whatever the
// number of keys (as a semi-join the planner can hash it, where "col =
// ANY(array)" on a table it still thinks small would compare every row
// with every key).
func inList[K string | int64](s *Store, column string, keys []K) (string, []any) {
	if s.Dialect.Arrays {
		return column + " IN (SELECT unnest(?::" + arrayType(keys) + "))", []any{keys}
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return column + " IN (" + placeholders(len(keys)) + ")", args
}

// arrayType is the PostgreSQL array type of keys.
func arrayType[K string | int64](keys []K) string {
	var k K
	if _, ok := any(k).(int64); ok {
		return "bigint[]"
	}
	return "text[]"
}

// scanRows runs query on tx and calls scan for each row.
func (s *Store) scanRows(ctx context.Context, tx *Tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, s.Q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// tableOf is the table of a kind's records.
func tableOf(kind roster.Kind) string {
	if kind == roster.KindCompanies {
		return "companies"
	}
	return "contacts"
}
