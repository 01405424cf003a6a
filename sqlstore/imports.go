package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"roster"
)

// StartImport records the import and takes the tenant's import lock in one
// transaction, so no import row exists for an import that never ran.
func (s *Store) StartImport(ctx context.Context, imp *roster.Import, holder string, lease time.Duration) error {
	// A live lock is seen without waiting for a write transaction: on
	// SQLite another process's import may hold the write lock for all but
	// an instant between its groups, and a writer waiting there would
	// rarely get in before its busy timeout, to say only that the
	// database is locked.
	if lock, _ := s.liveLock(ctx, s.DB, imp.TenantID); lock != nil {
		return inProgress(lock)
	}
	err := s.startImport(ctx, imp, holder, lease)
	if roster.ErrorCode(err) == roster.ECONFLICT {
		// Another process inserted the lock between our read and write
		// (PostgreSQL): read again, now we see who holds it.
		err = s.startImport(ctx, imp, holder, lease)
	}
	return err
}

func (s *Store) startImport(ctx context.Context, imp *roster.Import, holder string, lease time.Duration) error {
	return s.InTx(ctx, func(tx *Tx) error {
		now := s.now()
		lock, err := s.findImportLock(ctx, tx, imp.TenantID)
		if err != nil && roster.ErrorCode(err) != roster.ENOTFOUND {
			return err
		}
		if lock != nil {
			if lock.ExpiresAt.After(now) {
				return inProgress(lock)
			}
			// Its process died: the lease ran out. Never leave it "in progress";
			// a job (with a stored file) stays running for a worker to resume.
			if err := s.failOrphan(ctx, tx, lock.ImportID, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.Q(`DELETE FROM import_locks WHERE tenant_id = ?`), imp.TenantID); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.Q(`SELECT count(*) FROM imports WHERE tenant_id = ?`), imp.TenantID).Scan(&n); err != nil {
			return err
		}
		imp.StartedAt, imp.Status = now, roster.ImportRunning
		imp.Label = fmt.Sprintf("import #%d · %s", n+1, now.Format("2006-01-02 15:04"))
		opts, _ := json.Marshal(imp.Options)
		counts, _ := json.Marshal(imp.Counts)
		if err := tx.QueryRowContext(ctx, s.Q(`INSERT INTO imports (tenant_id, label, kind, file_name, file_sha256, options, status,
			dry_run, counts, started_at, header, rows_total) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`),
			imp.TenantID, imp.Label, string(imp.Kind), imp.FileName, imp.FileSHA256, string(opts), imp.Status, imp.DryRun,
			string(counts), imp.StartedAt, encodeList(imp.Header), imp.RowsTotal).Scan(&imp.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.Q(`INSERT INTO import_locks (tenant_id, import_id, holder, started_at, heartbeat_at, expires_at, rows_total)
			VALUES (?,?,?,?,?,?,?)`), imp.TenantID, imp.ID, holder, now, now, now.Add(lease), imp.RowsTotal)
		return err
	})
}

func inProgress(lock *roster.ImportLock) error {
	progress := fmt.Sprintf("%d of %d rows done", lock.RowsDone, lock.RowsTotal)
	if lock.RowsTotal == 0 { // it is still reading its file
		progress = "counting its rows"
	}
	return roster.Errorf(roster.EINPROGRESS,
		"another import (#%d) of this tenant is in progress since %s (%s); try again when it has finished",
		lock.ImportID, lock.StartedAt.Format(time.RFC3339), progress).With("lock", lock)
}

// failOrphan closes the journal entry of an import whose process died
// with its lock, unless it is a job (with a stored file), which a worker resumes.
func (s *Store) failOrphan(ctx context.Context, tx *Tx, importID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, s.Q(`UPDATE imports SET status = ?, message = ?, finished_at = ? WHERE id = ? AND status = ? AND file_path = ''`),
		roster.ImportFailed, orphanMessage, now, importID, roster.ImportRunning)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return s.dropDryRun(ctx, tx, importID)
	}
	return nil
}

// orphanMessage is the failure of an import whose process died.
const orphanMessage = "the process running this import stopped before it finished"

