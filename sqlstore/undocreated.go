package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"roster"
)

// undoChunk is how many created records an undo checks and deletes with
// one statement each: one round trip a record made PostgreSQL's undo of
// 200k new contacts take over a minute.
const undoChunk = 500

// undoCreated deletes, chunk by chunk, records that a run of consecutive
// "created" changes of an undo's backward walk made: contacts first, then
// companies, so that a company the import created is deleted when only
// contacts the import also created belonged to it. Each record is checked
// as undoChange checks it: gone or changed since is a conflict, a company
// that other contacts still belong to is kept.
func (s *Store) undoCreated(ctx context.Context, tx *Tx, tenantID int64, run []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	for _, kind := range [2]roster.Kind{roster.KindContacts, roster.KindCompanies} {
		var of []roster.Change
		for _, c := range run {
			if c.Kind == kind {
				of = append(of, c)
			}
		}
		for start := 0; start < len(of); start += undoChunk {
			if err := s.undoCreatedChunk(ctx, tx, tenantID, kind, of[start:min(start+undoChunk, len(of))], rep, restored); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) undoCreatedChunk(ctx context.Context, tx *Tx, tenantID int64, kind roster.Kind, chunk []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	table := "contacts"
	if kind == roster.KindCompanies {
		table = "companies"
	}
	ids := make([]int64, len(chunk))
	for i, c := range chunk {
		ids[i] = c.RecordID
	}
	updated := make(map[int64]time.Time, len(ids))
	err := s.queryIDs(ctx, tx, `SELECT id, updated_at FROM `+table+` WHERE tenant_id = ? AND id`, tenantID, ids, func(r *sql.Rows) error {
		var id int64
		var at time.Time
		if err := r.Scan(&id, &at); err != nil {
			return err
		}
		updated[id] = at.UTC()
		return nil
	})
	if err != nil {
		return err
	}
	members := map[int64]int{}
	if kind == roster.KindCompanies {
		err := s.queryIDs(ctx, tx, `SELECT company_id, count(*) FROM memberships WHERE tenant_id = ? AND company_id`, tenantID, ids, func(r *sql.Rows) error {
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
	for _, c := range chunk {
		record := roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID}
		at, exists := updated[c.RecordID]
		switch {
		case !exists:
			record.Reason = "deleted since the import"
			rep.Conflicts = append(rep.Conflicts, record)
		case !at.Equal(c.After):
			record.Reason = "changed since the import"
			rep.Conflicts = append(rep.Conflicts, record)
		case members[c.RecordID] > 0:
			record.Reason = "1 contact still belongs to it"
			if n := members[c.RecordID]; n > 1 {
				record.Reason = fmt.Sprintf("%d contacts still belong to it", n)
			}
			rep.Kept = append(rep.Kept, record)
		default:
			rep.Deleted++
			delete(restored, record)
			delete(updated, c.RecordID) // a second change of it finds it gone
			gone = append(gone, c.RecordID)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	if kind == roster.KindContacts {
		for _, l := range contactLinks {
			if err := s.execIDs(ctx, tx, `DELETE FROM `+l.table+` WHERE tenant_id = ? AND contact_id`, tenantID, gone); err != nil {
				return err
			}
		}
	}
	return s.execIDs(ctx, tx, `DELETE FROM `+table+` WHERE tenant_id = ? AND id`, tenantID, gone)
}

// idsClause completes a statement ending in "WHERE tenant_id = ? AND
// column" with a test that the column is one of ids (inList), and
// returns it with its arguments.
func (s *Store) idsClause(query string, tenantID int64, ids []int64) (string, []any) {
	cut := strings.LastIndexByte(query, ' ')
	in, args := s.inList(query[cut+1:], ids)
	return query[:cut+1] + in, append([]any{tenantID}, args...)
}

// queryIDs runs a query over ids (see idsClause), then tail, calling scan
// for each row.
func (s *Store) queryIDs(ctx context.Context, tx *Tx, query string, tenantID int64, ids []int64, scan func(*sql.Rows) error, tail ...string) error {
	q, args := s.idsClause(query, tenantID, ids)
	for _, t := range tail {
		q += t
	}
	rows, err := tx.QueryContext(ctx, s.Q(q), args...)
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

// execIDs runs a statement over ids (see idsClause).
func (s *Store) execIDs(ctx context.Context, tx *Tx, query string, tenantID int64, ids []int64) error {
	q, args := s.idsClause(query, tenantID, ids)
	_, err := tx.ExecContext(ctx, s.Q(q), args...)
	return err
}
