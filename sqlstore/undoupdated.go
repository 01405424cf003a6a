package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"roster"
)

// undoUpdated puts back the previous values of the records that a run of
// consecutive "updated" changes of an undo's backward walk changed, in
// chunks of distinct records: each chunk is checked with a few queries,
// and on PostgreSQL written with one merge (mergeUpdates), where one
// record at a time took eight round trips (41k records in 103 s).
func (s *Store) undoUpdated(ctx context.Context, tx *Tx, tenantID int64, run []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	var chunk []roster.Change
	in := map[roster.UndoNote]bool{}
	flush := func() error {
		for _, of := range byKind(chunk) {
			if len(of) > 0 {
				if err := s.undoUpdatedChunk(ctx, tx, tenantID, of, rep, restored); err != nil {
					return err
				}
			}
		}
		chunk = chunk[:0]
		clear(in)
		return nil
	}
	for _, c := range run {
		key := roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID}
		// A record changed twice goes back one change at a time.
		if in[key] || len(chunk) == undoChunk {
			if err := flush(); err != nil {
				return err
			}
		}
		chunk = append(chunk, c)
		in[key] = true
	}
	return flush()
}

// undoUpdatedChunk restores one chunk of distinct records of one kind.
func (s *Store) undoUpdatedChunk(ctx context.Context, tx *Tx, tenantID int64, chunk []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	ok, err := s.unchangedSince(ctx, tx, tenantID, chunk[0].Kind, chunk, rep)
	if err != nil {
		return err
	}
	if chunk[0].Kind == roster.KindCompanies {
		return s.restoreCompanies(ctx, tx, tenantID, ok, restored)
	}
	return s.restoreContacts(ctx, tx, tenantID, ok, rep, restored)
}

// setBased reports whether tx merges updates set-based (see mergeUpdates).
func (s *Store) setBased(tx *Tx) bool { return s.Dialect.Copy != nil && tx.conn != nil }

func (s *Store) restoreCompanies(ctx context.Context, tx *Tx, tenantID int64, ok []roster.Change, restored map[roster.UndoNote]bool) error {
	var ups []pendingUpdate
	for _, c := range ok {
		var co roster.Company
		if err := json.Unmarshal(c.Before, &co); err != nil {
			return err
		}
		restored[roster.UndoNote{Kind: c.Kind, RecordID: c.RecordID}] = true
		if !s.setBased(tx) {
			if err := s.RewriteCompany(ctx, tx, tenantID, &co); err != nil {
				return err
			}
			continue
		}
		ups = append(ups, pendingUpdate{id: co.ID, row: append([]any{co.ID}, companyValues(tenantID, &co)...)})
	}
	if len(ups) == 0 {
		return nil
	}
	_, err := s.mergeUpdates(ctx, tx, tenantID, "companies", splitColumns("id, "+companyInsertColumns), ups)
	return err
}

