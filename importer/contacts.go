package importer

import (
	"maps"
	"slices"

	"roster"
)

// prefetchContacts looks up, for a chunk, every contact and company its
// rows could touch. The owners of what rows match by, and the companies
// they name, come first: with them the rows that would leave their
// contact as it is are settled by digest (settleKept), and only the
// other rows' contacts are loaded.
func (b *batch) prefetchContacts(recs []*record) error {
	for _, r := range recs {
		r.kept = 0
	}
	b.keys = contactKeysOf(recs)
	// Made for the chunk's emails and contacts, rather than grown to
	// them: whether its rows are new or known, both are filled.
	b.emailOwner, b.phoneOwner = make(map[string]int64, len(b.keys.emails)), map[string][]int64{}
	b.extOwner, b.userOwner = map[string]int64{}, map[string]int64{}
	b.contacts = make(map[int64]*roster.Contact, len(recs))
	b.companyByKey, b.companyByExt = map[string]*roster.Company{}, map[string]*roster.Company{}
	b.stamps = nil
	if err := b.lookUpMatching(b.keys); err != nil {
		return err
	}
	if err := b.settleKept(recs); err != nil {
		return err
	}
	return b.lookUpRest(contactKeysOf(recs))
}

// lookupKeys are the identifiers a chunk's rows could match or link by.
type lookupKeys struct {
	emails, phones, exts, users, names, companyExts []string
}

func contactKeysOf(recs []*record) lookupKeys {
	n := 0
	for _, r := range recs {
		if !r.failed() && r.kept == 0 {
			n++
		}
	}
	if n == 0 {
		return lookupKeys{}
	}
	k := lookupKeys{emails: make([]string, 0, n), phones: make([]string, 0, 2*n), exts: make([]string, 0, 2*n),
		users: make([]string, 0, n), names: make([]string, 0, n), companyExts: make([]string, 0, n)}
	for _, r := range recs {
		if r.failed() || r.kept != 0 {
			continue
		}
		c := &r.contact
		k.emails = append(append(k.emails, c.Email), c.OtherEmails...)
		k.phones = append(k.phones, c.Phone, c.Mobile)
		k.exts = append(k.exts, c.ExternalID, salesforceAlt(c.ExternalID)) // "" is compacted away
		k.users = append(k.users, c.Username)
		for _, ref := range r.refs {
			k.names = append(k.names, ref.name)
			k.companyExts = append(k.companyExts, ref.externalID, salesforceAlt(ref.externalID))
		}
	}
	seen := make(map[string]bool, n) // one map for all six lists: a map a list was most of their cost
	for _, l := range []*[]string{&k.emails, &k.phones, &k.exts, &k.users, &k.names, &k.companyExts} {
		*l = compactSeen(*l, seen)
	}
	return k
}

// lookUp adds to the batch's caches the owners of keys, the contacts they
// are, the ones it does not hold yet, and the companies named.
func (b *batch) lookUp(k lookupKeys) error {
	if err := b.lookUpMatching(k); err != nil {
		return err
	}
	return b.lookUpRest(k)
}

// matchingBy reports whether rows match contacts by the identifier m.
func (b *batch) matchingBy(m string) bool { return slices.Contains(b.run.opts.Match, m) }

// lookUpMatching looks up the owners of the keys rows match by (emails
// always: a new email must be free) and the companies named.
func (b *batch) lookUpMatching(k lookupKeys) error {
	emails, err := b.knownOwners(k.emails)
	if err != nil {
		return err
	}
	found, err := b.tx.ContactIDsByEmail(b.mayBeHeld(keyEmail, emails))
	if err != nil {
		return err
	}
	maps.Copy(b.emailOwner, found)
	b.run.sampleEmails(len(emails), len(found))
	if b.matchingBy(roster.MatchPhone) {
		phones, err := b.tx.ContactIDsByPhone(k.phones)
		if err != nil {
			return err
		}
		// Phones are not unique: each phone's contacts are kept oldest
		// first (remember keeps the order), the order matching takes them
		// in however they were learned.
		for _, ids := range phones {
			slices.Sort(ids)
		}
		maps.Copy(b.phoneOwner, phones)
	}
	if b.matchingBy(roster.MatchExternalID) {
		if err := lookUpOwners(b.tx.ContactIDsByExternalID, b.mayBeHeld(keyExternalID, k.exts), b.extOwner); err != nil {
			return err
		}
	}
	if b.matchingBy(roster.MatchUsername) {
		if err := lookUpOwners(b.tx.ContactIDsByUsername, k.users, b.userOwner); err != nil {
			return err
		}
	}
	b.run.companies.take(b.tx.Writes(), &k, b.companyByKey, b.companyByExt)
	byKey, byExt, err := b.tx.CompanyRefs(k.names, k.companyExts)
	if err != nil {
		return err
	}
	maps.Copy(b.companyByKey, byKey)
	maps.Copy(b.companyByExt, byExt)
	return nil
}

