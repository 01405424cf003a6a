package importer_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"roster"
)

// A Zendesk account's organizations and users, as its API exports them to
// CSV: the users' organization_id is the organizations' id.
const (
	zendeskOrgs = "id,url,name,domain_names,details,notes,group_id,shared_tickets,tags,external_id,created_at,updated_at\n" +
		"360001,https://acme.zendesk.com/api/v2/organizations/360001.json,Globex,globex.com globex.io,Big customer,Call first,,false,vip,CRM-17,2020-01-01T00:00:00Z,2020-01-02T00:00:00Z\n" +
		"360002,https://acme.zendesk.com/api/v2/organizations/360002.json,Initech,initech.com,,,,true,,,2020-01-01T00:00:00Z,2020-01-02T00:00:00Z\n"
	zendeskUsers = "id,url,name,email,phone,organization_id,role,external_id,tags,time_zone,locale,details,notes\n" +
		"9001,https://acme.zendesk.com/api/v2/users/9001.json,Ann Lee,ann@globex.com,+1 206 555 0100,360001,end-user,SSO-1,vip,Eastern Time (US & Canada),en-US,,\n" +
		"9002,https://acme.zendesk.com/api/v2/users/9002.json,Bob Ray,bob@initech.com,,360002,end-user,,,Pacific Time (US & Canada),en-US,,\n" +
		"9003,https://acme.zendesk.com/api/v2/users/9003.json,Cid Vo,cid@acme.com,,,admin,,,,,,\n"
)

// An organization's url is Zendesk's API address, no website; its id is
// what the users' organization_id names, so users link to the companies
// imported from the same account, whatever its external_id holds.
func TestZendeskUsersLinkToOrganizations(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run(zendeskOrgs, kind(roster.KindCompanies))
		e.counts(res, 2, 0, 0, 0)
		if !slices.Contains(res.Warnings, `column "url" is not mapped to a field and was ignored`) {
			t.Errorf("warnings %q do not report url unmapped", res.Warnings)
		}
		byName := map[string]*roster.Company{}
		for _, co := range e.companies() {
			byName[co.Name] = co
			if co.Website != "" {
				t.Errorf("%s: website %q, from Zendesk's API url", co.Name, co.Website)
			}
		}
		if g := byName["Globex"]; g == nil || g.ExternalID != "360001" || !reflect.DeepEqual(g.Domains, []string{"globex.com", "globex.io"}) {
			t.Fatalf("Globex stored as %+v", g)
		}

		res = e.run(zendeskUsers)
		e.counts(res, 3, 0, 0, 0)
		if res.Import.Counts.CompaniesCreated != 0 {
			t.Errorf("%d companies created; the users' organizations were imported", res.Import.Counts.CompaniesCreated)
		}
		for email, want := range map[string]string{"ann@globex.com": "Globex", "bob@initech.com": "Initech", "cid@acme.com": ""} {
			c := e.byEmail(email)
			if got := strings.Join(membershipNames(c), ","); got != want {
				t.Errorf("%s: companies %q, want %q", email, got, want)
			}
		}
		if ann := e.byEmail("ann@globex.com"); ann.ExternalID != "9001" || ann.Role != roster.RoleCustomer {
			t.Errorf("Ann stored as external id %q, role %q", ann.ExternalID, ann.Role)
		}
		if cid := e.byEmail("cid@acme.com"); cid.Role != roster.RoleAgent {
			t.Errorf("an admin stored as %q", cid.Role)
		}
	})
}