// restoreContacts puts back the journaled contacts of ok, each without
// the memberships of companies deleted since, unless one of its emails
// now belongs to another contact (a conflict). When that other contact
// is one the chunk restores, or two of the chunk want one email, the
// outcome depends on their order: the chunk then goes one contact at a
// time, in the walk's order.
func (s *Store) restoreContacts(ctx context.Context, tx *Tx, tenantID int64, ok []roster.Change, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	if len(ok) == 0 {
		return nil
	}
	cts := make([]*roster.Contact, len(ok))
	mine := make(map[int64]bool, len(ok))
	var companies []int64
	for i, c := range ok {
		ct, err := journaledContact(c.Before)
		if err != nil {
			return err
		}
		for _, m := range ct.Companies {
			companies = append(companies, m.CompanyID)
		}
		cts[i], mine[ct.ID] = ct, true
	}
	if err := s.dropGoneCompanies(ctx, tx, tenantID, cts, companies); err != nil {
		return err
	}
	keys := make([][]string, len(cts)) // each contact's emails, as keyed
	wanted := map[string]int64{}
	for i, ct := range cts {
		for _, r := range emailRows(tenantID, ct) {
			e := r[1].(string)
			if other, dup := wanted[e]; dup && other != ct.ID {
				return s.restoreContactsInTurn(ctx, tx, tenantID, ok, cts, rep, restored)
			}
			wanted[e] = ct.ID
			keys[i] = append(keys[i], e)
		}
	}
	owners := map[string]int64{}
	if len(wanted) > 0 {
		err := queryIn(ctx, s, tx, `SELECT email, contact_id FROM contact_emails WHERE tenant_id = ? AND email`, tenantID, slices.Collect(maps.Keys(wanted)), func(r *sql.Rows) error {
			var e string
			var id int64
			if err := r.Scan(&e, &id); err != nil {
				return err
			}
			owners[e] = id
			return nil
		})
		if err != nil {
			return err
		}
	}
	for e, owner := range owners {
		if mine[owner] && wanted[e] != owner {
			return s.restoreContactsInTurn(ctx, tx, tenantID, ok, cts, rep, restored)
		}
	}
	var ups []pendingUpdate
	for i, ct := range cts {
		record := roster.UndoNote{Kind: ok[i].Kind, RecordID: ok[i].RecordID}
		taken := slices.IndexFunc(keys[i], func(e string) bool { return owners[e] != 0 && owners[e] != ct.ID })
		if taken >= 0 {
			e := keys[i][taken]
			record.Reason = fmt.Sprintf("email %s already belongs to contact %d", e, owners[e])
			rep.Conflicts = append(rep.Conflicts, record)
			continue
		}
		restored[record] = true
		ups = append(ups, contactUpdate(tenantID, ct, 0))
	}
	if !s.setBased(tx) {
		for _, u := range ups {
			if err := s.rewriteRow(ctx, tx, tenantID, "contacts", contactRewriteColumns, u, nil); err != nil {
				return err
			}
		}
		return nil
	}
	if len(ups) == 0 {
		return nil
	}
	links, err := s.mergeUpdates(ctx, tx, tenantID, "contacts", contactRewriteColumns, ups)
	if err != nil {
		return err
	}
	if err := s.insertRows(ctx, tx, "contact_emails", emailColumns, links[0]); err != nil {
		return err
	}
	return s.insertRows(ctx, tx, "memberships", membershipColumns, links[1])
}

// dropGoneCompanies removes from cts the memberships of companies (their
// ids) that no longer exist.
func (s *Store) dropGoneCompanies(ctx context.Context, tx *Tx, tenantID int64, cts []*roster.Contact, companies []int64) error {
	if len(companies) == 0 {
		return nil
	}
	exists := map[int64]bool{}
	for start := 0; start < len(companies); start += undoChunk {
		err := queryIn(ctx, s, tx, `SELECT id FROM companies WHERE tenant_id = ? AND id`, tenantID, companies[start:min(start+undoChunk, len(companies))], func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			exists[id] = true
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, ct := range cts {
		kept := ct.Companies[:0]
		for _, m := range ct.Companies {
			if exists[m.CompanyID] {
				kept = append(kept, m)
			}
		}
		ct.Companies = kept
	}
	return nil
}

// restoreContactsInTurn restores ok's contacts one at a time, each
// checked against the emails of those restored before it.
func (s *Store) restoreContactsInTurn(ctx context.Context, tx *Tx, tenantID int64, ok []roster.Change, cts []*roster.Contact, rep *roster.UndoReport, restored map[roster.UndoNote]bool) error {
	for i, ct := range cts {
		record := roster.UndoNote{Kind: ok[i].Kind, RecordID: ok[i].RecordID}
		if err := s.checkEmails(ctx, tx, tenantID, ct.ID, ct.Emails()); err != nil {
			if roster.ErrorCode(err) != roster.ECONFLICT {
				return err
			}
			record.Reason = roster.ErrorMessage(err)
			rep.Conflicts = append(rep.Conflicts, record)
			continue
		}
		restored[record] = true
		if err := s.RewriteContact(ctx, tx, tenantID, ct, nil, 0); err != nil {
			return err
		}
	}
	return nil
}