// lookUpOwners adds to owner the owners that lookup finds of keys.
func lookUpOwners(lookup func([]string) (map[string]int64, error), keys []string, owner map[string]int64) error {
	found, err := lookup(keys)
	if err != nil {
		return err
	}
	maps.Copy(owner, found)
	return nil
}

// lookUpRest loads the contacts that own keys, which lookUpMatching has
// looked up, and looks up (and loads) the owners of the external ids and
// usernames rows do not match by: a row may not take them.
func (b *batch) lookUpRest(k lookupKeys) error {
	found, err := b.loadOwners(k)
	if err != nil {
		return err
	}
	// A contact just loaded owns its external id and username (both are
	// unique): only the others are looked up, which on a re-import of
	// contacts matched by email is none. Contacts loaded before may have
	// changed since, so they do not count.
	var more lookupKeys
	if !b.matchingBy(roster.MatchExternalID) {
		more.exts = ownedBy(found, k.exts, b.extOwner, func(c *roster.Contact) string { return c.ExternalID })
		if err := lookUpOwners(b.tx.ContactIDsByExternalID, b.mayBeHeld(keyExternalID, more.exts), b.extOwner); err != nil {
			return err
		}
	}
	if !b.matchingBy(roster.MatchUsername) {
		more.users = ownedBy(found, k.users, b.userOwner, func(c *roster.Contact) string { return c.Username })
		if err := lookUpOwners(b.tx.ContactIDsByUsername, more.users, b.userOwner); err != nil {
			return err
		}
	}
	_, err = b.loadOwners(more)
	return err
}

