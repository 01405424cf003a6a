package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"roster"
)

// ImportBatch runs fn in one transaction over an importTx.
func (s *Store) ImportBatch(ctx context.Context, tenantID, importID int64, holder string, lease time.Duration, fn func(tx roster.ImportTx) error) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return s.importBatch(ctx, tx, tenantID, importID, holder, lease, fn)
	})
}

// importBatch runs one batch of an import in tx (see ImportBatch).
func (s *Store) importBatch(ctx context.Context, tx *Tx, tenantID, importID int64, holder string, lease time.Duration, fn func(tx roster.ImportTx) error) error {
	var writes int64
	var dry bool
	if s.Dialect.BatchSetup != "" {
		if _, err := tx.ExecContext(ctx, s.Dialect.BatchSetup); err != nil {
			return err
		}
	}
	if l := tx.lock; importID > 0 && l != nil && l.importID == importID && l.holder == holder {
		// A later batch of a group on SQLite: the transaction has held
		// the database's write lock since the first batch checked the
		// import lock and extended its lease, so no one can have taken
		// the lock over or counted a write since. Not asking again lets
		// this batch begin while the last one's rows are still being
		// written (Tx.later).
		writes, dry = l.writes, l.dry
	} else if importID > 0 {
		// The UPDATE also row-locks the lock on PostgreSQL: a worker
		// taking over an expired lease waits for this batch to commit
		// and then resumes after it. The journal says whether this is
		// a dry run, so a dry run's batch can never write to the
		// directory.
		now := s.now()
		err := tx.QueryRowContext(ctx, s.Q(`UPDATE import_locks SET heartbeat_at = ?, expires_at = ?
			WHERE tenant_id = ? AND import_id = ? AND holder = ?
			RETURNING writes, (SELECT dry_run FROM imports WHERE id = ?)`), now, now.Add(lease), tenantID, importID, holder, importID).Scan(&writes, &dry)
		if err == sql.ErrNoRows {
			return roster.Errorf(roster.ELOCKLOST, "import #%d no longer holds the import lock", importID)
		}
		if err != nil {
			return err
		}
		if s.Dialect.OneWriter {
			tx.lock = &importLock{importID: importID, holder: holder, writes: writes, dry: dry}
		}
	}
	it := &importTx{s: s, ctx: ctx, tx: tx, tenantID: tenantID, importID: importID, now: s.now(), writes: writes}
	var itx roster.ImportTx = it
	if dry {
		itx = newDryTx(it)
	}
	if err := fn(itx); err != nil {
		return err
	}
	if d, ok := itx.(*dryTx); ok {
		if err := d.write(); err != nil {
			return err
		}
	}
	if err := it.flush(); err != nil {
		return err
	}
	it.giveBackIDs()
	s.wrote(ctx, it.created)
	return nil
}

// importLock is the import lock as a transaction's first batch found it.
type importLock struct {
	importID int64
	holder   string
	writes   int64
	dry      bool
}

// importTx implements roster.ImportTx over one transaction. New records
// get reserved ids at once and are written in multi-row inserts when the
// batch needs them in the database (before an update, a delete or the
// journal) or takes its next pool of ids: one statement for hundreds of
// rows instead of one each.
type importTx struct {
	s        *Store
	ctx      context.Context
	tx       *Tx
	tenantID int64
	importID int64
	now      time.Time
	writes   int64 // the lock's count of outside writes as the batch began

	ids map[string][]int64 // reserved, unused ids per table

	contacts, companies, emails, memberships [][]any // rows to insert
	created                                  int     // contacts and companies created

	// Updates to merge set-based at the next flush, in the order made,
	// where the dialect copies (see mergeUpdates).
	contactUpdates, companyUpdates []pendingUpdate

	// Digests of rows that left their contact as it was, written at the
	// next flush; a later write of the contact in the batch drops its entry.
	keeps map[int64]roster.Digest
}

// idPool is how many ids one reservation takes. On PostgreSQL, where
// each reservation is a round trip and starts a COPY of the rows made
// since the last, 2048 (about one an import batch of 2000 rows) took
// 1M new contacts in 48.4-49.3 s, against 50.6-53.7 s with 512; on
// SQLite, which reserves once a transaction, it changed nothing.
const idPool = 2048

func (t *importTx) nextID(table string) (int64, error) {
	if len(t.ids[table]) == 0 {
		if err := t.reserve(table); err != nil {
			return 0, err
		}
	}
	id := t.ids[table][0]
	t.ids[table] = t.ids[table][1:]
	return id, nil
}

