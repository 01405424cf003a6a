package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"

	"roster"
)

// dryTx is a dry run's batch: it reads the directory as it is and writes
// what the import would do to dry_records and dry_keys (migration 006)
// instead. Each look-up reads both and checks every key found against the
// record's latest state there, so a row sees what earlier rows and earlier
// batches would have done. Like a real import, each batch commits, with its
// checkpoint: a dry run holds SQLite's write lock one batch at a time, can
// be resumed, and keeps no more in memory than one batch.
type dryTx struct {
	*importTx
	nextID int64 // the next id for a record the dry run creates (newID)

	contacts  map[int64]*roster.Contact // states known in this batch; nil: removed
	companies map[int64]*roster.Company
	pending   [][]any        // dry_records rows to write
	keys      [][]any        // dry_keys rows to write
	written   map[dryRef]int // the index in pending of each record written
}

type dryRef struct {
	kind roster.Kind
	id   int64
}

func newDryTx(t *importTx) *dryTx {
	return &dryTx{importTx: t, contacts: map[int64]*roster.Contact{}, companies: map[int64]*roster.Company{}}
}

// Kinds of dry_keys.
const (
	dryEmail      = "email"
	dryPhone      = "phone"
	dryExternalID = "external_id"
	dryUsername   = "username"
	dryCompany    = "company_name"
	dryCompanyExt = "company_external_id"
)

var _ roster.ImportTx = (*dryTx)(nil)

// write stores the batch's pending states and keys.
func (t *dryTx) write() error {
	if len(t.pending) == 0 && len(t.keys) == 0 {
		return nil
	}
	if err := t.upsertStates(); err != nil {
		return err
	}
	if err := t.s.insertRows(t.ctx, t.tx, "dry_keys", "import_id, kind, key, record_id", t.keys); err != nil {
		return err
	}
	t.pending, t.keys, t.written = nil, nil, nil
	return nil
}

func (t *dryTx) put(kind roster.Kind, id int64, state any, keys map[string][]string) {
	var v any
	if state != nil {
		b, _ := json.Marshal(state)
		v = string(b)
	}
	if i, ok := t.written[dryRef{kind, id}]; ok {
		t.pending[i][3] = v // written again in the same batch
	} else {
		if t.written == nil {
			t.written = map[dryRef]int{}
		}
		t.written[dryRef{kind, id}] = len(t.pending)
		t.pending = append(t.pending, []any{t.importID, string(kind), id, v})
	}
	for k, list := range keys {
		for _, key := range list {
			if key != "" {
				t.keys = append(t.keys, []any{t.importID, k, key, id})
			}
		}
	}
}

// newID is the next id for a record the dry run creates: above
// roster.DryIDs, rising as a real import's do, so that of two contacts
// sharing a phone the older still comes first. dry_records also holds the
// directory's records the dry run changed, under their own ids, which the
// next id must not follow: a record created after a change to contact 3
// got id 4, another contact's, and a later row matching that contact read
// the new one's state instead.
func (t *dryTx) newID() (int64, error) {
	if t.nextID == 0 {
		var most int64
		err := t.tx.QueryRowContext(t.ctx, t.s.Q(`SELECT COALESCE(MAX(record_id), ?) FROM dry_records WHERE import_id = ? AND record_id > ?`),
			int64(roster.DryIDs), t.importID, int64(roster.DryIDs)).Scan(&most)
		if err != nil {
			return 0, err
		}
		t.nextID = most + 1
	}
	id := t.nextID
	t.nextID++
	return id, nil
}

