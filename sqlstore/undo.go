package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"roster"
)

// UndoImport reverts an import's journaled changes, newest first, in one
// transaction: records it created are deleted unless something else now
// links to them; records it updated or removed get their previous values
// back unless they changed since. What it leaves alone is reported, and
// an undo run again retries just that.
func (s *Store) UndoImport(ctx context.Context, tenantID, importID int64) (*roster.UndoReport, error) {
	rep := &roster.UndoReport{Conflicts: []roster.UndoNote{}, Kept: []roster.UndoNote{}}
	if err := s.settleOrphan(ctx, tenantID); err != nil {
		return nil, err
	}
	err := s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		imp, err := scanImport(tx.QueryRowContext(ctx, s.Q(`SELECT `+importColumns+` FROM imports WHERE tenant_id = ? AND id = ?`), tenantID, importID))
		if err == sql.ErrNoRows {
			return roster.Errorf(roster.ENOTFOUND, "import %d not found", importID)
		}
		if err != nil {
			return err
		}
		// An undo that left records alone (changed since, or linked to)
		// may be run again once they are free: it retries those only.
		var prev *roster.UndoReport
		if imp.Status == roster.ImportUndone {
			var b sql.NullString
			if err := tx.QueryRowContext(ctx, s.Q(`SELECT undo_report FROM imports WHERE id = ?`), importID).Scan(&b); err != nil {
				return err
			}
			prev = &roster.UndoReport{}
			if b.Valid {
				json.Unmarshal([]byte(b.String), prev)
			}
			if len(prev.Conflicts)+len(prev.Kept) == 0 {
				return roster.Errorf(roster.ECONFLICT, "import %d was already undone", importID)
			}
		}
		switch imp.Status {
		case roster.ImportRunning:
			return roster.Errorf(roster.EINPROGRESS, "import %d is still running", importID)
		case roster.ImportQueued:
			return roster.Errorf(roster.ECONFLICT, "import %d has not started; cancel it instead", importID).With("status", imp.Status)
		case roster.ImportCancelled:
			if imp.Counts.Rows == 0 {
				return roster.Errorf(roster.ECONFLICT, "import %d was cancelled before it imported a row: there is nothing to undo", importID).With("status", imp.Status)
			}
		}
		if imp.DryRun {
			return roster.Errorf(roster.EINVALID, "import %d was a dry run: it changed nothing, so there is nothing to undo", importID)
		}
		changes, err := s.loadChanges(ctx, tx, importID)
		if err != nil {
			return err
		}
		// The contact each row's --merge all kept: one it removed comes
		// back only while that one is there. Deleted since, it took the
		// removed one's data with it.
		mergedInto := map[int]int64{}
		for _, c := range changes {
			if c.Action == roster.ActionDeleted {
				mergedInto[c.Row] = 0
			}
		}
		for _, c := range changes {
			if _, ok := mergedInto[c.Row]; ok && c.Kind == roster.KindContacts && c.Action != roster.ActionDeleted {
				mergedInto[c.Row] = c.RecordID
			}
		}
		if prev != nil {
			left := map[roster.UndoNote]bool{}
			for _, n := range slices.Concat(prev.Conflicts, prev.Kept) {
				left[roster.UndoNote{Kind: n.Kind, RecordID: n.RecordID}] = true
			}
			changes = slices.DeleteFunc(changes, func(c roster.Change) bool {
				return !left[roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID}]
			})
		}
		// A record restored counts once however many of its changes were
		// reverted, and not at all if the import had created it.
		restored := map[roster.UndoNote]bool{}
		// Consecutive changes of one action, mostly all of an import's,
		// are undone in runs (undoCreated, undoUpdated): one at a time,
		// they took a round trip each.
		var run []roster.Change
		flush := func() error {
			var err error
			switch {
			case len(run) == 0:
			case run[0].Action == roster.ActionCreated:
				err = s.undoCreated(ctx, tx, tenantID, run, rep, restored)
			default:
				err = s.undoUpdated(ctx, tx, tenantID, run, rep, restored)
			}
			run = run[:0]
			return err
		}
		for i := len(changes) - 1; i >= 0; i-- {
			c := changes[i]
			if len(run) > 0 && (run[0].Action != c.Action || c.Action == roster.ActionDeleted) {
				if err := flush(); err != nil {
					return fmt.Errorf("undo records: %w", err)
				}
			}
			if c.Action != roster.ActionDeleted {
				run = append(run, c)
				continue
			}
			if err := s.undoDeleted(ctx, tx, tenantID, c, mergedInto[c.Row], rep); err != nil {
				return fmt.Errorf("undo removal of %s %d: %w", c.Kind, c.RecordID, err)
			}
		}
		if err := flush(); err != nil {
			return fmt.Errorf("undo records: %w", err)
		}
		rep.Restored = len(restored)
		now := s.now()
		kept := *rep // the journal keeps the whole undo's counts, and what is still left alone
		if prev != nil {
			kept.Deleted += prev.Deleted
			kept.Restored += prev.Restored
			kept.Recreated += prev.Recreated
		}
		b, _ := json.Marshal(kept)
		_, err = tx.ExecContext(ctx, s.Q(`UPDATE imports SET status = ?, undone_at = ?, undo_report = ? WHERE id = ?`),
			roster.ImportUndone, now, string(b), importID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Store) loadChanges(ctx context.Context, tx *Tx, importID int64) ([]roster.Change, error) {
	rows, err := tx.QueryContext(ctx, s.Q(`SELECT row, kind, record_id, action, before, after_at FROM import_changes WHERE import_id = ? ORDER BY id`), importID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []roster.Change
	for rows.Next() {
		var c roster.Change
		var kind string
		var before sql.NullString
		if err := rows.Scan(&c.Row, &kind, &c.RecordID, &c.Action, &before, &c.After); err != nil {
			return nil, err
		}
		c.Kind = roster.Kind(kind)
		c.After = c.After.UTC()
		if c.Action == createdBatch {
			var created [][2]int64
			if err := json.Unmarshal([]byte(before.String), &created); err != nil {
				return nil, err
			}
			for _, rc := range created {
				out = append(out, roster.Change{Row: int(rc[0]), Kind: c.Kind, RecordID: rc[1], Action: roster.ActionCreated, After: c.After})
			}
			continue
		}
		if before.Valid {
			c.Before = []byte(before.String)
		}
		out = append(out, c)
	}
	// A batch journals its created records first, in one row per kind,
	// and its other changes after them; the import made them row by row.
	// Undo walks the changes backwards, so each goes back to its row: a
	// contact created with an email that an earlier row of the batch took
	// from another contact must be deleted before that contact gets the
	// email back. Rows only grow through an import, and a row's own
	// changes keep their order (its new companies before its contact).
	slices.SortStableFunc(out, func(a, b roster.Change) int { return cmp.Compare(a.Row, b.Row) })
	return out, rows.Err()
}

// undoDeleted puts back a contact that --merge all removed, unless a
// record with its id exists again, or into, the contact it was merged
// into, was deleted since.
func (s *Store) undoDeleted(ctx context.Context, tx *Tx, tenantID int64, c roster.Change, into int64, rep *roster.UndoReport) error {
	record := roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID}
	note := func(list *[]roster.UndoNote, reason string) {
		n := record
		n.Reason = reason
		*list = append(*list, n)
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.Q(`SELECT count(*) FROM `+tableOf(c.Kind)+` WHERE tenant_id = ? AND id = ?`), tenantID, c.RecordID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		note(&rep.Conflicts, "a record with its id exists again")
		return nil
	}
	if into != 0 {
		if err := tx.QueryRowContext(ctx, s.Q(`SELECT count(*) FROM contacts WHERE tenant_id = ? AND id = ?`), tenantID, into).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			note(&rep.Conflicts, fmt.Sprintf("merged into contact %d, which was deleted since the import", into))
			return nil
		}
	}
	return s.recreate(ctx, tx, tenantID, c, rep, note)
}