// reserve takes the next idPool ids of table, and starts writing the
// rows pending. PostgreSQL takes ids from its sequences on a connection
// of their own, and never waits: the batch goes on while its rows are
// copied. SQLite reserves after the highest id written, so its first
// reservation in a transaction waits for them; the transaction then
// holds SQLite's write lock, and the ids after those it handed out are
// free: later reservations need no statement, and the rows go on being
// written meanwhile (Tx.later).
func (t *importTx) reserve(table string) error {
	if err := t.flush(); err != nil {
		return err
	}
	if t.ids == nil {
		t.ids = map[string][]int64{}
	}
	if !t.s.Dialect.OneWriter {
		ids, err := t.s.Dialect.ReserveIDs(t.ctx, t.tx.Tx, table, idPool)
		t.ids[table] = ids
		return err
	}
	if next, ok := t.tx.nextIDs[table]; ok {
		ids := make([]int64, idPool)
		for i := range ids {
			ids[i] = next + int64(i)
		}
		t.ids[table] = ids
		t.tx.nextIDs[table] = next + idPool
		return nil
	}
	if err := t.tx.wait(); err != nil {
		return err
	}
	ids, err := t.s.Dialect.ReserveIDs(t.ctx, t.tx.Tx, table, idPool)
	if err != nil {
		return err
	}
	t.ids[table] = ids
	if t.tx.nextIDs == nil {
		t.tx.nextIDs = map[string]int64{}
	}
	t.tx.nextIDs[table] = ids[len(ids)-1] + 1
	return nil
}

// giveBackIDs returns the ids the batch reserved and did not use to its
// transaction, for the next batch of its group: SQLite's ids stay
// consecutive.
func (t *importTx) giveBackIDs() {
	for table, ids := range t.ids {
		if _, ok := t.tx.nextIDs[table]; ok && len(ids) > 0 {
			t.tx.nextIDs[table] = ids[0]
		}
	}
	clear(t.ids)
}

// flush writes each table's pending updates, then its new records:
// companies, then contacts, then their links. A table's updates go before
// its new records because one may free a key a new record takes; after
// the tables before it, because an updated contact's new memberships may
// name a company the batch creates. A contact's old links are gone
// before any new link is written.
//
// Where the dialect copies, the new records and links are copied while
// the batch goes on (copyAsync); on SQLite they are inserted so, as
// writes in flight (Tx.later). Either way the importer builds its next
// rows meanwhile, and the next statement of the batch waits for them.
func (t *importTx) flush() error {
	pending := []struct {
		table, columns string
		rows           *[][]any
		updates        *[]pendingUpdate
	}{
		{"companies", "id, " + companyInsertColumns, &t.companies, &t.companyUpdates},
		{"contacts", "id, " + contactInsertColumns, &t.contacts, &t.contactUpdates},
		{"contact_emails", emailColumns, &t.emails, nil},
		{"memberships", membershipColumns, &t.memberships, nil},
	}
	if t.setBased() {
		var jobs []copyJob
		for _, p := range pending {
			if p.updates != nil && len(*p.updates) > 0 {
				// The merge's statements wait for the copies started here.
				if err := t.s.copyAsync(t.ctx, t.tx, jobs); err != nil {
					return err
				}
				jobs = nil
				links, err := t.s.mergeUpdates(t.ctx, t.tx, t.tenantID, p.table, splitColumns(p.columns), *p.updates)
				if err != nil {
					return err
				}
				t.emails, t.memberships = append(t.emails, links[0]...), append(t.memberships, links[1]...)
				*p.updates = (*p.updates)[:0]
			}
			if len(*p.rows) > 0 {
				jobs = append(jobs, copyJob{p.table, splitColumns(p.columns), *p.rows})
				*p.rows = nil // the copy owns them now
			}
		}
		if err := t.s.copyAsync(t.ctx, t.tx, jobs); err != nil {
			return err
		}
	} else {
		for _, p := range pending {
			if t.tx.held != nil && t.tx.held.hold(p.table, *p.rows) {
				*p.rows = nil // held: the group owns them now
				continue
			}
			if err := t.s.insertLater(t.ctx, t.tx, p.table, p.columns, *p.rows); err != nil {
				return err
			}
			*p.rows = nil // the write in flight owns them now
		}
	}
	// Last: a kept contact may be one the batch created.
	return t.writeKeeps()
}

var _ roster.ImportTx = (*importTx)(nil)

func (t *importTx) Now() time.Time { return t.now }

func (t *importTx) exec(query string, args ...any) error {
	_, err := t.tx.ExecContext(t.ctx, t.s.Q(query), args...)
	return err
}

