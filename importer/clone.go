package importer

import (
	"encoding/json"
	"maps"
	"slices"

	"roster"
)

func cloneContact(c *roster.Contact) *roster.Contact {
	custom := maps.Clone(c.Custom)
	if custom == nil {
		custom = map[string]any{}
	}
	return cloneContactWith(c, custom)
}

// cloneContactWith is a copy of c with the custom values given.
func cloneContactWith(c *roster.Contact, custom map[string]any) *roster.Contact {
	n := *c
	n.OtherEmails = slices.Clone(c.OtherEmails)
	n.Tags = slices.Clone(c.Tags)
	n.Companies = slices.Clone(c.Companies)
	n.Custom = custom
	return &n
}

func cloneCompany(c *roster.Company) *roster.Company {
	n := *c
	n.Domains = slices.Clone(c.Domains)
	n.Tags = slices.Clone(c.Tags)
	n.Custom = maps.Clone(c.Custom)
	if n.Custom == nil {
		n.Custom = map[string]any{}
	}
	return &n
}

// sameContact reports whether two contacts hold the same values, ignoring
// timestamps and the read-only company names. Custom values compare as
// their JSON, which makes int64 2 and float64 2 alike, as they are once
// stored. A field added to Contact must be added here too (a test checks).
func sameContact(a, b *roster.Contact) bool {
	x, y := cloneContact(a), cloneContact(b)
	x.Normalize()
	y.Normalize()
	return equalContact(x, y) && sameMemberships(x.Companies, y.Companies)
}

// equalContact is sameContact for two contacts already normalized, without
// their memberships.
func equalContact(x, y *roster.Contact) bool {
	return x.ID == y.ID && x.Name == y.Name && x.FirstName == y.FirstName && x.LastName == y.LastName &&
		x.Email == y.Email && slices.Equal(x.OtherEmails, y.OtherEmails) && x.Phone == y.Phone && x.Mobile == y.Mobile &&
		x.JobTitle == y.JobTitle && x.ExternalID == y.ExternalID && x.Username == y.Username && x.Role == y.Role &&
		x.Language == y.Language && x.TimeZone == y.TimeZone && x.Address == y.Address && x.Description == y.Description &&
		slices.Equal(x.Tags, y.Tags) && sameCustom(x.Custom, y.Custom)
}

func sameMemberships(a, b []roster.Membership) bool {
	return slices.EqualFunc(a, b, func(m, n roster.Membership) bool {
		return m.CompanyID == n.CompanyID && m.ViewAllTickets == n.ViewAllTickets
	})
}

// sameCompany is sameContact for companies.
func sameCompany(a, b *roster.Company) bool {
	x, y := cloneCompany(a), cloneCompany(b)
	x.Normalize()
	y.Normalize()
	return x.ID == y.ID && x.Name == y.Name && x.ExternalID == y.ExternalID && slices.Equal(x.Domains, y.Domains) &&
		x.Website == y.Website && x.Phone == y.Phone && x.Description == y.Description && x.Industry == y.Industry &&
		x.Address == y.Address && slices.Equal(x.Tags, y.Tags) && sameCustom(x.Custom, y.Custom)
}

func sameCustom(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return false
		}
		switch v := v.(type) {
		case string:
			if s, ok := w.(string); ok {
				if v != s {
					return false
				}
				continue
			}
		case bool:
			if t, ok := w.(bool); ok {
				if v != t {
					return false
				}
				continue
			}
		}
		x, _ := json.Marshal(v)
		y, _ := json.Marshal(w)
		if string(x) != string(y) {
			return false
		}
	}
	return true
}

func snapshot(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