// Zendesk's API holds tags and domain names as lists, which a JSON-to-CSV
// conversion writes as JSON: they read as their values, and an empty list
// as none, rather than as tags of brackets and quotes or failed domains.
func TestZendeskListCells(t *testing.T) {
	const orgs = "id,url,name,domain_names,tags\n" +
		`1,https://a.zendesk.com/api/v2/organizations/1.json,Globex,"[""globex.com"",""Globex.io""]","[""vip"",""beta""]"` + "\n" +
		"2,https://a.zendesk.com/api/v2/organizations/2.json,Initech,[],[]\n"
	const users = "name,email,tags\n" +
		`Ann,ann@globex.com,"[""vip"", ""beta""]"` + "\n" +
		"Bob,bob@initech.com,[]\n"
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run(orgs, kind(roster.KindCompanies)), 2, 0, 0, 0)
		want := map[string][2][]string{"Globex": {{"globex.com", "globex.io"}, {"vip", "beta"}}, "Initech": {{}, {}}}
		for _, co := range e.companies() {
			if got := [2][]string{co.Domains, co.Tags}; !reflect.DeepEqual(got, want[co.Name]) {
				t.Errorf("%s: domains and tags %q, want %q", co.Name, got, want[co.Name])
			}
		}
		e.counts(e.run(users), 2, 0, 0, 0)
		if tags := e.byEmail("ann@globex.com").Tags; !reflect.DeepEqual(tags, []string{"vip", "beta"}) {
			t.Errorf("Ann's tags %q", tags)
		}
		if tags := e.byEmail("bob@initech.com").Tags; len(tags) != 0 {
			t.Errorf("Bob's tags %q, from an empty list", tags)
		}
	})
}

// Zendesk's tags hold no spaces and are separated by them ("vip beta" is
// two tags there); in another system's file a tag may hold a space.
func TestZendeskTagsSeparatedBySpaces(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("id,url,name,email,organization_id,tags\n"+
			"9001,https://a.zendesk.com/api/v2/users/9001.json,Ann Lee,ann@globex.com,,vip  beta_tester\n"), 1, 0, 0, 0)
		if tags := e.byEmail("ann@globex.com").Tags; !reflect.DeepEqual(tags, []string{"vip", "beta_tester"}) {
			t.Errorf("Zendesk user's tags %q", tags)
		}
		e.counts(e.run("id,url,name,domain_names,tags\n1,https://a.zendesk.com/api/v2/organizations/1.json,Globex,globex.com,enterprise emea\n",
			kind(roster.KindCompanies)), 1, 0, 0, 0)
		if cos := e.companies(); len(cos) != 1 || !reflect.DeepEqual(cos[0].Tags, []string{"enterprise", "emea"}) {
			t.Errorf("Zendesk organization stored as %+v", cos)
		}
		e.counts(e.run("name,email,tags\nBob,bob@x.com,key account\n"), 1, 0, 0, 0)
		if tags := e.byEmail("bob@x.com").Tags; !reflect.DeepEqual(tags, []string{"key account"}) {
			t.Errorf("tags %q, want the one tag of another system's file", tags)
		}
	})
}

// A Zendesk user whose ticket_restriction is "organization" sees every
// ticket of their organization: view_all_tickets for its company. Any
// other restriction leaves the flag unset, and a user without an
// organization imports as well.
func TestZendeskTicketRestriction(t *testing.T) {
	const users = "id,url,name,email,organization_id,ticket_restriction\n" +
		"9001,https://acme.zendesk.com/api/v2/users/9001.json,Ann Lee,ann@globex.com,360001,organization\n" +
		"9002,https://acme.zendesk.com/api/v2/users/9002.json,Bob Ray,bob@initech.com,360002,requested\n" +
		"9003,https://acme.zendesk.com/api/v2/users/9003.json,Cid Vo,cid@acme.com,,requested\n" +
		"9004,https://acme.zendesk.com/api/v2/users/9004.json,Dee Oz,dee@globex.com,360001,\n"
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run(zendeskOrgs, kind(roster.KindCompanies)), 2, 0, 0, 0)
		res := e.run(users)
		e.counts(res, 4, 0, 0, 0)
		for _, w := range res.Warnings {
			if strings.Contains(w, "ticket_restriction") {
				t.Errorf("warning %q: the column is mapped", w)
			}
		}
		for email, want := range map[string]bool{"ann@globex.com": true, "bob@initech.com": false, "dee@globex.com": false} {
			c := e.byEmail(email)
			if len(c.Companies) != 1 || c.Companies[0].ViewAllTickets != want {
				t.Errorf("%s: memberships %+v, want view_all_tickets %v", email, c.Companies, want)
			}
		}
		if cid := e.byEmail("cid@acme.com"); len(cid.Companies) != 0 {
			t.Errorf("Cid, of no organization: %+v", cid.Companies)
		}
	})
}
