package roster

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Company is an organisation in a tenant's directory. Its name is unique
// within the tenant, compared case-insensitively.
type Company struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	ExternalID  string         `json:"external_id,omitempty"`
	Domains     []string       `json:"domains"`
	Website     string         `json:"website,omitempty"`
	Phone       string         `json:"phone,omitempty"`
	Description string         `json:"description,omitempty"`
	Industry    string         `json:"industry,omitempty"`
	Address     string         `json:"address,omitempty"`
	Tags        []string       `json:"tags"`
	Custom      map[string]any `json:"custom_fields"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// CompanyKeys are the canonical field keys of companies.
var CompanyKeys = []string{
	"name", "external_id", "domains", "website", "phone", "description", "industry", "address", "tags",
}

// Normalize trims values and puts lists in canonical form, in place.
func (c *Company) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	// As a contact's (Contact.Normalize).
	for _, f := range []*string{&c.ExternalID, &c.Website, &c.Phone, &c.Description, &c.Industry, &c.Address} {
		*f = strings.TrimSpace(*f)
	}
	domains := make([]string, 0, len(c.Domains))
	seen := map[string]bool{}
	for _, d := range c.Domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || seen[d] {
			continue
		}
		seen[d] = true
		domains = append(domains, d)
	}
	c.Domains = domains
	c.Tags = NormalizeTags(c.Tags)
	if c.Custom == nil {
		c.Custom = map[string]any{}
	}
}

// Validate checks a normalized company.
func (c *Company) Validate(defs []*FieldDef) error {
	if c.Name == "" {
		return Errorf(EINVALID, "a company needs a name").With("field", "name")
	}
	// A contact's companies are listed in files separated by ||.
	if strings.Contains(c.Name, "||") {
		return Errorf(EINVALID, "company name %q holds ||, which separates a contact's companies in files", c.Name).With("field", "name")
	}
	if strings.Contains(c.ExternalID, "||") {
		return Errorf(EINVALID, "external id %q holds ||, which separates a contact's companies in files", c.ExternalID).With("field", "external_id")
	}
	if c.Phone != "" && !IsE164(c.Phone) {
		return Errorf(EINVALID, "phone must be in E.164 form (+4915112345678), not %q", c.Phone).With("field", "phone")
	}
	if c.Website != "" && !IsHTTPURL(c.Website) {
		return Errorf(EINVALID, "website must be an absolute http or https URL, not %q", c.Website).With("field", "website")
	}
	if err := checkLengths(
		[2]string{"name", c.Name}, [2]string{"external_id", c.ExternalID}, [2]string{"website", c.Website},
		[2]string{"industry", c.Industry}, [2]string{"address", c.Address},
	); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(c.Description); n > MaxParagraph {
		return Errorf(EINVALID, "description is %d characters long; the maximum is %d", n, MaxParagraph).With("field", "description")
	}
	for _, d := range c.Domains {
		if !LooksLikeDomain(d) {
			return Errorf(EINVALID, "not a valid domain: %q", d).With("field", "domains")
		}
	}
	if err := checkTags(c.Tags); err != nil {
		return err
	}
	custom, err := ValidateCustom(defs, c.Custom)
	if err != nil {
		return err
	}
	c.Custom = custom
	return nil
}

// NameKey is the form company names are compared in: trimmed and lower-cased.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CompanyFilter narrows a company list. Empty fields do not filter.
type CompanyFilter struct {
	Query      string // part of the name, ignoring case and accents
	Name       string // the exact name, case-insensitive
	Tag        string
	ExternalID string
	Page
}

// CompanyStore keeps companies.
type CompanyStore interface {
	CreateCompany(ctx context.Context, tenantID int64, c *Company) error
	FindCompany(ctx context.Context, tenantID, id int64) (*Company, error)
	UpdateCompany(ctx context.Context, tenantID int64, c *Company) error
	// DeleteCompany removes the company and its memberships; contacts stay.
	DeleteCompany(ctx context.Context, tenantID, id int64) error
	ListCompanies(ctx context.Context, tenantID int64, f CompanyFilter) ([]*Company, string, error)
}
