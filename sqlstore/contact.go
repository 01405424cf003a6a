package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"roster"
	"roster/normalize"
)

const contactColumns = `id, name, first_name, last_name, email, other_emails, phone, mobile, job_title,
	external_id, username, role, language, time_zone, address, description, tags, custom, created_at, updated_at`

func scanContact(sc interface{ Scan(...any) error }) (*roster.Contact, error) {
	c := &roster.Contact{}
	var others, tags, custom string
	var ext, user sql.NullString
	err := sc.Scan(&c.ID, &c.Name, &c.FirstName, &c.LastName, &c.Email, &others, &c.Phone, &c.Mobile, &c.JobTitle,
		&ext, &user, &c.Role, &c.Language, &c.TimeZone, &c.Address, &c.Description, &tags, &custom, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.ExternalID, c.Username = ext.String, user.String
	c.OtherEmails, c.Tags, c.Custom = decodeList(others), decodeList(tags), decodeCustom(custom)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Companies = []roster.Membership{}
	return c, nil
}

// contactSearch is the text the Query filter looks in: the name and
// emails, folded as the query is (normalize.SearchFold).
func contactSearch(c *roster.Contact) string {
	return normalize.SearchFold(c.Name + " " + strings.Join(c.Emails(), " "))
}

// CreateContact validates and stores a new contact.
func (s *Store) CreateContact(ctx context.Context, tenantID int64, c *roster.Contact) error {
	canonicalEmails(c)
	return s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		if err := s.checkContact(ctx, tx, tenantID, c); err != nil {
			return err
		}
		c.CreatedAt = s.now()
		c.UpdatedAt = c.CreatedAt
		return s.InsertContact(ctx, tx, tenantID, c)
	})
}

// checkContact validates c against the tenant's fields, emails and companies.
func (s *Store) checkContact(ctx context.Context, tx *Tx, tenantID int64, c *roster.Contact) error {
	defs, err := s.listFields(ctx, tx, tenantID, roster.KindContacts)
	if err != nil {
		return err
	}
	if err := c.Validate(defs); err != nil {
		return err
	}
	if err := s.checkEmails(ctx, tx, tenantID, c.ID, c.Emails()); err != nil {
		return err
	}
	return s.checkCompanies(ctx, tx, tenantID, c.Companies)
}

// checkEmails reports the first email another contact of the tenant already
// has, naming that contact, before the unique index would refuse it blindly.
func (s *Store) checkEmails(ctx context.Context, tx *Tx, tenantID, selfID int64, emails []string) error {
	if len(emails) == 0 {
		return nil
	}
	args := []any{tenantID, selfID}
	for _, e := range emails {
		args = append(args, e)
	}
	var email string
	var other int64
	err := tx.QueryRowContext(ctx, s.Q(`SELECT email, contact_id FROM contact_emails
		WHERE tenant_id = ? AND contact_id <> ? AND email IN (`+placeholders(len(emails))+`) LIMIT 1`), args...).Scan(&email, &other)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	return roster.Errorf(roster.ECONFLICT, "email %s already belongs to contact %d", email, other).
		With("field", "email").With("value", email).With("contact_id", other)
}

