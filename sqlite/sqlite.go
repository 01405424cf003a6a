// Package sqlite is Roster's embedded storage: one SQLite file, zero
// setup. It supplies the SQLite dialect and migrations to sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"roster/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's dialect for sqlstore.
var Dialect = sqlstore.Dialect{
	Name: "sqlite",
	// With the links' foreign keys deferred (migration 009), a multi-row
	// insert needs no statement journal: 1M new contacts in 44.6-45.7 s
	// against 47.9-48.2 s with one.
	Insert:          "INSERT OR FAIL INTO",
	Prepare:         true,
	OneWriter:       true,
	UniqueViolation: uniqueViolation,
	ReserveIDs:      reserveIDs,
	// A batch of 2000 new contacts dirtied more index pages than the
	// writer's page cache then held (about 6,700 at 1M contacts, for 4,096),
	// which spilled them in the middle of the transaction: 1M new
	// contacts took 122-131 s in batches of 1000, 136-147 s in 2000,
	// 248 s in 10,000.
	// Batches commit in groups of up to 20,000 rows (or a second, see
	// importer.groups): each commit writes every page the transaction
	// dirtied to the WAL, and a group writes a page its batches share
	// once. 1M new contacts: 105-111 s, against 134 s a commit a batch.
	// A longer group (3 s) gained nothing and held the write lock longer.
	BatchRows: 1000,
	GroupRows: 20000,
	HoldLinks: true,
}

// reserveIDs hands out the ids after the table's AUTOINCREMENT counter.
// The import transaction holds SQLite's write lock, and inserts what it
// reserved before it reserves again, so no one else can take them.
func reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = seq + 1 + int64(i)
	}
	return ids, nil
}

// Open opens (creating if needed) the SQLite database at path and migrates it.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if err := create(ctx, path); err != nil {
		return nil, err
	}
	// WAL lets readers go on while an import writes; IMMEDIATE transactions
	// take the write lock up front so two writers queue instead of deadlocking.
	// A checkpoint copies the WAL into the file and syncs both: after
	// every 65,536 pages of WAL (512 MB with the 8 KB pages of new files,
	// 256 MB with the 4 KB of older ones) rather than SQLite's default
	// 1,000, which each batch of an import passed, so every batch paid
	// two fsyncs. New rows dirty index pages all over the file, the
	// same pages batch after batch: a longer WAL copies each of them
	// once for more batches (1M new contacts in 145 s instead of 167 s
	// with 64 MB; with 8 KB pages, 38.8 s with 512 MB against 39.4-39.8
	// s with 256 MB).
	// The WAL file is not cut back after a checkpoint (journal_size_limit):
	// growing it again after each cost such an import about 20 s (153 s
	// against 127-130 s).
	// Temporary storage in memory keeps each multi-row INSERT's statement
	// journal (the pages it may have to roll back) out of a temp file: on
	// disk it cost more write calls than the WAL itself.
	settings := []string{"wal_autocheckpoint(65536)", "temp_store(2)"}
	// Reads run on a pool of connections with 16 MB page caches.
	db, err := open(path, append(settings, "cache_size(-16384)")...)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := sqlstore.New(db, Dialect)
	// Writes run one at a time (sqlstore's OneWriter), all on one
	// connection: in WAL mode a connection empties its page cache when
	// another has committed since, so only a writer alone keeps its
	// cache from one transaction to the next. An import's new rows go
	// into indexes at random places; with a writer of its own and a
	// 32 MB cache, 1M new contacts took 39.2-41.2 s against 45.6-45.8 s
	// before, at a peak of 226-227 MB against 183-209 MB. SQLite
	// allocates each cached page alone, in the allocator's 8 KB size
	// class, so a cache costs twice its size: 48 MB peaked at 250 MB.
	// (A block given to SQLite at start, SQLITE_CONFIG_PAGECACHE, holds
	// pages at their size, and let a 64 MB cache gain another 5 %; but
	// SQLite writes to every slot of it when it starts, and every
	// command that opened the file then took 50 ms and 100 MB instead
	// of 10 ms and 23 MB.)
	if s.WriteDB, err = open(path, append(settings, "cache_size(-32768)")...); err != nil {
		s.Close()
		return nil, err
	}
	s.WriteDB.SetMaxOpenConns(1)
	if err := Migrate(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	// An import looks ahead on connections of their own: each SQLite
	// connection has its own page cache, and these need only a tiny one.
	// In WAL mode a connection drops its cache whenever another has
	// committed since, which the import's writer does between look-aheads,
	// and frees it page by page: with 4 MB, that was a tenth of an
	// unchanged re-import's time (1M rows in 8.2-8.7 s with 256 KB,
	// 10.0 s with 4 MB).
	if s.ReadDB, err = open(path, "cache_size(-256)", "query_only(1)"); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// pageSize is the page size of the files Roster creates: twice SQLite's
// default. Fewer, larger pages mean fewer reads and writes for an
// import's inserts at random places in its indexes. Alternated runs, 1M
// contacts: new rows 36.3-38.5 s against 40.6-41.7 s with 4 KB pages,
// 1M into a tenant of 1M 56.5 s against 63.4 s, re-imports 5.8 s against
// 5.9 s; the peaks a little lower (215-225 MB against 227-235 MB).
// 16 KB pages took 38.5 s at 234 MB.
const pageSize = 8192

// create makes a new database file with Roster's page size. A file's
// page size is set before its first write, and it cannot change in WAL
// mode, so it is set on a connection of its own before the pools open
// (the pools' connections turn WAL on as they open). An existing file
// keeps its page size.
func create(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil // there already, or for Open to report
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", pageSize))
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return nil
}

// open returns a handle on the database file with Roster's settings and extra pragmas.
func open(path string, pragmas ...string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range append([]string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"}, pragmas...) {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return sql.Open("sqlite", "file:"+path+"?"+q.Encode())
}

// Migrate applies SQLite's pending migrations.
func Migrate(ctx context.Context, s *sqlstore.Store) error {
	sub, _ := fs.Sub(migrations, "migrations")
	return s.Migrate(ctx, sub)
}

// uniqueViolation reads "UNIQUE constraint failed: contacts.tenant_id, contacts.external_id";
// the last column is the one that names the field (the tenant comes first).
func uniqueViolation(err error) (string, string, bool) {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return "", "", false
	}
	if e.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && e.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return "", "", false
	}
	msg := e.Error()
	i := strings.LastIndex(msg, "failed: ")
	if i < 0 {
		return "", "", true
	}
	cols := strings.Split(msg[i+len("failed: "):], ", ")
	last := strings.Fields(cols[len(cols)-1])[0]
	table, column, _ := strings.Cut(last, ".")
	return table, column, true
}
