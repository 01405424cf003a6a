package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"roster"
	"roster/normalize"
)

// An email is stored, shown and keyed in one canonical form, the one
// normalize.Email gives: lower-cased, an internationalized domain in
// Unicode however it was written (jan@xn--mller-kva.de is jan@müller.de).
// The web API and the importer normalize emails before they reach the
// store; canonicalEmails does it for every other caller.

// canonicalEmails puts c's emails in their canonical form, then
// normalizes c, which drops spellings of one address given twice.
func canonicalEmails(c *roster.Contact) {
	c.Email = normalize.EmailKey(c.Email)
	for i, e := range c.OtherEmails {
		c.OtherEmails[i] = normalize.EmailKey(e)
	}
	c.Normalize()
}

// emailKeyChange is a contact_emails row whose email is not canonical.
type emailKeyChange struct {
	tenantID, contactID int64
	old, key            string
}

// canonicalEmailKeys (migration 012) rewrites the emails that databases
// from before it hold in another spelling than the canonical one (a
// punycode domain, say) to the canonical one, in contact_emails and in the
// contacts that hold them. It never fails on the data and loses nothing:
//
//   - a contact holding two spellings of one address keeps one, canonical;
//   - an address two contacts held in two spellings stays with the contact
//     that already held it canonically, or else the one with the lower id;
//     the other contact is left exactly as it was, its email and its key
//     in the old spelling: no import or look-up finds it by that address
//     any more (the address is the first contact's), and saving it through
//     the API reports the conflict, naming the contact that has it. Each
//     such contact is logged as a warning, with the one that kept the
//     address.
//
// Rewritten contacts keep updated_at (the mailbox did not change) and lose
// their import digest, as any write outside an import does.
func canonicalEmailKeys(ctx context.Context, s *Store, tx *Tx) error {
	var changes []emailKeyChange
	rows, err := tx.QueryContext(ctx, `SELECT tenant_id, email, contact_id FROM contact_emails`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c emailKeyChange
		if err := rows.Scan(&c.tenantID, &c.old, &c.contactID); err != nil {
			rows.Close()
			return err
		}
		if c.key = normalize.EmailKey(c.old); c.key != c.old {
			changes = append(changes, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Of the contacts that would take one key, the lowest id comes first.
	slices.SortFunc(changes, func(a, b emailKeyChange) int {
		return cmp.Or(cmp.Compare(a.tenantID, b.tenantID), cmp.Compare(a.key, b.key), cmp.Compare(a.contactID, b.contactID))
	})
	for _, c := range changes {
		var holder int64
		err := tx.QueryRowContext(ctx, s.Q(`SELECT contact_id FROM contact_emails WHERE tenant_id = ? AND email = ?`), c.tenantID, c.key).Scan(&holder)
		switch {
		case err == sql.ErrNoRows:
			_, err = tx.ExecContext(ctx, s.Q(`UPDATE contact_emails SET email = ? WHERE tenant_id = ? AND email = ?`), c.key, c.tenantID, c.old)
		case err != nil:
		case holder == c.contactID:
			_, err = tx.ExecContext(ctx, s.Q(`DELETE FROM contact_emails WHERE tenant_id = ? AND email = ?`), c.tenantID, c.old)
		default:
			// Another contact has the address: leave this one as it is,
			// and say so, for the admin to merge or correct the two.
			s.logger().Warn("migration 012: an email address two contacts held in two spellings stays with one; the other is left as it was",
				"tenant", c.tenantID, "contact", c.contactID, "email", c.old, "kept_by_contact", holder, "address", c.key)
			continue
		}
		if err != nil {
			return err
		}
		if err := s.respellEmail(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// respellEmail writes c's key over its old spelling in the contact that
// holds it, and its search text with it.
func (s *Store) respellEmail(ctx context.Context, tx *Tx, c emailKeyChange) error {
	ct := &roster.Contact{}
	var others string
	err := tx.QueryRowContext(ctx, s.Q(`SELECT name, email, other_emails FROM contacts WHERE tenant_id = ? AND id = ?`), c.tenantID, c.contactID).
		Scan(&ct.Name, &ct.Email, &others)
	if err != nil {
		return err
	}
	ct.OtherEmails = decodeList(others)
	if ct.Email == c.old {
		ct.Email = c.key
	}
	for i, e := range ct.OtherEmails {
		if e == c.old {
			ct.OtherEmails[i] = c.key
		}
	}
	// Drop the second spelling of one address, as Contact.Normalize does.
	seen := map[string]bool{ct.Email: true}
	ct.OtherEmails = slices.DeleteFunc(ct.OtherEmails, func(e string) bool {
		dup := seen[e]
		seen[e] = true
		return dup
	})
	_, err = tx.ExecContext(ctx, s.Q(`UPDATE contacts SET email = ?, other_emails = ?, search = ?, import_digest = NULL WHERE tenant_id = ? AND id = ?`),
		ct.Email, encodeList(ct.OtherEmails), contactSearch(ct), c.tenantID, c.contactID)
	return err
}
