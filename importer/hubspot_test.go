package importer_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"roster"
)

// TestHubSpotAssociatedCompanies: HubSpot's contacts export lists a
// contact's associated companies in one cell, separated by ";", with
// their ids beside them in the same order. Each is a company of its own,
// linked by its HubSpot id; a plain company column keeps its ";".
func TestHubSpotAssociatedCompanies(t *testing.T) {
	const file = `"Record ID","First Name","Last Name","Email","Company Name","Associated Company IDs","Associated Company"
"51","Maria","Johnson","maria@acme.example","Acme Inc.","9001;9002","Acme;Globex"
"52","Brian","Halligan","bh@globex.example","","9002","Globex"
"53","Ana","Lopez","ana@umbrella.example","","9003","Umbrella; Iberia"
"54","Lee","Park","lee@acme.example","","9001;9002","Acme;Glo;bex"
"55","Dee","Shah","dee@initech.example","","",""
`
	each(t, func(t *testing.T, e *env) {
		res := e.run(file)
		e.counts(res, 5, 0, 0, 0)
		if got, want := companyNames(e.allCompanies()), []string{"Acme", "Globex", "Umbrella; Iberia"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("companies %q, want %q", got, want)
		}
		for _, tc := range []struct {
			email string
			want  []string
		}{
			{"maria@acme.example", []string{"Acme", "Globex"}},
			{"bh@globex.example", []string{"Globex"}},
			{"ana@umbrella.example", []string{"Umbrella; Iberia"}}, // one id: one company, the whole cell its name
			{"lee@acme.example", []string{"Acme", "Globex"}},       // names that do not line up with the ids: the ids say which
			{"dee@initech.example", nil},
		} {
			if got := membershipNames(e.byEmail(tc.email)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: companies %q, want %q", tc.email, got, tc.want)
			}
		}
		for _, co := range e.allCompanies() {
			if want := map[string]string{"Acme": "9001", "Globex": "9002", "Umbrella; Iberia": "9003"}[co.Name]; co.ExternalID != want {
				t.Errorf("company %q has external id %q, want %q", co.Name, co.ExternalID, want)
			}
		}
		// Imported again, nothing changes: the lists read the same way.
		e.counts(e.run(file), 0, 0, 5, 0)
	})
}

// TestPlainCompanyKeepsSemicolon: outside HubSpot's associated-companies
// columns a ";" is part of a company's name.
func TestPlainCompanyKeepsSemicolon(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("Name,Email,Company\nAnn,ann@x.example,Umbrella; Iberia\nBob,bob@x.example,Acme||Globex\n"), 2, 0, 0, 0)
		if got, want := membershipNames(e.byEmail("ann@x.example")), []string{"Umbrella; Iberia"}; !reflect.DeepEqual(got, want) {
			t.Errorf("ann: companies %q, want %q", got, want)
		}
		if got, want := membershipNames(e.byEmail("bob@x.example")), []string{"Acme", "Globex"}; !reflect.DeepEqual(got, want) {
			t.Errorf("bob: companies %q, want %q", got, want)
		}
	})
}

// HubSpot keeps a company's main domain and its others in two columns:
// the company gets them all, once each.
func TestHubSpotAdditionalDomains(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run(`"Record ID","Company name","Company Domain Name","Additional Domains"`+"\n"+
			`"9001","Acme","acme.example","acme.io;acme-corp.example;acme.example"`+"\n"+
			`"9002","Globex","globex.example",""`+"\n", kind(roster.KindCompanies))
		e.counts(res, 2, 0, 0, 0)
		want := map[string][]string{"Acme": {"acme.example", "acme.io", "acme-corp.example"}, "Globex": {"globex.example"}}
		for _, co := range e.companies() {
			if !reflect.DeepEqual(co.Domains, want[co.Name]) {
				t.Errorf("%s: domains %q, want %q", co.Name, co.Domains, want[co.Name])
			}
		}
		if !slices.Contains(res.Warnings, `columns "Company Domain Name" and "Additional Domains" both map to domains; their cells are joined with a comma`) {
			t.Errorf("warnings %q", res.Warnings)
		}
	})
}

// HubSpot writes a contact's primary company beside the whole list: it
// comes first, as the default, wherever the list has it.
func TestHubSpotPrimaryCompanyFirst(t *testing.T) {
	const file = `"Record ID","Email","First Name","Associated Company IDs","Associated Company","Associated Company IDs (Primary)","Associated Company (Primary)"
"51","maria@acme.example","Maria","9001;9002;9003","Acme;Globex;Initech","9002","Globex"
"52","bh@globex.example","Brian","9001;9002","Acme;Globex","","Globex"
"53","ana@acme.example","Ana","9001;9002","Acme;Globex","9001","Acme"
"54","lee@acme.example","Lee","9001","Acme","9009","Hooli"
`
	each(t, func(t *testing.T, e *env) {
		res := e.run(file)
		e.counts(res, 4, 0, 0, 0)
		for _, w := range res.Warnings {
			if strings.Contains(w, "(Primary)") {
				t.Errorf("warning %q: the primary columns are read", w)
			}
		}
		for email, want := range map[string][]string{
			"maria@acme.example": {"Globex", "Acme", "Initech"},
			"bh@globex.example":  {"Globex", "Acme"}, // by name, without the id
			"ana@acme.example":   {"Acme", "Globex"},
			"lee@acme.example":   {"Acme"}, // a primary the list lacks changes nothing
		} {
			if got := membershipNames(e.byEmail(email)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: companies %q, want %q, the primary first", email, got, want)
			}
		}
		e.counts(e.run(file), 0, 0, 4, 0)
	})
}
