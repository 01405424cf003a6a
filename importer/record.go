package importer

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"roster"
	"roster/mapping"
	"roster/normalize"
	"roster/tabular"
)

// record is one row turned into normalized values: the "records" stage
// of the pipeline. It knows nothing of the database yet.
type record struct {
	row   int
	cells []string // the original cells, for the failed-rows file
	errs  []roster.RowError

	filled  uint64          // the canonical keys with a non-blank cell (keyBits)
	contact roster.Contact  // contacts: the row's values
	refs    []companyRef    // contacts: the companies the row names
	company *roster.Company // companies: the row's values
	custom  map[string]any  // custom values of non-blank cells

	created *newContact // contacts: the contact the row would create, made ahead
	digest  digester    // contacts: the row's part of its digest (see digest.go)
	kept    int64       // contacts: the contact the row leaves as it is, known by its digest

	leftOut []leftOut // what its cells held that the directory has no room for

	moreEmails    []string // an email list cell's values after the first (see jsonlists.go)
	moreEmailsCol int
}

// companyRef is a company a contact row names, by name or external id.
type companyRef struct {
	name, externalID string
	viewAll          *bool
}

func (r *record) failed() bool { return len(r.errs) > 0 }

// has reports whether the row has a non-blank cell for the canonical key.
func (r *record) has(key string) bool { return r.filled&keyBits[key] != 0 }

// failedWith reports whether r has failed with code already.
func (r *record) failedWith(code string) bool {
	return slices.ContainsFunc(r.errs, func(e roster.RowError) bool { return e.Code == code })
}

// keyBits gives each canonical key of either kind its bit of
// record.filled: a map a row cost more than the rest of its record.
var keyBits = func() map[string]uint64 {
	bits := map[string]uint64{}
	for _, k := range slices.Concat(roster.ContactKeys, roster.CompanyKeys) {
		if _, ok := bits[k]; !ok {
			bits[k] = 1 << len(bits)
		}
	}
	if len(bits) > 64 {
		panic("importer: more canonical keys than bits in record.filled")
	}
	return bits
}()

// contactKeyBits are the bits of roster.ContactKeys, in their order: a
// row's digest reads them all without looking each key up.
var contactKeyBits = func() []uint64 {
	bits := make([]uint64, len(roster.ContactKeys))
	for i, k := range roster.ContactKeys {
		bits[i] = keyBits[k]
	}
	return bits
}()

// parser turns rows into records for one file and one set of options.
type parser struct {
	kind   roster.Kind
	header []string
	keys   []string // per column: canonical or custom key, "" if unmapped
	seps   []string // per column: a list separator besides "||" (mapping.Mapping.Separators)
	yes    []string // per column: the one value meaning yes (mapping.Mapping.YesWords)
	// primaries: the columns naming a contact's primary company (mapping.Mapping.Primaries)
	primaries map[string]int
	defs      map[string]*roster.FieldDef
	phones    *normalize.Phones
	dates     normalize.DateLayout
	xlsx      bool
	match     []string
	// spacedTags: tags are separated by spaces too (Zendesk's).
	spacedTags bool

	seed        digester // see digestSeed
	customOrder []string // the mapped custom keys, sorted: the order digests take them in
	// columnDates are the layouts date columns showed, where no
	// --date-format was given (see dateOrders).
	columnDates map[int]normalize.DateLayout
}

// fail records an error on a cell (col >= 0) or the whole row (col < 0).
func (p *parser) fail(r *record, col int, code, msg string) {
	e := roster.RowError{Row: r.row, Code: code, Message: msg}
	if col >= 0 {
		e.Column = p.header[col]
		if p.xlsx {
			e.Cell = tabular.CellRef(col, r.row)
		}
	}
	r.errs = append(r.errs, e)
}

// failErr records a normalize error (or any error) on a cell.
func (p *parser) failErr(r *record, col int, err error) {
	var ne *normalize.Error
	if errors.As(err, &ne) {
		p.fail(r, col, ne.Code, ne.Message)
		return
	}
	p.fail(r, col, "invalid", err.Error())
}

