package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"roster"
)

// undoChunk is how many records an undo checks and writes with one
// statement each: one round trip a record made PostgreSQL's undo of
// 200k new contacts take over a minute.
const undoChunk = 500

// byKind splits changes into the contacts' and the companies', in order.
func byKind(changes []roster.Change) [2][]roster.Change {
	var out [2][]roster.Change
	for _, c := range changes {
		k := 0
		if c.Kind == roster.KindCompanies {
			k = 1
		}
		out[k] = append(out[k], c)
	}
	return out
}

// unchangedSince returns the changes of chunk (of one kind) whose records
// are still as the import left them, and notes the others as conflicts:
// deleted or changed since. A record is taken once: a second change of it
// finds it gone.
func (s *Store) unchangedSince(ctx context.Context, tx *Tx, tenantID int64, kind roster.Kind, chunk []roster.Change, rep *roster.UndoReport) ([]roster.Change, error) {
	ids := make([]int64, len(chunk))
	for i, c := range chunk {
		ids[i] = c.RecordID
	}
	updated := make(map[int64]time.Time, len(ids))
	err := queryIn(ctx, s, tx, `SELECT id, updated_at FROM `+tableOf(kind)+` WHERE tenant_id = ? AND id`, tenantID, ids, func(r *sql.Rows) error {
		var id int64
		var at time.Time
		if err := r.Scan(&id, &at); err != nil {
			return err
		}
		updated[id] = at.UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ok []roster.Change
	for _, c := range chunk {
		at, exists := updated[c.RecordID]
		switch {
		case !exists:
			rep.Conflicts = append(rep.Conflicts, roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID, Reason: "deleted since the import"})
		case !at.Equal(c.After):
			rep.Conflicts = append(rep.Conflicts, roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID, Reason: "changed since the import"})
		default:
			ok = append(ok, c)
			delete(updated, c.RecordID)
		}
	}
	return ok, nil
}

// undoCreated deletes, chunk by chunk, records that a run of consecutive
// "created" changes of an undo's backward walk made: contacts first, then
// companies, so that a company the import created is deleted when only
// contacts the import also created belonged to it. A record deleted or
// changed since is a conflict (unchangedSince), a company that other
// contacts still belong to is kept.
func (s *Store) undoCreated(ctx context.Context, tx *Tx, tenantID int64, run []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	for _, of := range byKind(run) {
		for start := 0; start < len(of); start += undoChunk {
			if err := s.undoCreatedChunk(ctx, tx, tenantID, of[start:min(start+undoChunk, len(of))], rep, restored); err != nil {
				return err
			}
		}
	}
	return nil
}

// undoCreatedChunk deletes one chunk of records of one kind.
func (s *Store) undoCreatedChunk(ctx context.Context, tx *Tx, tenantID int64, chunk []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	kind := chunk[0].Kind
	ok, err := s.unchangedSince(ctx, tx, tenantID, kind, chunk, rep)
	if err != nil || len(ok) == 0 {
		return err
	}
	members := map[int64]int{}
	if kind == roster.KindCompanies {
		ids := make([]int64, len(ok))
		for i, c := range ok {
			ids[i] = c.RecordID
		}
		err := queryIn(ctx, s, tx, `SELECT company_id, count(*) FROM memberships WHERE tenant_id = ? AND company_id`, tenantID, ids, func(r *sql.Rows) error {
			var id int64
			var n int
			if err := r.Scan(&id, &n); err != nil {
				return err
			}
			members[id] = n
			return nil
		}, " GROUP BY company_id")
		if err != nil {
			return err
		}
	}
	var gone []int64
	for _, c := range ok {
		record := roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID}
		if n := members[c.RecordID]; n > 0 {
			record.Reason = "1 contact still belongs to it"
			if n > 1 {
				record.Reason = fmt.Sprintf("%d contacts still belong to it", n)
			}
			rep.Kept = append(rep.Kept, record)
			continue
		}
		rep.Deleted++
		delete(restored, record)
		gone = append(gone, c.RecordID)
	}
	if len(gone) == 0 {
		return nil
	}
	if kind == roster.KindContacts {
		for _, l := range contactLinks {
			if err := execIn(ctx, s, tx, `DELETE FROM `+l.table+` WHERE tenant_id = ? AND contact_id`, tenantID, gone); err != nil {
				return err
			}
		}
	}
	return execIn(ctx, s, tx, `DELETE FROM `+tableOf(kind)+` WHERE tenant_id = ? AND id`, tenantID, gone)
}

// queryIn runs query, which ends in the column to look up, for the
// tenant's rows whose column is one of keys (inList), then tail, calling
// scan for each row.
func queryIn[K string | int64](ctx context.Context, s *Store, tx *Tx, query string, tenantID int64, keys []K, scan func(*sql.Rows) error, tail ...string) error {
	q, args := inList(s, query, keys)
	for _, t := range tail {
		q += t
	}
	return s.scanRows(ctx, tx, q, append([]any{tenantID}, args...), scan)
}

// execIn runs a statement, which ends in a column, for the tenant's rows
// whose column is one of ids (inList).
func execIn(ctx context.Context, s *Store, tx *Tx, query string, tenantID int64, ids []int64) error {
	q, args := inList(s, query, ids)
	_, err := tx.ExecContext(ctx, s.Q(q), append([]any{tenantID}, args...)...)
	return err
}