// showOrphans shows the imports of imps read as running as what they are
// if their process died (the lease ran out): failed. The journal entry
// itself is closed by the next import of the tenant or an undo (see
// settleOrphan); a read does not write, so that it never waits behind a
// running import. A job stays running: a worker resumes it.
func (s *Store) showOrphans(ctx context.Context, tenantID int64, imps ...*roster.Import) error {
	var lock *roster.ImportLock // the tenant's one lock, read once if needed
	for _, imp := range imps {
		if imp.Status != roster.ImportRunning || imp.FilePath != "" {
			continue
		}
		if lock == nil {
			var err error
			lock, err = s.FindImportLock(ctx, tenantID)
			if roster.ErrorCode(err) == roster.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
		}
		if lock.ImportID == imp.ID && !lock.ExpiresAt.After(s.now()) {
			imp.Status, imp.Message = roster.ImportFailed, orphanMessage
			imp.FinishedAt = &lock.ExpiresAt
		}
	}
	return nil
}

// settleOrphan closes the journal entry of the tenant's import whose
// process died (its lease ran out), so that the journal never shows it
// running, nor refuses to undo it, until the next import comes. A job
// stays running: a worker resumes it.
func (s *Store) settleOrphan(ctx context.Context, tenantID int64) error {
	lock, err := s.FindImportLock(ctx, tenantID)
	if roster.ErrorCode(err) == roster.ENOTFOUND || err == nil && lock.ExpiresAt.After(s.now()) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, s.Q(`DELETE FROM import_locks WHERE tenant_id = ? AND import_id = ? AND expires_at < ?`), tenantID, lock.ImportID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // renewed, or settled by another process meanwhile
		}
		return s.failOrphan(ctx, tx, lock.ImportID, now)
	})
}

// RenewImportLock extends the lease of the import holding the lock and
// reports whether it was asked to cancel.
func (s *Store) RenewImportLock(ctx context.Context, tenantID, importID int64, lease time.Duration, done, total int) (bool, error) {
	now := s.now()
	res, err := s.exec(ctx, s.Q(`UPDATE import_locks SET heartbeat_at = ?, expires_at = ?, rows_done = ?, rows_total = ?
		WHERE tenant_id = ? AND import_id = ?`), now, now.Add(lease), done, total, tenantID, importID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, roster.Errorf(roster.ECONFLICT, "import #%d no longer holds the import lock", importID)
	}
	var cancel bool
	err = s.DB.QueryRowContext(ctx, s.Q(`SELECT cancel_requested FROM imports WHERE id = ?`), importID).Scan(&cancel)
	return cancel, err
}

// PauseImport frees the lock of a job its worker stopped at a batch
// boundary (a shutdown), if holder holds it, and gives the attempt back:
// only a worker that dies counts toward MaxImportAttempts, so rolling
// restarts never make a job give up.
func (s *Store) PauseImport(ctx context.Context, imp *roster.Import, holder string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, s.Q(`DELETE FROM import_locks WHERE tenant_id = ? AND import_id = ? AND holder = ?`), imp.TenantID, imp.ID, holder)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // taken over meanwhile: the attempt is the new holder's
		}
		if _, err := tx.ExecContext(ctx, s.Q(`UPDATE imports SET attempts = attempts - 1 WHERE id = ? AND attempts > 0`), imp.ID); err != nil {
			return err
		}
		imp.Attempts = max(imp.Attempts-1, 0)
		return nil
	})
}

// liveLock returns the tenant's lock if its lease runs, or nil.
func (s *Store) liveLock(ctx context.Context, q queryer, tenantID int64) (*roster.ImportLock, error) {
	lock, err := s.findImportLock(ctx, q, tenantID)
	switch {
	case roster.ErrorCode(err) == roster.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	case !lock.ExpiresAt.After(s.now()):
		return nil, nil
	}
	return lock, nil
}

// FindImportLock returns the tenant's lock, expired or not, or ENOTFOUND.
func (s *Store) FindImportLock(ctx context.Context, tenantID int64) (*roster.ImportLock, error) {
	return s.findImportLock(ctx, s.DB, tenantID)
}

func (s *Store) findImportLock(ctx context.Context, q queryer, tenantID int64) (*roster.ImportLock, error) {
	l := &roster.ImportLock{}
	err := q.QueryRowContext(ctx, s.Q(`SELECT import_id, holder, started_at, heartbeat_at, expires_at, rows_done, rows_total
		FROM import_locks WHERE tenant_id = ?`), tenantID).
		Scan(&l.ImportID, &l.Holder, &l.StartedAt, &l.HeartbeatAt, &l.ExpiresAt, &l.RowsDone, &l.RowsTotal)
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "no import is running")
	}
	if err != nil {
		return nil, err
	}
	l.StartedAt, l.HeartbeatAt, l.ExpiresAt = l.StartedAt.UTC(), l.HeartbeatAt.UTC(), l.ExpiresAt.UTC()
	return l, nil
}

