package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"
)

// pendingUpdate is a record an import batch rewrites, as it was when the
// batch asked: row is its id followed by its insert values; emails and
// memberships are a contact's new link rows.
type pendingUpdate struct {
	id                  int64
	row                 []any
	emails, memberships [][]any
}

// rewriteKeep are the insert columns an update leaves as they are.
var rewriteKeep = map[string]bool{"id": true, "tenant_id": true, "created_at": true}

// mergeUpdates writes a batch's updates of table (whose insert columns
// are columns, id first) set-based, where the dialect copies: the last
// version of each record is copied into a staging table and merged by
// one UPDATE … FROM, instead of one UPDATE per record. For contacts it
// deletes the links that changed and returns the link rows to insert
// (emails, memberships), to be written with the new records' links:
// links that stay as they were are not touched.
//
// The rows are updated in one statement, and PostgreSQL checks a unique
// key row by row: records that pass a key along (a frees an external id
// that b then takes) can collide halfway although every step of the
// batch was valid. That error is rolled back to a savepoint and the
// updates are replayed one at a time in the order they were made,
// links included.
func (s *Store) mergeUpdates(ctx context.Context, tx *Tx, tenantID int64, table string, columns []string, ups []pendingUpdate) (links [2][][]any, err error) {
	last := make(map[int64]int, len(ups))
	for i, u := range ups {
		last[u.id] = i
	}
	rows := make([][]any, 0, len(last))
	var latest []pendingUpdate
	for i, u := range ups {
		if last[u.id] == i {
			rows = append(rows, u.row)
			latest = append(latest, u)
		}
	}
	staging := "roster_" + table + "_updates"
	var set []string
	for _, c := range columns {
		if !rewriteKeep[c] {
			set = append(set, c+" = s."+c)
		}
	}
	// A temporary table lives as long as the connection; its rows only
	// as long as the transaction.
	if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS `+staging+` (LIKE `+table+`) ON COMMIT DELETE ROWS`); err != nil {
		return links, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT roster_merge`); err != nil {
		return links, err
	}
	err = s.copyRows(ctx, tx, copyJob{staging, columns, rows})
	if err == nil {
		_, err = tx.ExecContext(ctx, s.Q(`UPDATE `+table+` AS t SET `+strings.Join(set, ", ")+` FROM `+staging+` AS s
			WHERE t.tenant_id = ? AND t.id = s.id`), tenantID)
	}
	if err == nil {
		// Emptied for the batch's next merge; what is left at commit goes with it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+staging); err != nil {
			return links, err
		}
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT roster_merge`); err != nil {
			return links, err
		}
		if table == "contacts" {
			links, err = s.diffLinks(ctx, tx, tenantID, latest)
		}
		return links, err
	}
	if _, _, unique := s.Dialect.UniqueViolation(err); !unique {
		return links, err
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT roster_merge`); err != nil {
		return links, err
	}
	for _, u := range ups {
		if err := s.rewriteRow(ctx, tx, tenantID, table, columns, u, nil); err != nil {
			return links, err
		}
	}
	return links, nil
}

// linkKey is one email or membership row, to compare old links with new.
type linkKey struct {
	email            string
	contact, company int64
	position         int64
	viewAllTickets   bool
}

func emailKey(r []any) linkKey { return linkKey{email: r[1].(string), contact: r[2].(int64)} }

func membershipKey(r []any) linkKey {
	return linkKey{contact: r[1].(int64), company: r[2].(int64), position: int64(r[3].(int)), viewAllTickets: r[4].(bool)}
}

// linkTables are the tables diffLinks merges: how to read a contact's
// stored rows as keys, how to delete some, and its rows in a pendingUpdate.
var linkTables = []struct {
	read string // its columns in linkKey's order, selected by tenant and contact
	del  func(gone []linkKey) (string, []any)
	key  func([]any) linkKey
	rows func(pendingUpdate) [][]any
}{
	{
		read: `SELECT email, contact_id, 0, 0, false FROM contact_emails`,
		del: func(gone []linkKey) (string, []any) {
			emails, contacts := make([]string, len(gone)), make([]int64, len(gone))
			for i, g := range gone {
				emails[i], contacts[i] = g.email, g.contact
			}
			return `DELETE FROM contact_emails AS t USING unnest(?::text[], ?::bigint[]) AS d(email, contact_id)
				WHERE t.tenant_id = ? AND t.email = d.email AND t.contact_id = d.contact_id`, []any{emails, contacts}
		},
		key:  emailKey,
		rows: func(u pendingUpdate) [][]any { return u.emails },
	},
	{
		read: `SELECT '', contact_id, company_id, position, view_all_tickets FROM memberships`,
		del: func(gone []linkKey) (string, []any) {
			contacts, companies := make([]int64, len(gone)), make([]int64, len(gone))
			for i, g := range gone {
				contacts[i], companies[i] = g.contact, g.company
			}
			return `DELETE FROM memberships AS t USING unnest(?::bigint[], ?::bigint[]) AS d(contact_id, company_id)
				WHERE t.tenant_id = ? AND t.contact_id = d.contact_id AND t.company_id = d.company_id`, []any{contacts, companies}
		},
		key:  membershipKey,
		rows: func(u pendingUpdate) [][]any { return u.memberships },
	},
}

