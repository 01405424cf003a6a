package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"roster"
)

// EnqueueImport records a queued job for a stored file. With alone, it is
// refused with EINPROGRESS while another import of the tenant is queued
// or running, checked in the transaction that enqueues: several processes
// serving one database cannot both pass the check.
func (s *Store) EnqueueImport(ctx context.Context, imp *roster.Import, alone bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if alone {
			if err := s.checkIdle(ctx, tx, imp.TenantID); err != nil {
				return err
			}
		}
		now := s.now()
		var n int
		if err := tx.QueryRowContext(ctx, s.Q(`SELECT count(*) FROM imports WHERE tenant_id = ?`), imp.TenantID).Scan(&n); err != nil {
			return err
		}
		imp.Status, imp.QueuedAt, imp.StartedAt = roster.ImportQueued, &now, now
		imp.Label = fmt.Sprintf("import #%d · %s", n+1, now.Format("2006-01-02 15:04"))
		opts, _ := json.Marshal(imp.Options)
		counts, _ := json.Marshal(imp.Counts)
		err := tx.QueryRowContext(ctx, s.Q(`INSERT INTO imports (tenant_id, label, kind, file_name, file_sha256, options, status,
			dry_run, counts, started_at, queued_at, file_path, rows_total, requested_by, header) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`),
			imp.TenantID, imp.Label, string(imp.Kind), imp.FileName, imp.FileSHA256, string(opts), imp.Status, imp.DryRun,
			string(counts), now, now, imp.FilePath, imp.RowsTotal, imp.RequestedBy, encodeList(imp.Header)).Scan(&imp.ID)
		if err != nil {
			return err
		}
		return s.keepFile(ctx, tx, imp.ID, imp.FilePath)
	})
}

// checkIdle returns EINPROGRESS, naming the import in the way, while one
// of the tenant runs (its lock is live), is queued, or is a job whose
// worker died (a worker resumes it).
func (s *Store) checkIdle(ctx context.Context, tx *Tx, tenantID int64) error {
	if s.Dialect.Name == "postgres" {
		// Enqueues of a tenant wait for each other here; SQLite's write
		// transaction does the same.
		if _, err := tx.ExecContext(ctx, s.Q(`SELECT id FROM tenants WHERE id = ? FOR UPDATE`), tenantID); err != nil {
			return err
		}
	}
	busy := func(imp *roster.Import, done, total int, started time.Time) error {
		return roster.Errorf(roster.EINPROGRESS, "import %d of this tenant is %s (%d of %d rows done); wait for it to finish, or send queue=true to run this one after it",
			imp.ID, imp.Status, done, total).
			With("import_id", imp.ID).With("status", imp.Status).With("started_at", started).
			With("rows_done", done).With("rows_total", total).With("file_name", imp.FileName)
	}
	switch lock, err := s.liveLock(ctx, tx, tenantID); {
	case err != nil:
		return err
	case lock != nil:
		imp, err := scanImport(tx.QueryRowContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports WHERE id = ?`), lock.ImportID))
		if err != nil {
			imp = &roster.Import{ID: lock.ImportID, Status: roster.ImportRunning}
		}
		return busy(imp, lock.RowsDone, lock.RowsTotal, lock.StartedAt)
	}
	imp, err := scanImport(tx.QueryRowContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports
		WHERE tenant_id = ? AND (status = ? OR status = ? AND file_path <> '') ORDER BY id LIMIT 1`), tenantID, roster.ImportQueued, roster.ImportRunning))
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return err
	}
	return busy(imp, imp.Counts.Rows, imp.RowsTotal, imp.StartedAt)
}

// fileChunk is how much of a job's file one row of import_files holds.
const fileChunk = 1 << 20

