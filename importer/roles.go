package importer

import (
	"strings"

	"roster"
)

// roles reads the role words other systems export, folded by roleKey:
// Zendesk's end-user and admin, Freshdesk's and HubSpot's contact, and
// the words of the languages the header synonyms cover.
var roles = map[string]string{}

func init() {
	for role, words := range map[string][]string{
		roster.RoleCustomer: {"customer", "end-user", "enduser", "end user", "user", "contact", "requester", "client",
			"zákazník", "kunde", "cliente", "고객", "客户", "顧客"},
		roster.RoleAgent: {"agent", "admin", "administrator", "staff", "light agent", "operator", "operátor",
			"agente", "상담원", "客服", "エージェント"},
	} {
		for _, w := range words {
			roles[roleKey(w)] = role
		}
	}
}

// roleKey folds case, spaces, hyphens and underscores.
func roleKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// roleOf returns the role a cell names, or false.
func roleOf(v string) (string, bool) {
	role, ok := roles[roleKey(v)]
	return role, ok
}