// snapshotContact decodes a journaled contact, dropping memberships of
// companies that no longer exist.
func (s *Store) snapshotContact(ctx context.Context, tx *Tx, tenantID int64, before []byte) (*roster.Contact, error) {
	ct, err := journaledContact(before)
	if err != nil {
		return nil, err
	}
	var companies []int64
	for _, m := range ct.Companies {
		companies = append(companies, m.CompanyID)
	}
	return ct, s.dropGoneCompanies(ctx, tx, tenantID, []*roster.Contact{ct}, companies)
}

// journaledContact decodes a contact as the journal keeps it, in the form
// it is stored in.
func journaledContact(before []byte) (*roster.Contact, error) {
	var ct roster.Contact
	if err := json.Unmarshal(before, &ct); err != nil {
		return nil, err
	}
	ct.Custom = decodeCustom(encodeCustom(ct.Custom))
	// A journal from before emails had one canonical form (migration 012)
	// may hold a punycode domain.
	canonicalEmails(&ct)
	return &ct, nil
}

// recreate puts back a contact that --merge all removed, with its old id.
func (s *Store) recreate(ctx context.Context, tx *Tx, tenantID int64, c roster.Change, rep *roster.UndoReport, note func(*[]roster.UndoNote, string)) error {
	ct, err := s.snapshotContact(ctx, tx, tenantID, c.Before)
	if err != nil {
		return err
	}
	if err := s.checkEmails(ctx, tx, tenantID, 0, ct.Emails()); err != nil {
		note(&rep.Conflicts, roster.ErrorMessage(err))
		return nil
	}
	_, err = tx.ExecContext(ctx, s.Q(`INSERT INTO contacts (id, tenant_id, name, updated_at, created_at) VALUES (?, ?, ?, ?, ?)`),
		ct.ID, tenantID, ct.Name, ct.UpdatedAt, ct.CreatedAt)
	if err != nil {
		return err
	}
	rep.Recreated++
	return s.RewriteContact(ctx, tx, tenantID, ct, nil, 0)
}