// upsertStates writes the pending states over those earlier batches wrote.
func (t *dryTx) upsertStates() error {
	if len(t.pending) == 0 {
		return nil
	}
	const conflict = ` ON CONFLICT (import_id, kind, record_id) DO UPDATE SET state = excluded.state`
	if t.s.Dialect.Arrays {
		ids, kinds, records, states := make([]int64, len(t.pending)), make([]string, len(t.pending)), make([]int64, len(t.pending)), make([]*string, len(t.pending))
		for i, p := range t.pending {
			ids[i], kinds[i], records[i] = p[0].(int64), p[1].(string), p[2].(int64)
			if v, ok := p[3].(string); ok {
				states[i] = &v
			}
		}
		return t.exec(`INSERT INTO dry_records (import_id, kind, record_id, state)
			SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[])`+conflict, ids, kinds, records, states)
	}
	for start := 0; start < len(t.pending); start += maxRowsPerInsert {
		part := t.pending[start:min(start+maxRowsPerInsert, len(t.pending))]
		args := make([]any, 0, 4*len(part))
		for _, p := range part {
			args = append(args, p...)
		}
		if _, err := t.tx.ExecContext(t.ctx, t.s.valuesSQL("dry_records", "import_id, kind, record_id, state", 4, len(part), 0)+conflict, args...); err != nil {
			return err
		}
	}
	return nil
}

// dryLookup reads the rows of table (dry_keys or dry_records) of this
// import and kind whose keyCol is one of keys: keyCol and valCol. On
// PostgreSQL each key is its own index probe whatever the planner's
// statistics, which lag behind a table that a dry run fills as it goes.
func dryLookup[K string | int64](t *dryTx, table, keyCol, valCol, kind string, keys []K, scan func(*sql.Rows) error) error {
	return inChunks(t.importTx, keys, func(part []K) (string, []any) {
		if t.s.Dialect.Arrays {
			// OFFSET 0 keeps the subquery a per-key probe of the index.
			return `SELECT k.v, d.` + valCol + ` FROM unnest(?::` + arrayType(part) + `) AS k(v) JOIN LATERAL (SELECT ` + valCol + ` FROM ` + table +
				` WHERE import_id = ? AND kind = ? AND ` + keyCol + ` = k.v OFFSET 0) d ON true`, []any{part, t.importID, kind}
		}
		args := make([]any, 0, len(part)+2)
		args = append(args, t.importID, kind)
		for _, k := range part {
			args = append(args, k)
		}
		return `SELECT ` + keyCol + `, ` + valCol + ` FROM ` + table + ` WHERE import_id = ? AND kind = ? AND ` + keyCol + ` IN (` + placeholders(len(part)) + `)`, args
	}, scan)
}

// ownersOf returns, for each key, the ids of records the dry run gave it.
func (t *dryTx) ownersOf(kind string, keys []string) (map[string][]int64, error) {
	if err := t.write(); err != nil {
		return nil, err
	}
	out := map[string][]int64{}
	err := dryLookup(t, "dry_keys", "key", "record_id", kind, keys, func(r *sql.Rows) error {
		var k string
		var id int64
		if err := r.Scan(&k, &id); err != nil {
			return err
		}
		if !slices.Contains(out[k], id) {
			out[k] = append(out[k], id)
		}
		return nil
	})
	return out, err
}