// loadOwners loads the contacts that own keys (as the owner maps say) and
// that the batch does not hold yet, and returns them.
func (b *batch) loadOwners(k lookupKeys) (map[int64]*roster.Contact, error) {
	var missing []int64
	seen := map[int64]bool{}
	add := func(id int64) {
		if id != 0 && b.contacts[id] == nil && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	for _, e := range k.emails {
		add(b.emailOwner[e])
	}
	for _, p := range k.phones {
		for _, id := range b.phoneOwner[p] {
			add(id)
		}
	}
	for _, x := range k.exts {
		add(b.extOwner[x])
	}
	for _, u := range k.users {
		add(b.userOwner[u])
	}
	slices.Sort(missing)
	found, err := b.tx.Contacts(missing)
	if err != nil {
		return nil, err
	}
	maps.Copy(b.contacts, found)
	return found, nil
}

// ownedBy records in owner the keys that one of the contacts holds (as
// key says) and returns the others.
func ownedBy(contacts map[int64]*roster.Contact, keys []string, owner map[string]int64, key func(*roster.Contact) string) []string {
	if len(contacts) == 0 || len(keys) == 0 {
		return keys
	}
	held := make(map[string]int64, len(contacts))
	for _, c := range contacts {
		if k := key(c); k != "" {
			held[k] = c.ID
		}
	}
	rest := keys[:0:0]
	for _, k := range keys {
		if id, ok := held[k]; ok {
			owner[k] = id
		} else {
			rest = append(rest, k)
		}
	}
	return rest
}

// compact drops blanks and duplicates.
func compact(l []string) []string { return compactSeen(l, make(map[string]bool, len(l))) }

// compactSeen is compact with a map to use, which it clears first.
func compactSeen(l []string, seen map[string]bool) []string {
	clear(seen)
	out := l[:0]
	for _, s := range l {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// matchContacts returns the contacts a row matches, in --match order.
func (b *batch) matchContacts(c *roster.Contact) []int64 {
	var ids []int64
	add := func(id int64) {
		if id != 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, m := range b.run.opts.Match {
		switch m {
		case roster.MatchEmail:
			for _, e := range c.Emails() {
				add(b.emailOwner[e])
			}
		case roster.MatchPhone:
			for _, p := range []string{c.Phone, c.Mobile} {
				if p != "" {
					for _, id := range b.phoneOwner[p] { // oldest first
						add(id)
					}
				}
			}
		case roster.MatchExternalID:
			if c.ExternalID != "" {
				id := b.extOwner[c.ExternalID]
				if id == 0 {
					id = b.extOwner[salesforceAlt(c.ExternalID)] // the file's form of the id then replaces it
				}
				add(id)
			}
		case roster.MatchUsername:
			if c.Username != "" {
				add(b.userOwner[c.Username])
			}
		}
	}
	return ids
}

// importContact plans and writes one contact row.
func (b *batch) importContact(r *record) error {
	o := b.run.opts
	matched := b.matchContacts(&r.contact)
	if len(matched) == 0 {
		return b.createContact(r)
	}
	target := b.contacts[matched[0]]
	again := b.writtenHere(target.ID, target.UpdatedAt)
	next := cloneContact(target)
	var merged []*roster.Contact
	if o.Merge == roster.MergeAll {
		for _, id := range matched[1:] {
			m := b.contacts[id]
			merged = append(merged, m)
			mergeContact(next, m)
		}
	}
	b.run.applyRow(next, r, b.madeHere(target.ID, target.CreatedAt))
	// A row that leaves the stored contact as it was (the usual re-import)
	// has nothing to validate: it writes nothing. Only a contact stored
	// normalized takes this path; any other is compared as below.
	next.Normalize()
	kept := len(merged) == 0 && equalContact(target, next)
	if !kept {
		if err := b.checkContact(next, append([]*roster.Contact{target}, merged...)); err != nil {
			return err
		}
	}
	ms, err := b.resolveCompanies(r)
	if err != nil {
		return err
	}
	next.Companies = mergeMemberships(next.Companies, ms, o.Lists == roster.ListsReplace && len(ms) > 0,
		o.Blank == roster.BlankClear && b.run.parser.mapped("company", "company_external_id") && len(ms) == 0)
	digest := rowDigest(r.digest, ms)
	switch {
	case kept && sameMemberships(target.Companies, next.Companies),
		!kept && len(merged) == 0 && sameContact(target, next):
		b.run.counts.Unchanged++
		if b.stamps[target.ID].Digest == digest { // never 0
			return nil
		}
		// The row changes nothing, so applying it again would not either:
		// the next re-import settles it by digest.
		return b.tx.KeepContact(target.ID, digest)
	case kept: // only its companies change: validated as any update is
		if err := b.checkContact(next, []*roster.Contact{target}); err != nil {
			return err
		}
	}
	for _, m := range merged {
		if err := b.tx.DeleteContact(m.ID); err != nil {
			return err
		}
		b.forget(m)
		b.change(r, roster.KindContacts, m.ID, roster.ActionDeleted, m, roster.Contact{UpdatedAt: m.UpdatedAt}, roster.Company{})
		b.run.counts.Merged++
	}
	next.UpdatedAt = b.tx.Now()
	if !b.run.idempotent(next, r) {
		digest = 0
	}
	if err := b.tx.UpdateContact(next, target, digest); err != nil {
		return domainError(err)
	}
	b.forget(target)
	b.remember(next)
	b.change(r, roster.KindContacts, next.ID, roster.ActionUpdated, target, *next, roster.Company{})
	b.run.counts.Updated++
	b.wrote(next.ID, false)
	if again {
		b.rewritten.add(r.row)
	}
	return nil
}

// newContact is the contact a row creates, validated as far as the row
// alone allows, or why it cannot be created. It depends on nothing else,
// so the planners make it ahead for the rows that matched no contact,
// and the writer only checks that its identifiers are still free.
type newContact struct {
	c   *roster.Contact
	err error
	// idempotent: the row applied again would leave c as it is (see
	// run.idempotent), so c may keep the row's digest.
	idempotent bool
}

func (run *run) newContact(r *record) newContact {
	c := cloneContactWith(&r.contact, r.custom) // Validate copies the custom values
	c.Normalize()
	if c.Name == "" {
		return newContact{err: failRow(run.parser.firstMapped("name", "first_name", "last_name"), "missing_name", "a new contact needs a name (or a first and last name)")}
	}
	if err := run.validContact(c); err != nil {
		return newContact{err: err}
	}
	return newContact{c: c, idempotent: run.idempotent(c, r)}
}

// prepareNew makes ahead the contacts that the rows matching no contact
// of the batch's look-ups would create.
func (b *batch) prepareNew(recs []*record) {
	for _, r := range recs {
		if !r.failed() && len(b.matchContacts(&r.contact)) == 0 {
			n := b.run.newContact(r)
			r.created = &n
		}
	}
}

func (b *batch) createContact(r *record) error {
	n := r.created
	r.created = nil // used once: a retried batch makes it anew
	if n == nil {
		made := b.run.newContact(r)
		n = &made
	}
	if n.err != nil {
		return n.err
	}
	c := n.c
	if err := b.checkOwners(c, nil); err != nil {
		return err
	}
	ms, err := b.resolveCompanies(r)
	if err != nil {
		return err
	}
	c.Companies = ms
	c.CreatedAt = b.tx.Now()
	c.UpdatedAt = c.CreatedAt
	var digest roster.Digest
	if n.idempotent {
		digest = rowDigest(r.digest, ms)
	}
	if err := b.tx.CreateContact(c, digest); err != nil {
		return domainError(err)
	}
	b.remember(c)
	b.change(r, roster.KindContacts, c.ID, roster.ActionCreated, nil, *c, roster.Company{})
	b.unfindable.add(r.row, c, b.run.opts.Match)
	b.wrote(c.ID, true)
	b.run.counts.Created++
	return nil
}

// checkContact validates c, normalized, and makes sure no contact outside
// of selves holds one of its unique identifiers.
func (b *batch) checkContact(c *roster.Contact, selves []*roster.Contact) error {
	if err := b.run.validContact(c); err != nil {
		return err
	}
	return b.checkOwners(c, selves)
}

// validContact validates c, normalized, on its own.
func (run *run) validContact(c *roster.Contact) error {
	if n := len(c.Emails()); n > roster.MaxEmails {
		return failRow("other_emails", "too_many_emails", "the contact would have %d emails; at most %d are allowed", n, roster.MaxEmails)
	}
	if err := c.Validate(run.contactDefs); err != nil {
		return domainError(err)
	}
	return nil
}

// checkOwners makes sure no contact outside of selves holds one of c's
// unique identifiers.
func (b *batch) checkOwners(c *roster.Contact, selves []*roster.Contact) error {
	mine := func(id int64) bool {
		return id == 0 || slices.ContainsFunc(selves, func(s *roster.Contact) bool { return s.ID == id })
	}
	for _, e := range c.Emails() {
		if id := b.emailOwner[e]; !mine(id) {
			return failRow(b.run.parser.firstMapped("email", "other_emails"), "duplicate_email", "email %s already belongs to %s", e, owner(roster.KindContacts, id))
		}
	}
	if id := b.extOwner[c.ExternalID]; c.ExternalID != "" && !mine(id) {
		return failRow("external_id", "duplicate_external_id", "external id %s already belongs to %s", c.ExternalID, owner(roster.KindContacts, id))
	}
	if id := b.userOwner[c.Username]; c.Username != "" && !mine(id) {
		return failRow("username", "duplicate_username", "username %s already belongs to %s", c.Username, owner(roster.KindContacts, id))
	}
	return nil
}

// applyRow writes a row's values over a contact: present cells win, blank
// cells keep (or with --blank clear, clear) the stored value, lists are
// united (or with --lists replace, replaced).
func (run *run) applyRow(c *roster.Contact, r *record, creating bool) {
	o := run.opts
	p := run.parser
	clear := o.Blank == roster.BlankClear
	row := &r.contact
	run.applyScalars(r, []scalar{
		{"name", &c.Name, &row.Name}, {"first_name", &c.FirstName, &row.FirstName}, {"last_name", &c.LastName, &row.LastName},
		{"job_title", &c.JobTitle, &row.JobTitle}, {"external_id", &c.ExternalID, &row.ExternalID},
		{"username", &c.Username, &row.Username}, {"role", &c.Role, &row.Role}, {"language", &c.Language, &row.Language},
		{"time_zone", &c.TimeZone, &row.TimeZone}, {"address", &c.Address, &row.Address},
		{"description", &c.Description, &row.Description}, {"phone", &c.Phone, &row.Phone}, {"mobile", &c.Mobile, &row.Mobile},
	})
	if !r.has("name") && (r.has("first_name") || r.has("last_name")) {
		c.Name = roster.FullName(c.FirstName, c.LastName)
	}
	replace := o.Lists == roster.ListsReplace
	// Emails: the row's primary becomes the primary; the rest are kept
	// as other emails unless the list is replaced.
	if r.has("email") || r.has("other_emails") || clear && p.mapped("email", "other_emails") {
		primary := c.Email
		if r.has("email") || clear && p.mapped("email") {
			primary = row.Email
		}
		var others []string
		if !replace {
			others = append(others, c.Email)
			others = append(others, c.OtherEmails...)
		} else if !r.has("other_emails") && !(clear && p.mapped("other_emails")) {
			others = append(others, c.OtherEmails...)
		}
		others = append(others, row.OtherEmails...)
		c.Email, c.OtherEmails = primary, slices.DeleteFunc(others, func(e string) bool { return e == primary })
	}
	switch {
	case r.has("tags") && !replace:
		c.Tags = roster.NormalizeTags(append(c.Tags, row.Tags...))
	case r.has("tags") || clear && p.mapped("tags"):
		c.Tags = row.Tags
	}
	run.applyCustom(c.Custom, r, creating)
}

// mergeContact folds a duplicate into c for --merge all: c's values win,
// blanks are filled from m, lists and memberships are united.
func mergeContact(c, m *roster.Contact) {
	for _, f := range [][2]*string{
		{&c.Name, &m.Name}, {&c.FirstName, &m.FirstName}, {&c.LastName, &m.LastName}, {&c.JobTitle, &m.JobTitle},
		{&c.ExternalID, &m.ExternalID}, {&c.Username, &m.Username}, {&c.Language, &m.Language},
		{&c.TimeZone, &m.TimeZone}, {&c.Address, &m.Address}, {&c.Description, &m.Description},
		{&c.Phone, &m.Phone}, {&c.Mobile, &m.Mobile},
	} {
		if *f[0] == "" {
			*f[0] = *f[1]
		}
	}
	c.OtherEmails = append(c.OtherEmails, m.Emails()...)
	c.Tags = roster.NormalizeTags(append(c.Tags, m.Tags...))
	c.Companies = mergeMemberships(c.Companies, m.Companies, false, false)
	for k, v := range m.Custom {
		if _, ok := c.Custom[k]; !ok {
			c.Custom[k] = v
		}
	}
}

// mergeMemberships unites memberships in order (a flag the file gives
// wins), or replaces them, or clears them.
func mergeMemberships(old, add []roster.Membership, replace, clear bool) []roster.Membership {
	if clear {
		return []roster.Membership{}
	}
	if replace {
		return add
	}
	out := slices.Clone(old)
	for _, m := range add {
		i := slices.IndexFunc(out, func(x roster.Membership) bool { return x.CompanyID == m.CompanyID })
		if i < 0 {
			out = append(out, m)
		} else if m.ViewAllTickets {
			out[i].ViewAllTickets = true
		}
	}
	return out
}

// resolveCompanies finds (or creates) the companies a contact row names.
func (b *batch) resolveCompanies(r *record) ([]roster.Membership, error) {
	var out []roster.Membership
	for _, ref := range r.refs {
		co := b.findCompany(ref)
		// By external id and by name, a row may name two companies: which
		// one it means is no guess to make.
		if byName := b.companyByKey[roster.NameKey(ref.name)]; co != nil && ref.name != "" && byName != nil && byName.ID != co.ID {
			return nil, failRow(b.run.parser.firstMapped("company", "company_external_id"), "company_mismatch",
				"company %s and company external id %s name different companies (%s and %s)", ref.name, ref.externalID,
				owner(roster.KindCompanies, byName.ID), owner(roster.KindCompanies, co.ID))
		}
		if co == nil {
			var err error
			if co, err = b.createNamedCompany(r, ref); err != nil {
				return nil, err
			}
		}
		// A row may name one company twice, by name and by external id
		// (company "Acme", company_external_id "||ACME-1"): the first
		// mention holds, as for a contact's companies anywhere.
		if slices.ContainsFunc(out, func(m roster.Membership) bool { return m.CompanyID == co.ID }) {
			continue
		}
		out = append(out, roster.Membership{CompanyID: co.ID, CompanyName: co.Name, ViewAllTickets: ref.viewAll != nil && *ref.viewAll})
	}
	return out, nil
}

// findCompany is the company ref names, by external id first, or nil.
func (b *batch) findCompany(ref companyRef) *roster.Company {
	var co *roster.Company
	if ref.externalID != "" {
		if co = b.companyByExt[ref.externalID]; co == nil {
			co = b.companyByExt[salesforceAlt(ref.externalID)]
		}
	}
	if co == nil && ref.name != "" {
		co = b.companyByKey[roster.NameKey(ref.name)]
	}
	return co
}

func (b *batch) createNamedCompany(r *record, ref companyRef) (*roster.Company, error) {
	col := b.run.parser.firstMapped("company", "company_external_id")
	if ref.name == "" {
		col = b.run.parser.firstMapped("company_external_id")
	}
	what := ref.name
	if what == "" {
		what = "external id " + ref.externalID
	}
	if !b.run.opts.CreateCompanies {
		return nil, failRow(col, "company_not_found", "company not found: %s", what)
	}
	if ref.name == "" {
		// Failed, not imported unlinked: the failed rows file links them
		// once the companies are imported, where a warning would leave the
		// link to be found again by hand.
		return nil, failRow(col, "company_not_found", "company not found: %s (a new company needs a name: import the companies first, or add a company name column)", what)
	}
	co := &roster.Company{Name: ref.name, ExternalID: ref.externalID}
	co.Normalize()
	if err := co.Validate(b.run.companyDefs); err != nil {
		return nil, failRow(col, "invalid_company", "cannot create company %s: %s", ref.name, roster.ErrorMessage(err))
	}
	co.CreatedAt = b.tx.Now()
	co.UpdatedAt = co.CreatedAt
	if err := b.tx.CreateCompany(co); err != nil {
		return nil, domainError(err)
	}
	b.rememberCompany(co)
	b.change(r, roster.KindCompanies, co.ID, roster.ActionCreated, nil, roster.Contact{}, *co)
	b.run.counts.CompaniesCreated++
	return co, nil
}

// remember puts a written contact into the batch's caches.
func (b *batch) remember(c *roster.Contact) {
	b.dirty.contact(c)
	for _, e := range c.Emails() {
		b.emailOwner[e] = c.ID
	}
	for _, p := range []string{c.Phone, c.Mobile} {
		if p == "" {
			continue
		}
		if i, found := slices.BinarySearch(b.phoneOwner[p], c.ID); !found {
			b.phoneOwner[p] = slices.Insert(b.phoneOwner[p], i, c.ID)
		}
	}
	if c.ExternalID != "" {
		b.extOwner[c.ExternalID] = c.ID
	}
	if c.Username != "" {
		b.userOwner[c.Username] = c.ID
	}
	// Not a copy: the batch's contacts are never changed in place (a row
	// that updates one changes a clone, importContact), and callers hand
	// c over.
	b.contacts[c.ID] = c
}

// forget takes a contact's old identifiers out of the caches.
func (b *batch) forget(c *roster.Contact) {
	b.dirty.contact(c)
	for _, e := range c.Emails() {
		if b.emailOwner[e] == c.ID {
			delete(b.emailOwner, e)
		}
	}
	for _, p := range []string{c.Phone, c.Mobile} {
		b.phoneOwner[p] = slices.DeleteFunc(b.phoneOwner[p], func(id int64) bool { return id == c.ID })
	}
	if b.extOwner[c.ExternalID] == c.ID {
		delete(b.extOwner, c.ExternalID)
	}
	if b.userOwner[c.Username] == c.ID {
		delete(b.userOwner, c.Username)
	}
	delete(b.contacts, c.ID)
}

func (b *batch) rememberCompany(co *roster.Company) {
	b.dirty.company(co)
	b.companyByKey[roster.NameKey(co.Name)] = co
	if co.ExternalID != "" {
		b.companyByExt[co.ExternalID] = co
	}
}

func (b *batch) forgetCompany(co *roster.Company) {
	b.dirty.company(co)
	if c := b.companyByKey[roster.NameKey(co.Name)]; c != nil && c.ID == co.ID {
		delete(b.companyByKey, roster.NameKey(co.Name))
	}
	if c := b.companyByExt[co.ExternalID]; c != nil && c.ID == co.ID {
		delete(b.companyByExt, co.ExternalID)
	}
}