// keepFile copies the file at path into import_files, in chunks.
func (s *Store) keepFile(ctx context.Context, tx *Tx, importID int64, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return roster.Errorf(roster.EINVALID, "cannot read the file to import: %v", err)
	}
	defer f.Close()
	buf := make([]byte, fileChunk)
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			if _, err := tx.ExecContext(ctx, s.Q(`INSERT INTO import_files (import_id, seq, data) VALUES (?, ?, ?)`), importID, seq, buf[:n]); err != nil {
				return err
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ReadImportFile writes a job's kept file to w, chunk by chunk.
func (s *Store) ReadImportFile(ctx context.Context, tenantID, importID int64, w io.Writer) error {
	if _, err := s.FindImport(ctx, tenantID, importID); err != nil {
		return err
	}
	for seq := 0; ; seq++ {
		var data []byte
		err := s.DB.QueryRowContext(ctx, s.Q(`SELECT data FROM import_files WHERE import_id = ? AND seq = ?`), importID, seq).Scan(&data)
		if err == sql.ErrNoRows {
			if seq == 0 {
				return roster.Errorf(roster.ENOTFOUND, "import %d has no kept file", importID)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
}

// ClaimImport takes the oldest runnable job and its tenant's lock. A
// running job whose lock has expired lost its worker: it is resumed.
func (s *Store) ClaimImport(ctx context.Context, holder string, lease time.Duration) (*roster.Import, error) {
	var claimed *roster.Import
	err := s.InTx(ctx, func(tx *Tx) error {
		now := s.now()
		// SKIP LOCKED lets concurrent workers on PostgreSQL pass over a row
		// another one is claiming; SQLite's write lock serializes claims.
		skip := ""
		if s.Dialect.Name == "postgres" {
			skip = " FOR UPDATE OF i SKIP LOCKED"
		}
		var id int64
		err := tx.QueryRowContext(ctx, s.Q(`SELECT i.id FROM imports i LEFT JOIN import_locks l ON l.tenant_id = i.tenant_id
			WHERE i.file_path <> '' AND i.status IN (?, ?) AND (l.tenant_id IS NULL OR l.expires_at < ?)
			ORDER BY i.id LIMIT 1`+skip), roster.ImportQueued, roster.ImportRunning, now).Scan(&id)
		if err == sql.ErrNoRows {
			return roster.Errorf(roster.ENOTFOUND, "no import job to run")
		}
		if err != nil {
			return err
		}
		// The claim's time is read again: the SELECT may have seen the
		// tenant's previous import finish after now was read, and this
		// import must not seem to start before that one finished.
		now = s.now()
		imp, err := scanImport(tx.QueryRowContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports WHERE id = ?`), id))
		if err != nil {
			return err
		}
		if imp.Status == roster.ImportRunning && imp.Attempts >= roster.MaxImportAttempts {
			// Its worker died every time: a file that crashes the process, or
			// a machine that keeps failing. Say so instead of trying forever.
			_, err := tx.ExecContext(ctx, s.Q(`UPDATE imports SET status = ?, message = ?, finished_at = ? WHERE id = ?`),
				roster.ImportFailed, fmt.Sprintf("gave up after %d attempts: the worker running this import stopped each time", imp.Attempts), now, imp.ID)
			if err != nil {
				return err
			}
			if err := s.dropDryRun(ctx, tx, imp.ID); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, s.Q(`DELETE FROM import_locks WHERE tenant_id = ? AND import_id = ? AND expires_at < ?`), imp.TenantID, imp.ID, now)
			return err
		}
		lock, err := s.findImportLock(ctx, tx, imp.TenantID)
		if err == nil && lock.ImportID != imp.ID {
			// An expired lock of another import (a crashed CLI import, or a job): release it.
			if err := s.failOrphan(ctx, tx, lock.ImportID, now); err != nil {
				return err
			}
		}
		// Only an expired lock may go: on PostgreSQL another worker may have
		// taken the tenant's lock since the SELECT above (it saw none), and
		// deleting that live lock would let two imports of a tenant run at
		// once. Left in place, it makes the INSERT below conflict instead.
		if _, err := tx.ExecContext(ctx, s.Q(`DELETE FROM import_locks WHERE tenant_id = ? AND expires_at < ?`), imp.TenantID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.Q(`INSERT INTO import_locks (tenant_id, import_id, holder, started_at, heartbeat_at, expires_at, rows_done, rows_total)
			VALUES (?,?,?,?,?,?,?,?)`), imp.TenantID, imp.ID, holder, now, now, now.Add(lease), imp.Counts.Rows, imp.RowsTotal); err != nil {
			return err
		}
		if imp.Status == roster.ImportQueued {
			imp.StartedAt = now
		}
		imp.Status, imp.Worker = roster.ImportRunning, holder
		imp.Attempts++
		if _, err := tx.ExecContext(ctx, s.Q(`UPDATE imports SET status = ?, worker = ?, attempts = ?, started_at = ? WHERE id = ?`),
			imp.Status, imp.Worker, imp.Attempts, imp.StartedAt, imp.ID); err != nil {
			return err
		}
		claimed = imp
		return nil
	})
	if roster.ErrorCode(err) == roster.ECONFLICT {
		// Another worker took this tenant's lock at the same moment.
		return nil, roster.Errorf(roster.ENOTFOUND, "no import job to run")
	}
	if err != nil {
		return nil, err
	}
	if claimed == nil {
		return nil, roster.Errorf(roster.ENOTFOUND, "no import job to run")
	}
	return claimed, nil
}

// CancelImport asks a job to stop.
func (s *Store) CancelImport(ctx context.Context, tenantID, importID int64) (*roster.Import, error) {
	var imp *roster.Import
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		imp, err = scanImport(tx.QueryRowContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports WHERE tenant_id = ? AND id = ?`), tenantID, importID))
		if err == sql.ErrNoRows {
			return roster.Errorf(roster.ENOTFOUND, "import %d not found", importID)
		}
		if err != nil {
			return err
		}
		switch imp.Status {
		case roster.ImportQueued:
			now := s.now()
			imp.Status, imp.FinishedAt, imp.Message, imp.CancelRequested = roster.ImportCancelled, &now, "cancelled before it started", true
			_, err = tx.ExecContext(ctx, s.Q(`UPDATE imports SET status = ?, finished_at = ?, message = ?, cancel_requested = ? WHERE id = ?`),
				imp.Status, now, imp.Message, true, imp.ID)
			return err
		case roster.ImportRunning:
			imp.CancelRequested = true
			_, err = tx.ExecContext(ctx, s.Q(`UPDATE imports SET cancel_requested = ? WHERE id = ?`), true, imp.ID)
			return err
		default:
			return roster.Errorf(roster.ECONFLICT, "import %d has already ended (%s)", importID, imp.Status)
		}
	})
	return imp, err
}

// ExpireImportFiles clears the file paths of jobs that ended before before.
func (s *Store) ExpireImportFiles(ctx context.Context, before time.Time) ([]string, error) {
	var paths []string
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, s.Q(`SELECT id, file_path FROM imports
			WHERE file_path <> '' AND status NOT IN (?, ?) AND finished_at < ?`), roster.ImportQueued, roster.ImportRunning, before)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			var p string
			if err := rows.Scan(&id, &p); err != nil {
				rows.Close()
				return err
			}
			ids, paths = append(ids, id), append(paths, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// What a dry run kept goes when it ends; this catches any left behind.
		for _, table := range []string{"dry_keys", "dry_records"} {
			if _, err := tx.ExecContext(ctx, s.Q(`DELETE FROM `+table+` WHERE import_id IN
				(SELECT id FROM imports WHERE status NOT IN (?, ?))`), roster.ImportQueued, roster.ImportRunning); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, s.Q(`UPDATE imports SET file_path = '' WHERE id = ?`), id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.Q(`DELETE FROM import_files WHERE import_id = ?`), id); err != nil {
				return err
			}
		}
		return nil
	})
	return paths, err
}