// e164 normalizes a phone cell, or fails it.
func (p *parser) e164(r *record, col int, v string) (string, bool) {
	e, err := p.phones.E164(v)
	if err != nil {
		p.failErr(r, col, err)
		return "", false
	}
	p.extension(r, col, v)
	return e, true
}

// extension notes a phone cell whose extension E.164 leaves out.
func (p *parser) extension(r *record, col int, v string) {
	if p.phones.Extension(v) != "" {
		r.leftOut = append(r.leftOut, leftOut{leftExtension, col})
	}
}

// parse builds the record of one row. Cells are trimmed; a blank cell
// means "no value" (kept or cleared later, per --blank).
func (p *parser) parse(row int, cells []string) *record {
	r := &record{row: row, cells: cells, custom: map[string]any{}}
	if p.kind == roster.KindCompanies {
		r.company = &roster.Company{}
	}
	var companies, companyIDs, viewAll []string
	companiesCol, namesCol, idsCol, viewAllCol := -1, -1, -1, -1
	for col, key := range p.keys {
		if key == "" || col >= len(cells) {
			continue
		}
		v := cellText(cells, col)
		if v == "" {
			continue
		}
		if def, ok := p.defs[key]; ok {
			p.customValue(r, col, def, v)
			continue
		}
		if p.kind == roster.KindContacts && listKeys[key] {
			values, ok := jsonValues(v)
			if !ok {
				values, ok = plainValues(key, v)
			}
			if ok {
				if v = p.fromList(r, col, key, values); v == "" {
					continue
				}
			}
		}
		r.filled |= keyBits[key]
		switch key {
		case "company":
			companies, companiesCol, namesCol = p.splitList(col, v), col, col
		case "company_external_id":
			companyIDs, idsCol = p.splitList(col, v), col
			if companiesCol < 0 {
				companiesCol = col
			}
		case "view_all_tickets":
			viewAll, viewAllCol = p.yesOnly(col, splitList(v)), col
		default:
			if p.kind == roster.KindContacts {
				p.contactValue(r, col, key, v)
			} else {
				p.companyValue(r, col, key, v)
			}
		}
	}
	if p.kind == roster.KindContacts {
		p.addMoreEmails(r)
		companies = p.alignNames(cells, companies, companyIDs, namesCol, idsCol)
		p.primaryFirst(cells, companies, companyIDs, viewAll)
		p.companyRefs(r, companies, companyIDs, viewAll, companiesCol, viewAllCol)
		p.checkContact(r)
		if !r.failed() {
			r.digest = p.contactDigest(r)
		}
	} else {
		p.checkCompany(r)
	}
	return r
}