// FinishImport records the final status, counts and message.
func (s *Store) FinishImport(ctx context.Context, imp *roster.Import, holder string) error {
	now := s.now()
	counts, _ := json.Marshal(imp.Counts)
	err := s.InTx(ctx, func(tx *Tx) error {
		// Only the import's holder closes it. A worker that stalled past
		// its lease (a stopped process, a long pause) may come back to
		// find that another took the import over, and maybe finished it:
		// closing it then would fail a running import, or undo an ended
		// one's status. On PostgreSQL the row lock waits for a takeover
		// in flight to commit, so the lock read next sees it.
		lockRow := ""
		if s.Dialect.Name == "postgres" {
			lockRow = " FOR UPDATE"
		}
		var status string
		if err := tx.QueryRowContext(ctx, s.Q(`SELECT status FROM imports WHERE tenant_id = ? AND id = ?`+lockRow), imp.TenantID, imp.ID).Scan(&status); err != nil {
			return err
		}
		var other string
		err := tx.QueryRowContext(ctx, s.Q(`SELECT holder FROM import_locks WHERE tenant_id = ? AND import_id = ? AND holder <> ?`), imp.TenantID, imp.ID, holder).Scan(&other)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if err == nil || status != roster.ImportRunning { // another holds it, or it has ended
			return roster.Errorf(roster.ELOCKLOST, "import #%d is no longer this process's to close: another worker took it over, or it has ended (%s)", imp.ID, status)
		}
		if _, err := tx.ExecContext(ctx, s.Q(`UPDATE imports SET status = ?, counts = ?, message = ?, warnings = ?, finished_at = ? WHERE tenant_id = ? AND id = ?`),
			imp.Status, string(counts), imp.Message, encodeList(imp.Warnings), now, imp.TenantID, imp.ID); err != nil {
			return err
		}
		if imp.DryRun {
			if err := s.dropDryRun(ctx, tx, imp.ID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, s.Q(`DELETE FROM import_locks WHERE tenant_id = ? AND import_id = ? AND holder = ?`), imp.TenantID, imp.ID, holder)
		return err
	})
	if err != nil {
		return err
	}
	imp.FinishedAt = &now
	if imp.Counts.Created+imp.Counts.Updated > 1000 {
		// In the background: the caller releases the import lock next.
		go s.analyze(context.WithoutCancel(ctx))
	}
	return err
}

const importColumns = `id, tenant_id, label, kind, file_name, file_sha256, options, status, dry_run, counts, message, started_at,
	finished_at, undone_at, queued_at, file_path, rows_total, attempts, worker, cancel_requested, requested_by, header, warnings`

func scanImport(sc interface{ Scan(...any) error }) (*roster.Import, error) {
	imp := &roster.Import{}
	var kind, opts, counts string
	var finished, undone, queued sql.NullTime
	var header, warnings string
	if err := sc.Scan(&imp.ID, &imp.TenantID, &imp.Label, &kind, &imp.FileName, &imp.FileSHA256, &opts, &imp.Status, &imp.DryRun,
		&counts, &imp.Message, &imp.StartedAt, &finished, &undone, &queued, &imp.FilePath, &imp.RowsTotal, &imp.Attempts,
		&imp.Worker, &imp.CancelRequested, &imp.RequestedBy, &header, &warnings); err != nil {
		return nil, err
	}
	imp.Header, imp.Warnings = decodeList(header), decodeList(warnings)
	if queued.Valid {
		t := queued.Time.UTC()
		imp.QueuedAt = &t
	}
	imp.Kind = roster.Kind(kind)
	json.Unmarshal([]byte(opts), &imp.Options)
	json.Unmarshal([]byte(counts), &imp.Counts)
	imp.StartedAt = imp.StartedAt.UTC()
	if finished.Valid {
		t := finished.Time.UTC()
		imp.FinishedAt = &t
	}
	if undone.Valid {
		t := undone.Time.UTC()
		imp.UndoneAt = &t
	}
	return imp, nil
}

// FindImport returns one import of the tenant.
func (s *Store) FindImport(ctx context.Context, tenantID, id int64) (*roster.Import, error) {
	imp, err := scanImport(s.DB.QueryRowContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports WHERE tenant_id = ? AND id = ?`), tenantID, id))
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "import %d not found", id)
	}
	if err == nil {
		err = s.showOrphans(ctx, tenantID, imp)
	}
	return imp, err
}

// ListImports returns the tenant's imports, newest first.
func (s *Store) ListImports(ctx context.Context, tenantID int64, p roster.Page) ([]*roster.Import, string, error) {
	p = p.Normalize()
	before, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = 1 << 62
	}
	rows, err := s.DB.QueryContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?`),
		tenantID, before, p.Limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*roster.Import{}
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, imp)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	rows.Close()
	next := ""
	if len(out) > p.Limit {
		out = out[:p.Limit]
		next = encodeCursor(out[len(out)-1].ID)
	}
	if err := s.showOrphans(ctx, tenantID, out...); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// FailedRows streams an import's failed rows in row order.
func (s *Store) FailedRows(ctx context.Context, tenantID, importID int64, fn func(roster.FailedRow) error) error {
	if _, err := s.FindImport(ctx, tenantID, importID); err != nil {
		return err
	}
	rows, err := s.DB.QueryContext(ctx, s.Q(`SELECT row, cells, errors FROM import_errors WHERE import_id = ? ORDER BY row`), importID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var fr roster.FailedRow
		var cells, errs string
		if err := rows.Scan(&fr.Row, &cells, &errs); err != nil {
			return err
		}
		json.Unmarshal([]byte(cells), &fr.Cells)
		json.Unmarshal([]byte(errs), &fr.Errors)
		if err := fn(fr); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SaveProfile creates or replaces a profile.
func (s *Store) SaveProfile(ctx context.Context, tenantID int64, p *roster.Profile) error {
	if p.Name == "" || len(p.Name) > 64 {
		return roster.Errorf(roster.EINVALID, "a profile name has 1 to 64 characters")
	}
	opts, _ := json.Marshal(p.Options)
	return s.InTx(ctx, func(tx *Tx) error {
		now := s.now()
		old, err := s.findProfile(ctx, tx, tenantID, p.Name)
		switch {
		case err == nil:
			p.CreatedAt, p.UpdatedAt = old.CreatedAt, now
			_, err = tx.ExecContext(ctx, s.Q(`UPDATE import_profiles SET options = ?, updated_at = ? WHERE tenant_id = ? AND name = ?`),
				string(opts), now, tenantID, p.Name)
			return err
		case roster.ErrorCode(err) == roster.ENOTFOUND:
			p.CreatedAt, p.UpdatedAt = now, now
			_, err = tx.ExecContext(ctx, s.Q(`INSERT INTO import_profiles (tenant_id, name, options, created_at, updated_at) VALUES (?,?,?,?,?)`),
				tenantID, p.Name, string(opts), now, now)
			return err
		default:
			return err
		}
	})
}

// FindProfile returns a profile by name.
func (s *Store) FindProfile(ctx context.Context, tenantID int64, name string) (*roster.Profile, error) {
	return s.findProfile(ctx, s.DB, tenantID, name)
}

func (s *Store) findProfile(ctx context.Context, q queryer, tenantID int64, name string) (*roster.Profile, error) {
	p := &roster.Profile{Name: name}
	var opts string
	err := q.QueryRowContext(ctx, s.Q(`SELECT options, created_at, updated_at FROM import_profiles WHERE tenant_id = ? AND name = ?`),
		tenantID, name).Scan(&opts, &p.CreatedAt, &p.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "import profile %q not found", name)
	}
	if err != nil {
		return nil, err
	}
	json.Unmarshal([]byte(opts), &p.Options)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// ListProfiles returns the tenant's profiles by name.
func (s *Store) ListProfiles(ctx context.Context, tenantID int64) ([]*roster.Profile, error) {
	rows, err := s.DB.QueryContext(ctx, s.Q(`SELECT name, options, created_at, updated_at FROM import_profiles WHERE tenant_id = ? ORDER BY name`), tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*roster.Profile{}
	for rows.Next() {
		p := &roster.Profile{}
		var opts string
		if err := rows.Scan(&p.Name, &opts, &p.CreatedAt, &p.UpdatedAt); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(opts), &p.Options)
		p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeleteProfile removes a profile.
func (s *Store) DeleteProfile(ctx context.Context, tenantID int64, name string) error {
	res, err := s.exec(ctx, s.Q(`DELETE FROM import_profiles WHERE tenant_id = ? AND name = ?`), tenantID, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return roster.Errorf(roster.ENOTFOUND, "import profile %q not found", name)
	}
	return nil
}
