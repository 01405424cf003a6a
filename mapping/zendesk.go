package mapping

import (
	"fmt"
	"strings"
)

// Zendesk's organizations and users, exported from its API as JSON and
// turned into CSV, keep the API's field names: "id", "url", "external_id",
// "domain_names", "organization_id"… Two of them mean something else than
// their names say elsewhere:
//   - "url" is the record's API address
//     (https://acme.zendesk.com/api/v2/organizations/123.json), not the
//     company's website; it is left unmapped.
//   - "id" is Zendesk's own id, which a user's "organization_id" names, so it
//     is the external id that links users to their companies; Zendesk's
//     optional "external_id" (an id from yet another system, blank for most
//     records) is ignored with a warning rather than taking its place.
//   - a user's "ticket_restriction" of "organization" is view_all_tickets
//     for the user's organization (see Mapping.YesWords).

// zendeskOnly are field names that only Zendesk's organizations and users
// carry, folded; beside "id" and "url" they tell a Zendesk export.
var zendeskOnly = map[string]bool{}

func init() {
	for _, f := range []string{
		"domain_names", "shared_tickets", "shared_comments", "group_id", "organization_fields",
		"organization_id", "locale_id", "user_fields", "ticket_restriction", "only_private_comments",
		"shared_phone_number", "role_type", "iana_time_zone", "restricted_agent",
		"two_factor_auth_enabled", "default_group_id", "custom_role_id",
	} {
		zendeskOnly[Fold(f)] = true
	}
}

// zendeskColumns are the columns of a Zendesk export that map unlike
// their names, or -1 for each if the header is no Zendesk export.
type zendeskColumns struct{ id, url, externalID, restriction int }

// zendeskSeesOrganization is the ticket_restriction of a Zendesk user who
// sees every ticket of their organization: what Roster's
// view_all_tickets says of the user's company. Its other values
// (requested, assigned, groups) or none leave the flag as it is.
const zendeskSeesOrganization = "organization"

// zendeskExport finds the columns "id", "url" and "external_id" of a
// header written as Zendesk's API names them, beside a field only
// Zendesk has.
func zendeskExport(header []string) zendeskColumns {
	z := zendeskColumns{-1, -1, -1, -1}
	own := false
	for i, h := range header {
		switch strings.TrimSpace(h) {
		case "id":
			z.id = i
		case "url":
			z.url = i
		case "external_id":
			z.externalID = i
		case "ticket_restriction":
			z.restriction = i
			own = true
		default:
			own = own || zendeskOnly[Fold(h)]
		}
	}
	if !own || z.id < 0 || z.url < 0 {
		return zendeskColumns{-1, -1, -1, -1}
	}
	return z
}

func zendeskNote(header []string, z zendeskColumns) noted {
	return noted{z.externalID, fmt.Sprintf("column %q is ignored: in a Zendesk export %q is the record's id, which users' organization_id refers to, and gives the external id (--map '%s=external_id' takes %q instead)",
		header[z.externalID], header[z.id], header[z.externalID], header[z.externalID])}
}