// loadStates reads the dry run's states of ids not yet known in this batch.
func (t *dryTx) loadStates(kind roster.Kind, ids []int64) error {
	var missing []int64
	for _, id := range ids {
		var known bool
		if kind == roster.KindContacts {
			_, known = t.contacts[id]
		} else {
			_, known = t.companies[id]
		}
		if !known {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := t.write(); err != nil {
		return err
	}
	return dryLookup(t, "dry_records", "record_id", "state", string(kind), missing, func(r *sql.Rows) error {
		var id int64
		var state sql.NullString
		if err := r.Scan(&id, &state); err != nil {
			return err
		}
		if kind == roster.KindContacts {
			var c *roster.Contact
			if state.Valid {
				c = &roster.Contact{}
				if err := json.Unmarshal([]byte(state.String), c); err != nil {
					return err
				}
			}
			t.contacts[id] = c
		} else {
			var c *roster.Company
			if state.Valid {
				c = &roster.Company{}
				if err := json.Unmarshal([]byte(state.String), c); err != nil {
					return err
				}
			}
			t.companies[id] = c
		}
		return nil
	})
}

// contactOwners merges the directory's owners of keys with the dry run's
// and keeps those whose latest state still has the key.
func (t *dryTx) contactOwners(kind string, keys []string, base map[string][]int64, has func(*roster.Contact, string) bool) (map[string][]int64, error) {
	over, err := t.ownersOf(kind, keys)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for k, l := range over {
		for _, id := range l {
			if !slices.Contains(base[k], id) {
				base[k] = append(base[k], id)
			}
		}
	}
	for _, l := range base {
		ids = append(ids, l...)
	}
	if err := t.loadStates(roster.KindContacts, ids); err != nil {
		return nil, err
	}
	out := map[string][]int64{}
	for k, l := range base {
		for _, id := range l {
			c, known := t.contacts[id]
			if !known || c != nil && has(c, k) { // unknown: the directory's, unchanged
				out[k] = append(out[k], id)
			}
		}
		slices.Sort(out[k])
	}
	return out, nil
}

func single(m map[string]int64) map[string][]int64 {
	out := make(map[string][]int64, len(m))
	for k, id := range m {
		out[k] = []int64{id}
	}
	return out
}

func first(m map[string][]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, l := range m {
		if len(l) > 0 {
			out[k] = l[0]
		}
	}
	return out
}

func (t *dryTx) ContactIDsByEmail(emails []string) (map[string]int64, error) {
	base, err := t.importTx.ContactIDsByEmail(emails)
	if err != nil {
		return nil, err
	}
	out, err := t.contactOwners(dryEmail, emails, single(base), func(c *roster.Contact, k string) bool { return slices.Contains(c.Emails(), k) })
	return first(out), err
}

func (t *dryTx) ContactIDsByPhone(phones []string) (map[string][]int64, error) {
	base, err := t.importTx.ContactIDsByPhone(phones)
	if err != nil {
		return nil, err
	}
	return t.contactOwners(dryPhone, phones, base, func(c *roster.Contact, k string) bool { return c.Phone == k || c.Mobile == k })
}

func (t *dryTx) ContactIDsByExternalID(ids []string) (map[string]int64, error) {
	base, err := t.importTx.ContactIDsByExternalID(ids)
	if err != nil {
		return nil, err
	}
	out, err := t.contactOwners(dryExternalID, ids, single(base), func(c *roster.Contact, k string) bool { return c.ExternalID == k })
	return first(out), err
}

func (t *dryTx) ContactIDsByUsername(names []string) (map[string]int64, error) {
	base, err := t.importTx.ContactIDsByUsername(names)
	if err != nil {
		return nil, err
	}
	out, err := t.contactOwners(dryUsername, names, single(base), func(c *roster.Contact, k string) bool { return c.Username == k })
	return first(out), err
}

// Contacts returns the dry run's states where it has them, else the directory's.
func (t *dryTx) Contacts(ids []int64) (map[int64]*roster.Contact, error) {
	if err := t.loadStates(roster.KindContacts, ids); err != nil {
		return nil, err
	}
	out := make(map[int64]*roster.Contact, len(ids))
	var rest []int64
	for _, id := range ids {
		if c, known := t.contacts[id]; !known {
			rest = append(rest, id)
		} else if c != nil {
			out[id] = c
		}
	}
	base, err := t.importTx.Contacts(rest)
	for id, c := range base {
		out[id] = c
	}
	return out, err
}

// companyOwners merges the directory's companies for keys with the dry
// run's, keeping those whose latest state still has the key.
func (t *dryTx) companyOwners(kind string, keys []string, base map[string]*roster.Company, key func(*roster.Company) string) (map[string]*roster.Company, error) {
	over, err := t.ownersOf(kind, keys)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range base {
		ids = append(ids, c.ID)
	}
	for _, l := range over {
		ids = append(ids, l...)
	}
	if err := t.loadStates(roster.KindCompanies, ids); err != nil {
		return nil, err
	}
	out := make(map[string]*roster.Company, len(base))
	for k, c := range base {
		if st, known := t.companies[c.ID]; !known {
			out[k] = c
		} else if st != nil && key(st) == k {
			out[k] = st
		}
	}
	for k, l := range over {
		for _, id := range l {
			if st := t.companies[id]; st != nil && key(st) == k {
				out[k] = st
			}
		}
	}
	return out, nil
}

func nameKeys(names []string) []string {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = roster.NameKey(n)
	}
	return keys
}

func companyNameKey(c *roster.Company) string { return roster.NameKey(c.Name) }
func companyExtKey(c *roster.Company) string  { return c.ExternalID }

func (t *dryTx) CompaniesByName(names []string) (map[string]*roster.Company, error) {
	base, err := t.importTx.CompaniesByName(names)
	if err != nil {
		return nil, err
	}
	return t.companyOwners(dryCompany, nameKeys(names), base, companyNameKey)
}

func (t *dryTx) CompaniesByExternalID(ids []string) (map[string]*roster.Company, error) {
	base, err := t.importTx.CompaniesByExternalID(ids)
	if err != nil {
		return nil, err
	}
	return t.companyOwners(dryCompanyExt, ids, base, companyExtKey)
}

func (t *dryTx) CompanyRefs(names, externalIDs []string) (map[string]*roster.Company, map[string]*roster.Company, error) {
	byName, byExt, err := t.importTx.CompanyRefs(names, externalIDs)
	if err != nil {
		return nil, nil, err
	}
	if byName, err = t.companyOwners(dryCompany, nameKeys(names), byName, companyNameKey); err != nil {
		return nil, nil, err
	}
	byExt, err = t.companyOwners(dryCompanyExt, externalIDs, byExt, companyExtKey)
	return byName, byExt, err
}

func contactKeys(c *roster.Contact) map[string][]string {
	return map[string][]string{
		dryEmail: c.Emails(), dryPhone: {c.Phone, c.Mobile},
		dryExternalID: {c.ExternalID}, dryUsername: {c.Username},
	}
}

func companyKeys(c *roster.Company) map[string][]string {
	return map[string][]string{dryCompany: {roster.NameKey(c.Name)}, dryCompanyExt: {c.ExternalID}}
}

func (t *dryTx) CreateContact(c *roster.Contact, _ roster.Digest) error {
	id, err := t.newID()
	if err != nil {
		return err
	}
	c.ID = id
	return t.UpdateContact(c, nil, 0)
}

// KeepContact writes nothing: a dry run leaves the directory alone.
func (t *dryTx) KeepContact(int64, roster.Digest) error { return nil }

// ContactStamps are the directory's, for the contacts the dry run has
// not written; a state it wrote has no digest. (EachEmail is the
// directory's: the importer checks what it finds there with this.)
func (t *dryTx) ContactStamps(ids []int64) (map[int64]roster.ContactStamp, error) {
	if err := t.loadStates(roster.KindContacts, ids); err != nil {
		return nil, err
	}
	var rest []int64
	out := map[int64]roster.ContactStamp{}
	for _, id := range ids {
		c, known := t.contacts[id]
		switch {
		case !known:
			rest = append(rest, id)
		case c != nil:
			out[id] = roster.ContactStamp{Emails: c.Emails()}
		}
	}
	base, err := t.importTx.ContactStamps(rest)
	maps.Copy(out, base)
	return out, err
}

func (t *dryTx) UpdateContact(c, _ *roster.Contact, _ roster.Digest) error {
	t.contacts[c.ID] = c
	t.put(roster.KindContacts, c.ID, c, contactKeys(c))
	return nil
}

func (t *dryTx) DeleteContact(id int64) error {
	t.contacts[id] = nil
	t.put(roster.KindContacts, id, nil, nil)
	return nil
}

func (t *dryTx) CreateCompany(c *roster.Company) error {
	id, err := t.newID()
	if err != nil {
		return err
	}
	c.ID = id
	return t.UpdateCompany(c)
}

func (t *dryTx) UpdateCompany(c *roster.Company) error {
	t.companies[c.ID] = c
	t.put(roster.KindCompanies, c.ID, c, companyKeys(c))
	return nil
}

// Journal keeps the dry run's states, failed rows and checkpoint; it has
// no changes to journal, as there is nothing to undo.
func (t *dryTx) Journal(_ []roster.Change, failed []roster.FailedRow, counts roster.ImportCounts) error {
	if err := t.write(); err != nil {
		return err
	}
	return t.importTx.Journal(nil, failed, counts)
}

// dropDryRun deletes what a dry run kept once it has ended.
func (s *Store) dropDryRun(ctx context.Context, q queryer, importID int64) error {
	for _, table := range []string{"dry_keys", "dry_records"} {
		if _, err := q.ExecContext(ctx, s.Q(`DELETE FROM `+table+` WHERE import_id = ?`), importID); err != nil {
			return err
		}
	}
	return nil
}