// checkCompanies makes sure every membership names a company of this tenant
// and fills in the company names.
func (s *Store) checkCompanies(ctx context.Context, tx *Tx, tenantID int64, ms []roster.Membership) error {
	if len(ms) == 0 {
		return nil
	}
	args := []any{tenantID}
	for _, m := range ms {
		args = append(args, m.CompanyID)
	}
	rows, err := tx.QueryContext(ctx, s.Q(`SELECT id, name FROM companies WHERE tenant_id = ? AND id IN (`+placeholders(len(ms))+`)`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, m := range ms {
		name, ok := names[m.CompanyID]
		if !ok {
			return roster.Errorf(roster.EINVALID, "company %d not found", m.CompanyID).With("field", "companies")
		}
		ms[i].CompanyName = name
	}
	return nil
}

// contactInsertColumns and contactValues are one contact row as written,
// shared by the single insert and the import's bulk insert.
const contactInsertColumns = `tenant_id, name, first_name, last_name, email, other_emails, phone, mobile, job_title,
	external_id, username, role, language, time_zone, address, description, tags, tag_keys, custom, search, created_at, updated_at,
	import_digest`

// contactValues appends to dst the values of c's row, in the order of
// contactInsertColumns (an import's rows start with the id: appending
// spares them a second copy). It writes row as the contact's import
// digest: every write outside an import row passes 0 and so clears it.
func contactValues(dst []any, tenantID int64, c *roster.Contact, row roster.Digest) []any {
	return append(dst, tenantID, c.Name, c.FirstName, c.LastName, c.Email, encodeList(c.OtherEmails), c.Phone, c.Mobile, c.JobTitle,
		nullable(c.ExternalID), nullable(c.Username), c.Role, c.Language, c.TimeZone, c.Address, c.Description,
		encodeList(c.Tags), tagKeys(c.Tags), encodeCustom(c.Custom), contactSearch(c), c.CreatedAt, c.UpdatedAt, digestValue(row))
}

// contactValuesWithID is the row of c with its id first.
func contactValuesWithID(id, tenantID int64, c *roster.Contact, row roster.Digest) []any {
	return contactValues(append(make([]any, 0, len(contactRewriteColumns)), id), tenantID, c, row)
}

// digestValue stores a digest in a signed 64-bit column; 0 is NULL.
func digestValue(d roster.Digest) any {
	if d == 0 {
		return nil
	}
	return int64(d)
}

// InsertContact writes a validated contact, its emails and memberships.
func (s *Store) InsertContact(ctx context.Context, tx *Tx, tenantID int64, c *roster.Contact) error {
	err := tx.QueryRowContext(ctx, s.Q(`INSERT INTO contacts (`+contactInsertColumns+`) VALUES (`+placeholders(23)+`) RETURNING id`),
		contactValues(nil, tenantID, c, 0)...).Scan(&c.ID)
	if err != nil {
		return err
	}
	return s.writeContactLinks(ctx, tx, tenantID, c)
}

// emailRows and membershipRows are a contact's link rows.
func emailRows(tenantID int64, c *roster.Contact) [][]any {
	var rows [][]any
	for _, e := range c.Emails() {
		rows = append(rows, []any{tenantID, e, c.ID})
	}
	return rows
}

func membershipRows(tenantID int64, c *roster.Contact) [][]any {
	var rows [][]any
	for i, m := range c.Companies {
		rows = append(rows, []any{tenantID, c.ID, m.CompanyID, i, m.ViewAllTickets})
	}
	return rows
}

const (
	emailColumns      = `tenant_id, email, contact_id`
	membershipColumns = `tenant_id, contact_id, company_id, position, view_all_tickets`
)

// writeContactLinks (re)writes the email index rows and memberships of c.
func (s *Store) writeContactLinks(ctx context.Context, tx *Tx, tenantID int64, c *roster.Contact) error {
	if err := s.insertRows(ctx, tx, "contact_emails", emailColumns, emailRows(tenantID, c)); err != nil {
		return err
	}
	return s.insertRows(ctx, tx, "memberships", membershipColumns, membershipRows(tenantID, c))
}

// FindContact returns one contact of the tenant.
func (s *Store) FindContact(ctx context.Context, tenantID, id int64) (*roster.Contact, error) {
	return s.findContact(ctx, s.DB, tenantID, id)
}

func (s *Store) findContact(ctx context.Context, q queryer, tenantID, id int64) (*roster.Contact, error) {
	c, err := scanContact(q.QueryRowContext(ctx, s.Q(`SELECT `+contactColumns+` FROM contacts WHERE tenant_id = ? AND id = ?`), tenantID, id))
	if err == sql.ErrNoRows {
		return nil, roster.Errorf(roster.ENOTFOUND, "contact %d not found", id)
	}
	if err != nil {
		return nil, err
	}
	if err := s.loadMemberships(ctx, q, tenantID, []*roster.Contact{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// loadMemberships fills the companies of the given contacts in one query.
func (s *Store) loadMemberships(ctx context.Context, q queryer, tenantID int64, cs []*roster.Contact) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[int64]*roster.Contact, len(cs))
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	in, args := inList(s, "m.contact_id", ids)
	rows, err := q.QueryContext(ctx, s.Q(`SELECT m.contact_id, m.company_id, c.name, m.view_all_tickets
		FROM memberships m JOIN companies c ON c.id = m.company_id
		WHERE m.tenant_id = ? AND `+in+` ORDER BY m.contact_id, m.position`), append([]any{tenantID}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var m roster.Membership
		if err := rows.Scan(&cid, &m.CompanyID, &m.CompanyName, &m.ViewAllTickets); err != nil {
			return err
		}
		byID[cid].Companies = append(byID[cid].Companies, m)
	}
	return rows.Err()
}

// UpdateContact replaces a contact's values with c's.
func (s *Store) UpdateContact(ctx context.Context, tenantID int64, c *roster.Contact) error {
	canonicalEmails(c)
	return s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		old, err := s.findContact(ctx, tx, tenantID, c.ID)
		if err != nil {
			return err
		}
		if err := s.checkContact(ctx, tx, tenantID, c); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = old.CreatedAt, s.now()
		return s.RewriteContact(ctx, tx, tenantID, c, old, 0)
	})
}

// RewriteContact writes a validated contact over the stored one with the same id.
// row is the import row's digest (0 for any other write). prev, if not
// nil, is the contact as stored: only what differs from it is written.
func (s *Store) RewriteContact(ctx context.Context, tx *Tx, tenantID int64, c, prev *roster.Contact, row roster.Digest) error {
	var was *pendingUpdate
	if prev != nil {
		p := contactUpdate(tenantID, prev, 0)
		was = &p
	}
	return s.rewriteRow(ctx, tx, tenantID, "contacts", contactRewriteColumns, contactUpdate(tenantID, c, row), was)
}

// contactRewriteColumns are the columns of contactUpdate's row.
var contactRewriteColumns = splitColumns("id, " + contactInsertColumns)

// contactUpdate is c as a rewrite writes it: its row and its links.
func contactUpdate(tenantID int64, c *roster.Contact, row roster.Digest) pendingUpdate {
	return pendingUpdate{id: c.ID, row: contactValuesWithID(c.ID, tenantID, c, row),
		emails: emailRows(tenantID, c), memberships: membershipRows(tenantID, c)}
}

// DeleteContact removes a contact with its emails and memberships.
func (s *Store) DeleteContact(ctx context.Context, tenantID, id int64) error {
	return s.inDirectoryTx(ctx, tenantID, func(tx *Tx) error {
		return s.deleteContact(ctx, tx, tenantID, id)
	})
}

func (s *Store) deleteContact(ctx context.Context, tx *Tx, tenantID, id int64) error {
	for _, l := range contactLinks {
		if err := s.deleteLinks(ctx, tx, tenantID, l.table, id); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, s.Q(`DELETE FROM contacts WHERE tenant_id = ? AND id = ?`), tenantID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return roster.Errorf(roster.ENOTFOUND, "contact %d not found", id)
	}
	return nil
}

// ListContacts returns a page of the tenant's contacts in id order.
func (s *Store) ListContacts(ctx context.Context, tenantID int64, f roster.ContactFilter) ([]*roster.Contact, string, error) {
	f.Page = f.Page.Normalize()
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	where := []string{"tenant_id = ?", "id > ?"}
	args := []any{tenantID, after}
	if f.Query != "" {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(normalize.SearchFold(strings.TrimSpace(f.Query)))+"%")
	}
	if f.Email != "" {
		where = append(where, `id IN (SELECT contact_id FROM contact_emails WHERE tenant_id = ? AND email = ?)`)
		args = append(args, tenantID, normalize.EmailKey(f.Email))
	}
	if f.Phone != "" {
		where = append(where, `(phone = ? OR mobile = ?)`)
		args = append(args, f.Phone, f.Phone)
	}
	if f.Tag != "" {
		where = append(where, `tag_keys LIKE ? ESCAPE '\'`)
		args = append(args, tagPattern(f.Tag))
	}
	if f.CompanyID != 0 {
		where = append(where, `id IN (SELECT contact_id FROM memberships WHERE tenant_id = ? AND company_id = ?)`)
		args = append(args, tenantID, f.CompanyID)
	}
	if f.ExternalID != "" {
		where = append(where, `external_id = ?`)
		args = append(args, f.ExternalID)
	}
	if f.Username != "" {
		where = append(where, `username = ?`)
		args = append(args, f.Username)
	}
	out, next, err := listPage(ctx, s, `SELECT `+contactColumns+` FROM contacts WHERE `+strings.Join(where, " AND "), args, f.Limit,
		scanContact, func(c *roster.Contact) int64 { return c.ID })
	if err != nil {
		return nil, "", err
	}
	if err := s.loadMemberships(ctx, s.DB, tenantID, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Cursors are opaque to clients; today they carry the last id seen.
func encodeCursor(id int64) string { return fmt.Sprintf("i%d", id) }

func decodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	var id int64
	if _, err := fmt.Sscanf(c, "i%d", &id); err != nil || id < 0 {
		return 0, roster.Errorf(roster.EINVALID, "invalid cursor %q", c)
	}
	return id, nil
}