// lookupChunk bounds IN lists well below both databases' parameter limits.
const lookupChunk = 500

// lookup runs query, which ends in the column to look up, for keys
// (inList, in chunks where the database takes no arrays), calling scan
// for each row. Pending writes go first so reads see them.
func lookup[K string | int64](t *importTx, query string, keys []K, scan func(*sql.Rows) error) error {
	if err := t.flush(); err != nil {
		return err
	}
	return inChunks(t, keys, func(part []K) (string, []any) {
		q, args := inList(t.s, query, part)
		return q, append([]any{t.tenantID}, args...)
	}, scan)
}

// inChunks runs the query build makes for each chunk of keys (all of them
// at once where the database takes arrays), calling scan for each row.
func inChunks[K string | int64](t *importTx, keys []K, build func(part []K) (string, []any), scan func(*sql.Rows) error) error {
	chunk := lookupChunk
	if t.s.Dialect.Arrays {
		chunk = len(keys)
	}
	for start := 0; start < len(keys); start += chunk {
		q, args := build(keys[start:min(start+chunk, len(keys))])
		if err := t.scanRows(q, args, scan); err != nil {
			return err
		}
	}
	return nil
}

// scanRows runs query and calls scan for each row.
func (t *importTx) scanRows(query string, args []any, scan func(*sql.Rows) error) error {
	return t.s.scanRows(t.ctx, t.tx, query, args, scan)
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
	if err := t.flush(); err != nil { // it may hold the batch's pending emails
		return nil, err
	}
	h := t.tx.held
	if h == nil || len(h.owners) == 0 {
		return t.idsBy(emailLookup, emails)
	}
	// Emails are unique in a tenant: one is held or in the table.
	var held, rest []string
	for _, e := range emails {
		if _, ok := h.owners[e]; ok {
			held = append(held, e)
		} else {
			rest = append(rest, e)
		}
	}
	found, err := t.idsBy(emailLookup, rest)
	for _, e := range held {
		found[e] = h.owners[e]
	}
	return found, err
}

func (t *importTx) EachEmail(fn func(email string, contactID int64) bool) error {
	return t.each(`SELECT email, contact_id FROM contact_emails WHERE tenant_id = ?`, fn)
}

func (t *importTx) EachExternalID(fn func(externalID string, contactID int64) bool) error {
	return t.each(`SELECT external_id, id FROM contacts WHERE tenant_id = ? AND external_id IS NOT NULL`, fn)
}

// each calls fn with each key and id that query, taking the tenant,
// finds, until fn returns false.
func (t *importTx) each(query string, fn func(key string, id int64) bool) error {
	if err := t.flush(); err != nil {
		return err
	}
	var k string
	var id int64
	stop := errors.New("stop")
	err := t.scanRows(query, []any{t.tenantID}, func(r *sql.Rows) error {
		if err := r.Scan(&k, &id); err != nil {
			return err
		}
		if !fn(k, id) {
			return stop
		}
		return nil
	})
	if err == stop {
		return nil
	}
	return err
}

func (t *importTx) ContactIDsByExternalID(ids []string) (map[string]int64, error) {
	return t.idsBy(`SELECT external_id, id FROM contacts WHERE tenant_id = ? AND external_id`, ids)
}

