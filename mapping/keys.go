package mapping

// Kind names what a file holds: contacts or companies.
type Kind string

// Contacts is the kind of a file of people.
const Contacts Kind = "contacts"

// Companies is the kind of a file of organizations.
const Companies Kind = "companies"

// Canonical keys, in the order the import documentation lists them.
var canonicalKeys = map[Kind][]string{
	Contacts: {
		"name", "first_name", "last_name", "email", "other_emails", "phone", "mobile",
		"company", "company_external_id", "view_all_tickets", "job_title", "tags",
		"external_id", "username", "role", "language", "time_zone", "address", "description",
	},
	Companies: {
		"name", "external_id", "domains", "website", "phone", "description",
		"industry", "address", "tags",
	},
}

// Keys returns the canonical field keys of kind in documentation order, or nil for an unknown kind.
func Keys(kind Kind) []string {
	keys := canonicalKeys[kind]
	if keys == nil {
		return nil
	}
	// A copy, so callers cannot corrupt the table.
	return append([]string(nil), keys...)
}

// isKey reports whether key is a canonical key of kind.
func isKey(kind Kind, key string) bool {
	for _, k := range canonicalKeys[kind] {
		if k == key {
			return true
		}
	}
	return false
}

// Custom is one of a tenant's custom fields, matched by its key or its label.
type Custom struct {
	Key   string
	Label string
}
