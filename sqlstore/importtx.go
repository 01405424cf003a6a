package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"roster"
)

// ImportBatch runs fn in one transaction over an importTx.
func (s *Store) ImportBatch(ctx context.Context, tenantID, importID int64, fn func(tx roster.ImportTx) error) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return fn(&importTx{s: s, ctx: ctx, tx: tx, tenantID: tenantID, importID: importID, now: s.now()})
	})
}

// importTx implements roster.ImportTx over one transaction.
type importTx struct {
	s        *Store
	ctx      context.Context
	tx       *Tx
	tenantID int64
	importID int64
	now      time.Time
}

var _ roster.ImportTx = (*importTx)(nil)

func (t *importTx) Now() time.Time { return t.now }

func (t *importTx) exec(query string, args ...any) error {
	_, err := t.tx.ExecContext(t.ctx, t.s.Q(query), args...)
	return err
}

// lookupChunk bounds IN lists well below both databases' parameter limits.
const lookupChunk = 500

// lookup runs query (which ends in "IN (") for keys in chunks, calling scan per row.
func lookup[K any](t *importTx, query string, keys []K, scan func(*sql.Rows) error) error {
	for start := 0; start < len(keys); start += lookupChunk {
		chunk := keys[start:min(start+lookupChunk, len(keys))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, t.tenantID)
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := t.tx.QueryContext(t.ctx, t.s.Q(query+placeholders(len(chunk))+")"), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (t *importTx) idsBy(query string, keys []string) (map[string]int64, error) {
	out := make(map[string]int64, len(keys))
	err := lookup(t, query, keys, func(r *sql.Rows) error {
		var k string
		var id int64
		if err := r.Scan(&k, &id); err != nil {
			return err
		}
		out[k] = id
		return nil
	})
	return out, err
}

func (t *importTx) ContactIDsByEmail(emails []string) (map[string]int64, error) {
	return t.idsBy(`SELECT email, contact_id FROM contact_emails WHERE tenant_id = ? AND email IN (`, emails)
}

func (t *importTx) ContactIDsByExternalID(ids []string) (map[string]int64, error) {
	return t.idsBy(`SELECT external_id, id FROM contacts WHERE tenant_id = ? AND external_id IN (`, ids)
}

func (t *importTx) ContactIDsByUsername(names []string) (map[string]int64, error) {
	return t.idsBy(`SELECT username, id FROM contacts WHERE tenant_id = ? AND username IN (`, names)
}

// ContactIDsByPhone finds contacts whose phone or mobile is one of phones, in id order.
func (t *importTx) ContactIDsByPhone(phones []string) (map[string][]int64, error) {
	out := map[string][]int64{}
	add := func(r *sql.Rows) error {
		var p string
		var id int64
		if err := r.Scan(&p, &id); err != nil {
			return err
		}
		for _, x := range out[p] {
			if x == id {
				return nil
			}
		}
		out[p] = append(out[p], id)
		return nil
	}
	if err := lookup(t, `SELECT phone, id FROM contacts WHERE tenant_id = ? AND phone <> '' AND phone IN (`, phones, add); err != nil {
		return nil, err
	}
	if err := lookup(t, `SELECT mobile, id FROM contacts WHERE tenant_id = ? AND mobile <> '' AND mobile IN (`, phones, add); err != nil {
		return nil, err
	}
	for _, ids := range out {
		sortIDs(ids)
	}
	return out, nil
}

func sortIDs(ids []int64) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// Contacts loads full contacts, memberships included.
func (t *importTx) Contacts(ids []int64) (map[int64]*roster.Contact, error) {
	out := make(map[int64]*roster.Contact, len(ids))
	var list []*roster.Contact
	err := lookup(t, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = ? AND id IN (`, ids, func(r *sql.Rows) error {
		c, err := scanContact(r)
		if err != nil {
			return err
		}
		out[c.ID] = c
		list = append(list, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(list); start += lookupChunk {
		if err := t.s.loadMemberships(t.ctx, t.tx, t.tenantID, list[start:min(start+lookupChunk, len(list))]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *importTx) companiesBy(query string, keys []string, key func(*roster.Company) string) (map[string]*roster.Company, error) {
	out := make(map[string]*roster.Company, len(keys))
	err := lookup(t, `SELECT `+companyColumns+` FROM companies WHERE tenant_id = ? AND `+query, keys, func(r *sql.Rows) error {
		c, err := scanCompany(r)
		if err != nil {
			return err
		}
		out[key(c)] = c
		return nil
	})
	return out, err
}

func (t *importTx) CompaniesByName(names []string) (map[string]*roster.Company, error) {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = roster.NameKey(n)
	}
	return t.companiesBy(`name_key IN (`, keys, func(c *roster.Company) string { return roster.NameKey(c.Name) })
}

func (t *importTx) CompaniesByExternalID(ids []string) (map[string]*roster.Company, error) {
	return t.companiesBy(`external_id IN (`, ids, func(c *roster.Company) string { return c.ExternalID })
}

func (t *importTx) CreateContact(c *roster.Contact) error {
	return t.s.InsertContact(t.ctx, t.tx, t.tenantID, c)
}

func (t *importTx) UpdateContact(c *roster.Contact) error {
	return t.s.RewriteContact(t.ctx, t.tx, t.tenantID, c)
}

func (t *importTx) DeleteContact(id int64) error {
	return t.s.deleteContact(t.ctx, t.tx, t.tenantID, id)
}

func (t *importTx) CreateCompany(c *roster.Company) error {
	return t.s.InsertCompany(t.ctx, t.tx, t.tenantID, c)
}

func (t *importTx) UpdateCompany(c *roster.Company) error {
	return t.s.RewriteCompany(t.ctx, t.tx, t.tenantID, c)
}

// Journal records changes, failed rows and the progress checkpoint.
func (t *importTx) Journal(changes []roster.Change, failed []roster.FailedRow, counts roster.ImportCounts) error {
	for _, c := range changes {
		var before any
		if c.Before != nil {
			before = string(c.Before)
		}
		if err := t.exec(`INSERT INTO import_changes (import_id, row, kind, record_id, action, before, after_at) VALUES (?,?,?,?,?,?,?)`,
			t.importID, c.Row, string(c.Kind), c.RecordID, c.Action, before, c.After); err != nil {
			return err
		}
	}
	for _, f := range failed {
		cells, _ := json.Marshal(f.Cells)
		errs, _ := json.Marshal(f.Errors)
		if err := t.exec(`INSERT INTO import_errors (import_id, row, cells, errors) VALUES (?,?,?,?)`,
			t.importID, f.Row, string(cells), string(errs)); err != nil {
			return err
		}
	}
	b, _ := json.Marshal(counts)
	return t.exec(`UPDATE imports SET counts = ? WHERE id = ?`, string(b), t.importID)
}