func (t *importTx) ContactIDsByUsername(names []string) (map[string]int64, error) {
	return t.idsBy(`SELECT username, id FROM contacts WHERE tenant_id = ? AND username`, names)
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
	if err := lookup(t, `SELECT phone, id FROM contacts WHERE tenant_id = ? AND phone <> '' AND phone`, phones, add); err != nil {
		return nil, err
	}
	if err := lookup(t, `SELECT mobile, id FROM contacts WHERE tenant_id = ? AND mobile <> '' AND mobile`, phones, add); err != nil {
		return nil, err
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out, nil
}

// Contacts loads full contacts, memberships included.
func (t *importTx) Contacts(ids []int64) (map[int64]*roster.Contact, error) {
	out := make(map[int64]*roster.Contact, len(ids))
	var list []*roster.Contact
	// tenant_id + 0: with hundreds of ids SQLite would otherwise walk the
	// tenant's index instead of looking each id up by primary key.
	err := lookup(t, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id + 0 = ? AND id`, ids, func(r *sql.Rows) error {
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
	return t.companiesBy(`name_key`, keys, func(c *roster.Company) string { return roster.NameKey(c.Name) })
}

func (t *importTx) CompaniesByExternalID(ids []string) (map[string]*roster.Company, error) {
	return t.companiesBy(`external_id`, ids, func(c *roster.Company) string { return c.ExternalID })
}

func (t *importTx) CreateContact(c *roster.Contact, row roster.Digest) error {
	id, err := t.nextID("contacts")
	if err != nil {
		return err
	}
	c.ID = id
	t.created++
	t.contacts = append(t.contacts, contactValuesWithID(id, t.tenantID, c, row))
	t.emails = append(t.emails, emailRows(t.tenantID, c)...)
	t.memberships = append(t.memberships, membershipRows(t.tenantID, c)...)
	return nil
}

// UpdateContact rewrites c, at the next flush where the dialect copies.
func (t *importTx) UpdateContact(c, prev *roster.Contact, row roster.Digest) error {
	delete(t.keeps, c.ID)
	if !t.setBased() || pendingCreate(t.contacts, c.ID) {
		// A new record is written before it is updated.
		if err := t.flush(); err != nil {
			return err
		}
	}
	if !t.setBased() {
		return t.s.RewriteContact(t.ctx, t.tx, t.tenantID, c, prev, row)
	}
	t.contactUpdates = append(t.contactUpdates, contactUpdate(t.tenantID, c, row))
	return nil
}

// KeepContact stores the digest of a row that left contact id as it was,
// at the next flush. The contact's state does not change, so the order of
// this write among the batch's updates only matters for a contact the
// batch writes again later, whose entry that write drops.
func (t *importTx) KeepContact(id int64, row roster.Digest) error {
	if t.keeps == nil {
		t.keeps = map[int64]roster.Digest{}
	}
	t.keeps[id] = row
	return nil
}

func (t *importTx) writeKeeps() error {
	if len(t.keeps) == 0 {
		return nil
	}
	ids, digests := make([]int64, 0, len(t.keeps)), make([]int64, 0, len(t.keeps))
	for id, d := range t.keeps {
		ids, digests = append(ids, id), append(digests, int64(d))
	}
	clear(t.keeps)
	if err := t.tx.wait(); err != nil { // the statement below goes to the sql.Tx itself
		return err
	}
	if t.s.Dialect.Arrays {
		return t.exec(`UPDATE contacts AS c SET import_digest = k.digest FROM unnest(?::bigint[], ?::bigint[]) AS k(id, digest)
			WHERE c.tenant_id = ? AND c.id = k.id`, ids, digests, t.tenantID)
	}
	stmt, err := t.tx.PrepareContext(t.ctx, t.s.Q(`UPDATE contacts SET import_digest = ? WHERE tenant_id = ? AND id = ?`))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, id := range ids {
		if _, err := stmt.ExecContext(t.ctx, digests[i], t.tenantID, id); err != nil {
			return err
		}
	}
	return nil
}

func (t *importTx) ContactStamps(ids []int64) (map[int64]roster.ContactStamp, error) {
	out := make(map[int64]roster.ContactStamp, len(ids))
	want := func(int64) bool { return true }
	scan := func(r *sql.Rows) error {
		var id int64
		var d sql.NullInt64
		var email, others string
		if err := r.Scan(&id, &d, &email, &others); err != nil {
			return err
		}
		if !want(id) {
			return nil
		}
		st := roster.ContactStamp{Digest: roster.Digest(d.Int64)}
		if email != "" {
			st.Emails = []string{email}
		}
		st.Emails = append(st.Emails, decodeList(others)...)
		out[id] = st
		return nil
	}
	// A re-import's rows come in the order their contacts were made, so
	// a batch's ids are mostly one run of ids: one range scan reads them
	// for a third of what looking each up costs.
	if sorted, ok := denseIDs(ids); ok {
		want = func(id int64) bool { _, ok := slices.BinarySearch(sorted, id); return ok }
		if err := t.flush(); err != nil {
			return nil, err
		}
		err := t.scanRows(`SELECT id, import_digest, email, other_emails FROM contacts WHERE id BETWEEN ? AND ? AND tenant_id + 0 = ?`,
			[]any{sorted[0], sorted[len(sorted)-1], t.tenantID}, scan)
		return out, err
	}
	// tenant_id + 0: see Contacts.
	err := lookup(t, `SELECT id, import_digest, email, other_emails FROM contacts WHERE tenant_id + 0 = ? AND id`, ids, scan)
	return out, err
}

// denseIDs returns ids sorted, and whether they are many and fill at
// least half of the range from the first to the last.
func denseIDs(ids []int64) ([]int64, bool) {
	if len(ids) < 64 {
		return nil, false
	}
	if !slices.IsSorted(ids) {
		ids = slices.Sorted(slices.Values(ids))
	}
	return ids, ids[len(ids)-1]-ids[0] < 2*int64(len(ids))
}

func (t *importTx) DeleteContact(id int64) error {
	delete(t.keeps, id)
	if err := t.flush(); err != nil {
		return err
	}
	return t.s.deleteContact(t.ctx, t.tx, t.tenantID, id)
}

func (t *importTx) CreateCompany(c *roster.Company) error {
	id, err := t.nextID("companies")
	if err != nil {
		return err
	}
	c.ID = id
	t.companies = append(t.companies, append([]any{id}, companyValues(t.tenantID, c)...))
	return nil
}

// UpdateCompany rewrites c, at the next flush where the dialect copies.
func (t *importTx) UpdateCompany(c *roster.Company) error {
	if !t.setBased() || pendingCreate(t.companies, c.ID) {
		if err := t.flush(); err != nil {
			return err
		}
	}
	if !t.setBased() {
		return t.s.RewriteCompany(t.ctx, t.tx, t.tenantID, c)
	}
	t.companyUpdates = append(t.companyUpdates, pendingUpdate{id: c.ID, row: append([]any{c.ID}, companyValues(t.tenantID, c)...)})
	return nil
}

// Journal writes what is pending, then records changes, failed rows and
// the progress checkpoint. Every batch ends with it, dry runs excepted,
// which flush through finish.
func (t *importTx) Journal(changes []roster.Change, failed []roster.FailedRow, counts roster.ImportCounts) error {
	if err := t.flush(); err != nil {
		return err
	}
	rows := make([][]any, 0, len(changes))
	// Records the batch created are journaled as one row per kind (their
	// row numbers and ids), companies first: undo walks the journal
	// backwards and must delete contacts before the companies they joined.
	for _, kind := range []roster.Kind{roster.KindCompanies, roster.KindContacts} {
		var created [][2]int64
		var after time.Time
		for _, c := range changes {
			if c.Action == roster.ActionCreated && c.Kind == kind {
				created = append(created, [2]int64{int64(c.Row), c.RecordID})
				after = c.After
			}
		}
		if len(created) > 0 {
			b, _ := json.Marshal(created)
			rows = append(rows, []any{t.importID, 0, string(kind), int64(0), createdBatch, string(b), after})
		}
	}
	for _, c := range changes {
		if c.Action == roster.ActionCreated {
			continue
		}
		var before any
		if c.Before != nil {
			before = string(c.Before)
		}
		rows = append(rows, []any{t.importID, c.Row, string(c.Kind), c.RecordID, c.Action, before, c.After})
	}
	if err := t.s.insertLater(t.ctx, t.tx, "import_changes", "import_id, row, kind, record_id, action, before, after_at", rows); err != nil {
		return err
	}
	rows = nil
	for _, f := range failed {
		cells, _ := json.Marshal(f.Cells)
		errs, _ := json.Marshal(f.Errors)
		rows = append(rows, []any{t.importID, f.Row, string(cells), string(errs)})
	}
	if err := t.s.insertLater(t.ctx, t.tx, "import_errors", "import_id, row, cells, errors", rows); err != nil {
		return err
	}
	b, _ := json.Marshal(counts)
	q, args := t.s.Q(`UPDATE imports SET counts = ? WHERE id = ?`), []any{string(b), t.importID}
	return t.s.writeLater(t.tx, false, func(exec execFunc) error {
		_, err := exec(t.ctx, q, args...)
		return err
	})
}

// createdBatch is the journal action of a batch's created records of one
// kind: before holds [[row, id], …] and after_at their common time.
const createdBatch = "created_batch"

// CompanyRefs loads only what linking needs, not whole companies.
func (t *importTx) CompanyRefs(names, externalIDs []string) (map[string]*roster.Company, map[string]*roster.Company, error) {
	byName := make(map[string]*roster.Company, len(names))
	byExt := make(map[string]*roster.Company, len(externalIDs))
	scan := func(r *sql.Rows) error {
		c := &roster.Company{}
		var ext sql.NullString
		if err := r.Scan(&c.ID, &c.Name, &ext); err != nil {
			return err
		}
		c.ExternalID = ext.String
		byName[roster.NameKey(c.Name)] = c
		if c.ExternalID != "" {
			byExt[c.ExternalID] = c
		}
		return nil
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = roster.NameKey(n)
	}
	if err := lookup(t, `SELECT id, name, external_id FROM companies WHERE tenant_id = ? AND name_key`, keys, scan); err != nil {
		return nil, nil, err
	}
	if err := lookup(t, `SELECT id, name, external_id FROM companies WHERE tenant_id = ? AND external_id`, externalIDs, scan); err != nil {
		return nil, nil, err
	}
	return byName, byExt, nil
}
