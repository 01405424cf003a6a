package importer

import (
	"roster"
	"roster/mapping"
)

// roles reads the role words other systems export, folded (mapping.Fold):
// Zendesk's end-user and admin, Freshdesk's and HubSpot's contact, and
// the words of the languages the header synonyms cover.
var roles = map[string]string{}

func init() {
	for role, words := range map[string][]string{
		roster.RoleCustomer: {"customer", "end-user", "user", "contact", "requester", "client",
			"zákazník", "kunde", "cliente", "고객", "客户", "顧客"},
		roster.RoleAgent: {"agent", "admin", "administrator", "staff", "light agent", "operator",
			"agente", "상담원", "客服", "エージェント"},
	} {
		for _, w := range words {
			roles[mapping.Fold(w)] = role
		}
	}
}

// roleOf returns the role a cell names, or false.
func roleOf(v string) (string, bool) {
	role, ok := roles[mapping.Fold(v)]
	return role, ok
}