// diffLinks compares the stored links of updated contacts with their new
// ones (ups holds one version per contact): it deletes those that are
// gone or changed and returns the rows to insert (emails, memberships).
// A re-import that changes a contact's name leaves its links alone.
func (s *Store) diffLinks(ctx context.Context, tx *Tx, tenantID int64, ups []pendingUpdate) (links [2][][]any, err error) {
	ids := make([]int64, len(ups))
	for i, u := range ups {
		ids[i] = u.id
	}
	in, inArgs := inList(s, "contact_id", ids)
	for k, l := range linkTables {
		want := map[linkKey]bool{}
		for _, u := range ups {
			for _, r := range l.rows(u) {
				want[l.key(r)] = true
			}
		}
		have := map[linkKey]bool{}
		var gone []linkKey
		rows, err := tx.QueryContext(ctx, s.Q(l.read+` WHERE tenant_id = ? AND `+in), append([]any{tenantID}, inArgs...)...)
		if err != nil {
			return links, err
		}
		for rows.Next() {
			var key linkKey
			if err := rows.Scan(&key.email, &key.contact, &key.company, &key.position, &key.viewAllTickets); err != nil {
				rows.Close()
				return links, err
			}
			if want[key] {
				have[key] = true
			} else {
				gone = append(gone, key)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return links, err
		}
		if len(gone) > 0 {
			q, args := l.del(gone)
			if _, err := tx.ExecContext(ctx, s.Q(q), append(args, tenantID)...); err != nil {
				return links, err
			}
		}
		for _, u := range ups {
			for _, r := range l.rows(u) {
				if !have[l.key(r)] {
					links[k] = append(links[k], r)
				}
			}
		}
	}
	return links, nil
}

// contactLinks are the tables of a contact's links, with their insert
// columns: its emails, then its memberships.
var contactLinks = [2]struct{ table, columns string }{{"contact_emails", emailColumns}, {"memberships", membershipColumns}}

// deleteLinks removes a contact's rows of one of contactLinks' tables.
func (s *Store) deleteLinks(ctx context.Context, tx *Tx, tenantID int64, table string, id int64) error {
	_, err := tx.ExecContext(ctx, s.Q(`DELETE FROM `+table+` WHERE tenant_id = ? AND contact_id = ?`), tenantID, id)
	return err
}

// rewriteRow writes one pending update over its record, and a contact's
// links anew: RewriteContact, and the replay of a failed merge. With
// prev, the record as stored, it writes only the columns and the link
// tables that differ from it: SQLite rewrites the entry of every index
// on a column an UPDATE sets, changed or not, and a re-written email
// or phone dirties a page of its index at a random place, each one more
// page for the transaction to write (100k changed rows into a tenant of
// 1M took 31 s that way).
func (s *Store) rewriteRow(ctx context.Context, tx *Tx, tenantID int64, table string, columns []string, u pendingUpdate, prev *pendingUpdate) error {
	var set []string
	var args []any
	for i, c := range columns {
		if rewriteKeep[c] || prev != nil && c != "import_digest" && sameValue(prev.row[i], u.row[i]) {
			continue // the digest is always written: prev's is not known
		}
		set = append(set, c+" = ?")
		args = append(args, u.row[i])
	}
	if len(set) > 0 {
		if _, err := tx.ExecContext(ctx, s.Q(`UPDATE `+table+` SET `+strings.Join(set, ", ")+` WHERE tenant_id = ? AND id = ?`), append(args, tenantID, u.id)...); err != nil {
			return err
		}
	}
	if table != "contacts" {
		return nil
	}
	rows, was := [2][][]any{u.emails, u.memberships}, [2][][]any{}
	if prev != nil {
		was = [2][][]any{prev.emails, prev.memberships}
	}
	for i, l := range contactLinks {
		if prev != nil && sameRows(was[i], rows[i]) {
			continue
		}
		if err := s.deleteLinks(ctx, tx, tenantID, l.table, u.id); err != nil {
			return err
		}
		if err := s.insertRows(ctx, tx, l.table, l.columns, rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// sameValue compares two column values made by the same function
// (contactValues, companyValues).
func sameValue(a, b any) bool {
	if t, ok := a.(time.Time); ok {
		u, ok := b.(time.Time)
		return ok && t.Equal(u)
	}
	return a == b
}

// sameRows compares link rows made by the same function, in order.
func sameRows(a, b [][]any) bool {
	return slices.EqualFunc(a, b, func(x, y []any) bool { return slices.EqualFunc(x, y, sameValue) })
}

// setBased reports whether the batch's updates wait for flush to be
// merged set-based: where the dialect copies and t's transaction can.
func (t *importTx) setBased() bool { return t.s.setBased(t.tx) }

// pendingCreate reports whether id is among the new records of rows not yet written.
func pendingCreate(rows [][]any, id int64) bool {
	for _, r := range rows {
		if r[0] == id {
			return true
		}
	}
	return false
}
