// Package roster holds the domain of Roster: tenants, contacts, companies,
// custom field definitions, imports and the errors they produce. It imports
// only the standard library; storage, HTTP and the import pipeline depend on
// it, never the other way round.
package roster

import (
	"context"
	"strings"
	"time"
)

// Kind names one of the two record kinds of a directory.
type Kind string

// The record kinds.
const (
	KindContacts  Kind = "contacts"
	KindCompanies Kind = "companies"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindContacts || k == KindCompanies }

// Noun is one record of the kind, for messages: "contact", "company".
func (k Kind) Noun() string {
	if k == KindCompanies {
		return "company"
	}
	return strings.TrimSuffix(string(k), "s")
}

// ParseKind returns the kind named s or an EINVALID error.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if !k.Valid() {
		return "", Errorf(EINVALID, "kind must be contacts or companies, not %q", s)
	}
	return k, nil
}

// Tenant owns a directory; every record belongs to exactly one tenant.
type Tenant struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// DefaultTenant is the tenant commands act on unless told otherwise.
const DefaultTenant = "default"

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Cursor string
	Limit  int
}

// DefaultLimit and MaxLimit bound list pages.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Normalize returns the page with its limit clamped to [1, MaxLimit].
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	return p
}

// Store is the directory's storage: one implementation per database, all
// passing the same test suite (storetest). Every method that touches
// records takes the tenant it acts for, so no query can cross tenants.
type Store interface {
	TenantStore
	TokenStore
	FieldStore
	ContactStore
	CompanyStore
	ImportStore
	ProfileStore
	WebhookStore
	Close() error
}

// TenantStore keeps tenants.
type TenantStore interface {
	CreateTenant(ctx context.Context, name string) (*Tenant, error)
	FindTenant(ctx context.Context, name string) (*Tenant, error)
	ListTenants(ctx context.Context) ([]*Tenant, error)
}
