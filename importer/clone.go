package importer

import (
	"encoding/json"
	"maps"
	"slices"

	"roster"
)

func cloneContact(c *roster.Contact) *roster.Contact {
	n := *c
	n.OtherEmails = slices.Clone(c.OtherEmails)
	n.Tags = slices.Clone(c.Tags)
	n.Companies = slices.Clone(c.Companies)
	n.Custom = maps.Clone(c.Custom)
	if n.Custom == nil {
		n.Custom = map[string]any{}
	}
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
// timestamps and the read-only company names. Comparing canonical JSON
// makes int64 2 and float64 2 alike, as they are once stored.
func sameContact(a, b *roster.Contact) bool {
	x, y := cloneContact(a), cloneContact(b)
	for _, c := range []*roster.Contact{x, y} {
		c.Normalize()
		c.CreatedAt, c.UpdatedAt = zeroTime, zeroTime
		for i := range c.Companies {
			c.Companies[i].CompanyName = ""
		}
	}
	return sameJSON(x, y)
}

func sameCompany(a, b *roster.Company) bool {
	x, y := cloneCompany(a), cloneCompany(b)
	for _, c := range []*roster.Company{x, y} {
		c.Normalize()
		c.CreatedAt, c.UpdatedAt = zeroTime, zeroTime
	}
	return sameJSON(x, y)
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func snapshot(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