// ClaimNotifications returns up to limit import jobs that ended and whose
// end was not told yet, claimed for lease: another worker passes over them
// until the lease ends, so a worker that dies mid-delivery leaves them to
// the next (the end is told at least once).
func (s *Store) ClaimNotifications(ctx context.Context, lease time.Duration, limit int) ([]*roster.Import, error) {
	var out []*roster.Import
	err := s.InTx(ctx, func(tx *Tx) error {
		now := s.now()
		skip := ""
		if s.Dialect.Name == "postgres" {
			skip = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports
			WHERE notified_at IS NULL AND queued_at IS NOT NULL AND status NOT IN (?, ?)
			AND (notify_claimed_until IS NULL OR notify_claimed_until < ?) ORDER BY id LIMIT ?`+skip),
			roster.ImportQueued, roster.ImportRunning, now, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			imp, err := scanImport(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, imp)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		args := []any{now.Add(lease)}
		for _, imp := range out {
			args = append(args, imp.ID)
		}
		_, err = tx.ExecContext(ctx, s.Q(`UPDATE imports SET notify_claimed_until = ? WHERE id IN (`+placeholders(len(out))+`)`), args...)
		return err
	})
	return out, err
}

// MarkNotified records that the end of import id was told.
func (s *Store) MarkNotified(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, s.Q(`UPDATE imports SET notified_at = ? WHERE id = ?`), s.now(), id)
	return err
}