// splitList splits a multi-company cell on "||".
func splitList(v string) []string {
	parts := strings.Split(v, "||")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// splitList splits the cell of column col on "||" and on the separator
// its header says the export uses (HubSpot's ";").
func (p *parser) splitList(col int, v string) []string {
	if sep := p.sep(col); sep != "" {
		v = strings.ReplaceAll(v, sep, "||")
	}
	return splitList(v)
}

// sep is the separator column col's lists use besides "||", or "".
func (p *parser) sep(col int) string { return ofColumn(p.seps, col) }

// ofColumn is the entry of a per-column list for column col, or "" for
// none (col < 0: the row has no such column).
func ofColumn(l []string, col int) string {
	if col < 0 || col >= len(l) {
		return ""
	}
	return l[col]
}

// cellText is a cell's value as the row reads it: trimmed, and with the
// guard against formulas an export of Roster's put before it undone
// (roster.UnneutralizeCell).
func cellText(cells []string, col int) string {
	return roster.UnneutralizeCell(strings.TrimSpace(cells[col]))
}

// alignNames checks the company names split on an export's separator
// against the ids beside them: a name holding that separator ("Umbrella;
// Iberia") splits into more names than there are ids. One id means one
// company, whose name is the whole cell; with several, the ids alone say
// which companies, as they are what the export links by.
func (p *parser) alignNames(cells, names, ids []string, namesCol, idsCol int) []string {
	if idsCol < 0 || p.sep(namesCol) == "" || len(names) == len(ids) {
		return names
	}
	if len(ids) == 1 {
		return splitList(cellText(cells, namesCol))[:1]
	}
	return nil
}

func (p *parser) text(r *record, col int, v string, max int) (string, bool) {
	if err := normalize.Text(v, max); err != nil {
		p.failErr(r, col, err)
		return "", false
	}
	return v, true
}

// tooManyOthers fails the cell if n other emails are more than a contact holds.
func (p *parser) tooManyOthers(r *record, col, n int) bool {
	if n <= roster.MaxEmails-1 {
		return false
	}
	p.fail(r, col, "too_many_emails", strconv.Itoa(n)+" other emails; a contact has at most "+strconv.Itoa(roster.MaxEmails-1)+" besides the primary one")
	return true
}

// join sets a text field that several columns may fill, joined by what
// mapping.Joined says: "Address" and "Address 2", "Details" and "Notes".
// Each cell is checked alone, and what they make together against the
// field's maximum.
func (p *parser) join(r *record, col int, dst *string, key, v string, max int) {
	s, ok := p.text(r, col, v, max)
	if !ok {
		return
	}
	if *dst != "" {
		s = *dst + mapping.Joined[key] + s
		if _, ok := p.text(r, col, s, max); !ok {
			return
		}
	}
	*dst = s
}

func (p *parser) contactValue(r *record, col int, key, v string) {
	c := &r.contact
	set := func(dst *string, max int) {
		if s, ok := p.text(r, col, v, max); ok {
			*dst = s
		}
	}
	switch key {
	case "name":
		set(&c.Name, roster.DefaultMaxLength)
	case "first_name":
		set(&c.FirstName, roster.DefaultMaxLength)
	case "last_name":
		set(&c.LastName, roster.DefaultMaxLength)
	case "job_title":
		set(&c.JobTitle, roster.DefaultMaxLength)
	case "external_id":
		set(&c.ExternalID, roster.DefaultMaxLength)
	case "username":
		set(&c.Username, roster.DefaultMaxLength)
	case "language":
		set(&c.Language, roster.DefaultMaxLength)
	case "time_zone":
		set(&c.TimeZone, roster.DefaultMaxLength)
	case "address":
		p.join(r, col, &c.Address, key, v, roster.DefaultMaxLength)
	case "description":
		p.join(r, col, &c.Description, key, v, roster.MaxParagraph)
	case "role":
		if role, ok := roleOf(v); ok {
			c.Role = role
		} else {
			p.fail(r, col, "invalid_role", "role must be customer or agent (or a synonym such as end-user or admin), not "+strconv.Quote(v))
		}
	case "email":
		if e, err := normalize.Email(v); err != nil {
			p.failErr(r, col, err)
		} else {
			c.Email = e
		}
	case "other_emails":
		es, err := normalize.Emails(v)
		switch {
		case err != nil:
			p.failErr(r, col, err)
		case p.tooManyOthers(r, col, len(es)):
		default:
			c.OtherEmails = es
		}
	case "phone", "mobile":
		if e, ok := p.e164(r, col, v); ok && key == "phone" {
			c.Phone = e
		} else if ok {
			c.Mobile = e
		}
	case "tags":
		c.Tags = normalize.Tags(p.tagList(v))
	}
}

func (p *parser) companyValue(r *record, col int, key, v string) {
	c := r.company
	set := func(dst *string, max int) {
		if s, ok := p.text(r, col, v, max); ok {
			*dst = s
		}
	}
	switch key {
	case "name":
		set(&c.Name, roster.DefaultMaxLength)
	case "external_id":
		set(&c.ExternalID, roster.DefaultMaxLength)
	case "industry":
		set(&c.Industry, roster.DefaultMaxLength)
	case "address":
		p.join(r, col, &c.Address, key, v, roster.DefaultMaxLength)
	case "description":
		p.join(r, col, &c.Description, key, v, roster.MaxParagraph)
	case "domains":
		// Separated as tags are (commas, HubSpot's semicolons) or by
		// spaces (Zendesk).
		for _, d := range normalize.Tags(strings.Join(strings.Fields(listText(v)), ",")) {
			d = strings.ToLower(d)
			if !roster.LooksLikeDomain(d) || !strings.Contains(d, ".") {
				p.fail(r, col, "invalid_domain", "not a domain: "+strconv.Quote(d))
				return
			}
			c.Domains = append(c.Domains, d)
		}
	case "website":
		if u, err := normalize.Website(v); err != nil {
			p.failErr(r, col, err)
		} else {
			c.Website = u
		}
	case "phone":
		if e, ok := p.e164(r, col, v); ok {
			c.Phone = e
		}
	case "tags":
		c.Tags = normalize.Tags(p.tagList(v))
	}
}

// customValue parses a custom field cell by its definition's type.
func (p *parser) customValue(r *record, col int, def *roster.FieldDef, v string) {
	var val any
	var err error
	switch def.Type {
	case roster.FieldNumber:
		val, err = normalize.Number(v)
	case roster.FieldDecimal:
		var s string
		if s, err = normalize.Decimal(v); err == nil {
			val, err = strconv.ParseFloat(s, 64)
		}
	case roster.FieldDate:
		layout := p.dates
		if layout.IsZero() {
			layout = p.columnDates[col]
		}
		val, err = normalize.Date(v, layout)
		if err != nil && !layout.IsZero() {
			// ISO dates are unambiguous whatever --date-format says.
			if iso, isoErr := normalize.Date(v, normalize.ISO); isoErr == nil {
				val, err = iso, nil
			}
		}
	case roster.FieldDropdown:
		val, err = normalize.Choice(v, def.Choices)
	case roster.FieldCheckbox:
		val = normalize.Checkbox(v)
	case roster.FieldTags:
		val = normalize.Tags(v)
	case roster.FieldURL:
		val, err = normalize.URL(v)
	case roster.FieldEmail:
		val, err = normalize.Email(v)
	case roster.FieldPhone:
		if val, err = p.phones.E164(v); err == nil {
			p.extension(r, col, v)
		}
	default:
		err = normalize.Text(v, def.MaxLength)
		val = v
	}
	if err == nil && def.Type != roster.FieldText && def.Type != roster.FieldParagraph {
		_, err = def.Value(val) // the same check every write path applies
	}
	if err != nil {
		p.failErr(r, col, err)
		return
	}
	r.custom[def.Key] = val
}

// tagList is a tags cell written as the comma-separated tags it holds.
func (p *parser) tagList(v string) string {
	v = listText(v)
	if p.spacedTags {
		v = strings.Join(strings.Fields(v), ",")
	}
	return v
}

// primaryFirst puts the company the file names as the contact's primary
// one (HubSpot's "(Primary)" columns) first in the row's lists of company
// names, ids and view_all_tickets values, so that it is the default.
func (p *parser) primaryFirst(cells, names, ids, viewAll []string) {
	cell := func(key string) string {
		if col, ok := p.primaries[key]; ok && col < len(cells) {
			return cellText(cells, col)
		}
		return ""
	}
	i := -1
	if id := cell("company_external_id"); id != "" {
		i = slices.Index(ids, id)
	}
	if name := cell("company"); i < 0 && name != "" {
		i = slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
	}
	if i <= 0 {
		return
	}
	for _, l := range [][]string{names, ids, viewAll} {
		if i < len(l) {
			v := l[i]
			copy(l[1:i+1], l[:i])
			l[0] = v
		}
	}
}

// yesWord is the one value that means yes in column col, a setting of
// another system's (mapping.Mapping.YesWords), or "".
func (p *parser) yesWord(col int) string { return ofColumn(p.yes, col) }

// yesOnly reads the values of a column whose yes is a word of its own
// system's: that word is yes, any other leaves the flag unset.
func (p *parser) yesOnly(col int, values []string) []string {
	yes := p.yesWord(col)
	if yes == "" {
		return values
	}
	for i, v := range values {
		values[i] = ""
		if strings.EqualFold(v, yes) {
			values[i] = "yes"
		}
	}
	return values
}

// companyRefs lines up the company, company_external_id and
// view_all_tickets lists of a contact row ("A||B", "yes||no").
func (p *parser) companyRefs(r *record, names, ids, viewAll []string, col, viewCol int) {
	n := max(len(names), len(ids))
	if n == 0 {
		// A Zendesk user without an organization still has a
		// ticket_restriction; it says nothing of a company.
		if len(viewAll) > 0 && p.yesWord(viewCol) == "" {
			p.fail(r, viewCol, "no_company", "view_all_tickets is set but the row names no company")
		}
		return
	}
	if len(viewAll) > n {
		p.fail(r, viewCol, "misaligned", strconv.Itoa(len(viewAll))+" view_all_tickets values for "+strconv.Itoa(n)+" companies")
		return
	}
	for i := range n {
		ref := companyRef{}
		if i < len(names) {
			ref.name = names[i]
		}
		if i < len(ids) {
			ref.externalID = ids[i]
		}
		if ref.name == "" && ref.externalID == "" {
			continue
		}
		if len([]rune(ref.name)) > roster.DefaultMaxLength {
			p.fail(r, col, "too_long", "company name is longer than 255 characters")
			return
		}
		if i < len(viewAll) && viewAll[i] != "" {
			b := normalize.Checkbox(viewAll[i])
			ref.viewAll = &b
		}
		r.refs = append(r.refs, ref)
	}
}

// checkContact applies the row-level rules that need no database. They
// run behind a row's bad cells too, so that one round of fixes clears the
// row; a cell given but bad counts as given, its own error saying what is
// wrong with it.
func (p *parser) checkContact(r *record) {
	c := &r.contact
	if len(c.OtherEmails)+1 > roster.MaxEmails && c.Email != "" && !r.failedWith("too_many_emails") {
		p.fail(r, -1, "too_many_emails", "a contact has at most 10 emails")
	}
	if r.has("email") || r.has("other_emails") || r.has("phone") || r.has("mobile") {
		return
	}
	for _, m := range p.match {
		if m == roster.MatchExternalID && r.has("external_id") || m == roster.MatchUsername && r.has("username") {
			return // it may update the contact it matches
		}
	}
	// It may hold an identifier that --match does not use.
	switch {
	case c.ExternalID != "":
		p.fail(r, -1, "missing_identifier", "the row has no email or phone, and its external id identifies it only with --match external_id")
	case c.Username != "":
		p.fail(r, -1, "missing_identifier", "the row has no email or phone, and its username identifies it only with --match username")
	default:
		p.fail(r, -1, "missing_identifier", "the row has no email or phone")
	}
}

func (p *parser) checkCompany(r *record) {
	if !r.has("name") && !r.has("external_id") {
		p.fail(r, -1, "missing_name", "a company needs a name")
	}
	if !r.has("external_id") && p.match[0] == roster.MatchExternalID && len(p.match) == 1 {
		p.fail(r, -1, "missing_external_id", "companies are matched by external id and the row has none")
	}
}

// key returns the column index mapped to key, or -1.
func (p *parser) column(key string) int {
	for i, k := range p.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// mapped reports whether any of keys is mapped to a column.
func (p *parser) mapped(keys ...string) bool {
	for _, k := range keys {
		if p.column(k) >= 0 {
			return true
		}
	}
	return false
}

// firstMapped returns the header of the first of keys that is mapped, for
// errors that concern a field rather than one cell.
func (p *parser) firstMapped(keys ...string) string {
	for _, k := range keys {
		if i := p.column(k); i >= 0 {
			return p.header[i]
		}
	}
	return ""
}

// customKeys lists the custom fields mapped to a column.
func (p *parser) customKeys() []string {
	var out []string
	for _, k := range p.keys {
		if _, ok := p.defs[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// rowErr builds a row error for a column named by header or canonical key.
func (p *parser) rowErr(r *record, column, code, msg string) roster.RowError {
	e := roster.RowError{Row: r.row, Code: code, Message: msg}
	col := -1
	for i, h := range p.header {
		if h == column {
			col = i
		}
	}
	if col < 0 {
		col = p.column(column)
	}
	if col >= 0 {
		e.Column = p.header[col]
		if p.xlsx {
			e.Cell = tabular.CellRef(col, r.row)
		}
	}
	return e
}
