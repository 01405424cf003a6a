package roster

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Contact is a person in a tenant's directory.
type Contact struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	FirstName   string         `json:"first_name,omitempty"`
	LastName    string         `json:"last_name,omitempty"`
	Email       string         `json:"email,omitempty"`
	OtherEmails []string       `json:"other_emails"`
	Phone       string         `json:"phone,omitempty"`
	Mobile      string         `json:"mobile,omitempty"`
	JobTitle    string         `json:"job_title,omitempty"`
	ExternalID  string         `json:"external_id,omitempty"`
	Username    string         `json:"username,omitempty"`
	Role        string         `json:"role"`
	Language    string         `json:"language,omitempty"`
	TimeZone    string         `json:"time_zone,omitempty"`
	Address     string         `json:"address,omitempty"`
	Description string         `json:"description,omitempty"`
	Tags        []string       `json:"tags"`
	Companies   []Membership   `json:"companies"`
	Custom      map[string]any `json:"custom_fields"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// Membership links a contact to a company. The first membership of a
// contact is its default company.
type Membership struct {
	CompanyID      int64  `json:"company_id"`
	CompanyName    string `json:"company_name,omitempty"` // filled on read
	ViewAllTickets bool   `json:"view_all_tickets"`
}

// Contact roles.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent"
)

// MaxEmails is how many emails a contact may have: one primary and nine others.
const MaxEmails = 10

// ContactKeys are the canonical field keys of contacts, in the order
// exports and templates use. Custom field keys must not collide with them.
var ContactKeys = []string{
	"name", "first_name", "last_name", "email", "other_emails", "phone", "mobile",
	"company", "company_external_id", "view_all_tickets", "job_title", "tags",
	"external_id", "username", "role", "language", "time_zone", "address", "description",
}

// Emails returns the primary email followed by the others.
func (c *Contact) Emails() []string {
	out := make([]string, 0, 1+len(c.OtherEmails))
	if c.Email != "" {
		out = append(out, c.Email)
	}
	return append(out, c.OtherEmails...)
}

// FullName joins a first and a last name as the names' own script writes
// them: "Ann Lee", but family name first and no space in Chinese, Japanese
// and Korean ("王五", "田中花子", "김민준"). An empty part is left out.
func FullName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	switch {
	case first == "":
		return last
	case last == "":
		return first
	case eastAsian(first) && eastAsian(last):
		return last + first
	}
	return first + " " + last
}

// eastAsian reports whether s is written in Han, Hangul or kana only.
func eastAsian(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) && r != 'ー' && r != '・' {
			return false
		}
	}
	return true
}

// Normalize fills derived values and canonical forms in place: the name from
// first and last name, lower-cased emails, the default role, de-duplicated
// tags and memberships. Validation comes after it. (An email's canonical
// form also has its domain in Unicode; that needs IDNA, which the store
// and normalize.Email apply.)
func (c *Contact) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.FirstName = strings.TrimSpace(c.FirstName)
	c.LastName = strings.TrimSpace(c.LastName)
	if c.Name == "" {
		c.Name = FullName(c.FirstName, c.LastName)
	}
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	others := make([]string, 0, len(c.OtherEmails))
	seen := map[string]bool{c.Email: true}
	for _, e := range c.OtherEmails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		others = append(others, e)
	}
	if c.Email == "" && len(others) > 0 {
		c.Email, others = others[0], others[1:]
	}
	c.OtherEmails = others
	// The importer trims every cell: a value stored untrimmed would come
	// back changed from its own export.
	for _, f := range []*string{&c.JobTitle, &c.ExternalID, &c.Username, &c.Language, &c.TimeZone,
		&c.Address, &c.Description, &c.Phone, &c.Mobile} {
		*f = strings.TrimSpace(*f)
	}
	c.Role = strings.ToLower(strings.TrimSpace(c.Role))
	if c.Role == "" {
		c.Role = RoleCustomer
	}
	c.Tags = NormalizeTags(c.Tags)
	c.Companies = dedupeMemberships(c.Companies)
	if c.Custom == nil {
		c.Custom = map[string]any{}
	}
}

func dedupeMemberships(ms []Membership) []Membership {
	out := make([]Membership, 0, len(ms))
	seen := map[int64]bool{}
	for _, m := range ms {
		if seen[m.CompanyID] {
			continue
		}
		seen[m.CompanyID] = true
		out = append(out, m)
	}
	return out
}

// Validate checks a normalized contact against the directory's rules and
// the tenant's custom field definitions.
func (c *Contact) Validate(defs []*FieldDef) error {
	if c.Name == "" {
		return Errorf(EINVALID, "a contact needs a name (or a first and last name)").With("field", "name")
	}
	if c.Email == "" && c.Phone == "" && c.Mobile == "" && c.ExternalID == "" {
		return Errorf(EINVALID, "a contact needs an email, a phone, a mobile or an external id").With("field", "email")
	}
	emails := c.Emails()
	if n := len(emails); n > MaxEmails {
		return Errorf(EINVALID, "a contact has at most %d emails; this one has %d", MaxEmails, n).With("field", "other_emails")
	}
	for _, e := range emails {
		if !LooksLikeEmail(e) {
			return Errorf(EINVALID, "not a valid email address: %q", e).With("field", "email")
		}
	}
	for _, f := range [...][2]string{{"phone", c.Phone}, {"mobile", c.Mobile}} {
		if f[1] != "" && !IsE164(f[1]) {
			return Errorf(EINVALID, "%s must be in E.164 form (+4915112345678), not %q", f[0], f[1]).With("field", f[0])
		}
	}
	if c.Role != RoleCustomer && c.Role != RoleAgent {
		return Errorf(EINVALID, "role must be customer or agent, not %q", c.Role).With("field", "role")
	}
	if err := checkLengths(
		[2]string{"name", c.Name}, [2]string{"first_name", c.FirstName}, [2]string{"last_name", c.LastName},
		[2]string{"job_title", c.JobTitle}, [2]string{"external_id", c.ExternalID}, [2]string{"username", c.Username},
		[2]string{"language", c.Language}, [2]string{"time_zone", c.TimeZone}, [2]string{"address", c.Address},
	); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(c.Description); n > MaxParagraph {
		return Errorf(EINVALID, "description is %d characters long; the maximum is %d", n, MaxParagraph).With("field", "description")
	}
	if err := checkTags(c.Tags); err != nil {
		return err
	}
	for _, m := range c.Companies {
		if m.CompanyID <= 0 {
			return Errorf(EINVALID, "a membership needs a company id").With("field", "companies")
		}
	}
	custom, err := ValidateCustom(defs, c.Custom)
	if err != nil {
		return err
	}
	c.Custom = custom
	return nil
}

// ContactFilter narrows a contact list. Empty fields do not filter.
type ContactFilter struct {
	Query      string // part of the name or an email, ignoring case and accents
	Email      string // any of the contact's emails, case-insensitive, its domain in punycode or Unicode
	Phone      string // phone or mobile, E.164
	Tag        string
	CompanyID  int64
	ExternalID string
	Username   string
	Page
}

// ContactStore keeps contacts.
type ContactStore interface {
	CreateContact(ctx context.Context, tenantID int64, c *Contact) error
	FindContact(ctx context.Context, tenantID, id int64) (*Contact, error)
	UpdateContact(ctx context.Context, tenantID int64, c *Contact) error
	DeleteContact(ctx context.Context, tenantID, id int64) error
	// ListContacts returns one page and the cursor of the next ("" at the end).
	ListContacts(ctx context.Context, tenantID int64, f ContactFilter) ([]*Contact, string, error)
}
