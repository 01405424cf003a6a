package importer_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// exportFile is the path of a sample export in testdata/exports.
func exportFile(name string) string { return filepath.Join("..", "testdata", "exports", name) }

// unmapped lists the columns an import reported as not mapped.
func unmapped(res *importer.Result) []string {
	var out []string
	for _, w := range res.Warnings {
		if h, ok := strings.CutPrefix(w, "column "); ok && strings.HasSuffix(w, " is not mapped to a field and was ignored") {
			out = append(out, strings.TrimSuffix(h, " is not mapped to a field and was ignored"))
		}
	}
	return out
}

// TestExports imports each system's companies export and then its
// contacts export, as an admin moving from it would, and checks that
// every row imports, the columns Roster has a field for are mapped, and
// contacts are linked to the companies the export names.
func TestExports(t *testing.T) {
	type contact struct{ email, name, phone, mobile, extID string }
	tests := []struct {
		name               string
		companies, persons string
		region             string
		companyUnmapped    []string
		personUnmapped     []string
		websites           map[string]string   // company -> website
		links              map[string][]string // contact email -> companies
		contacts           []contact
	}{
		{
			name: "hubspot", companies: "hubspot-companies.csv", persons: "hubspot-contacts.csv", region: "US",
			companyUnmapped: []string{`"Company owner"`, `"Create Date"`, `"Last Activity Date"`, `"Lifecycle Stage"`, `"Number of Employees"`, `"Annual Revenue"`, `"Time Zone"`, `"Type"`, `"LinkedIn Company Page"`},
			personUnmapped:  []string{`"Contact owner"`, `"Lifecycle Stage"`, `"Lead Status"`, `"Create Date"`, `"Last Activity Date"`},
			websites:        map[string]string{"Acme": "https://www.acme.example", "Globex": "https://globex.example", "Umbrella; Iberia": "https://www.umbrella.example"},
			links: map[string][]string{
				"maria.johnson@acme.example": {"Acme", "Globex"}, "bh@globex.example": {"Globex"},
				"ana.lopez@umbrella.example": {"Umbrella; Iberia"}, "dharmesh@initech.example": nil,
			},
			contacts: []contact{{"maria.johnson@acme.example", "Maria Johnson", "+16175550134", "+16175550199", "51"}, {"bh@globex.example", "Brian Halligan", "+16175550150", "", "52"}},
		},
		{
			name: "freshdesk", companies: "freshdesk-companies.csv", persons: "freshdesk-contacts.csv", region: "US",
			companyUnmapped: []string{`"Health score"`, `"Account tier"`, `"Renewal date"`},
			personUnmapped:  []string{`"Twitter"`},
			links:           map[string][]string{"emily.garcia@acme.example": {"Acme Inc."}, "oliver@globex.example": {"Globex Ltd"}, "lukas.mueller@initech.example": {"Initech GmbH"}},
			contacts:        []contact{{"emily.garcia@acme.example", "Emily Garcia", "+14155550101", "+14155550199", "FD-1001"}, {"lukas.mueller@initech.example", "Lukas Müller", "+49301234567", "+4915123456789", "FD-1003"}},
		},
		{
			name: "freshservice", persons: "freshservice-requesters.csv", region: "US",
			personUnmapped: []string{`"Department"`, `"Reporting Manager"`, `"Location"`, `"Can see all tickets from associated departments"`},
			contacts:       []contact{{"priya.patel@acme.example", "Priya Patel", "+14155550110", "", ""}, {"tom.baker@acme.example", "Tom Baker", "", "+447911123456", ""}},
		},
		{
			name: "genesys cloud", persons: "genesys-contacts.csv", region: "US",
			personUnmapped: []string{`"Contact Middle Name"`, `"Contact Salutation"`, `"Account Phone"`, `"Account Industry"`, `"Account Url"`},
			links:          map[string][]string{"jane.doe@acme.example": {"Acme"}, "john.roe@globex.example": {"Globex"}},
			contacts:       []contact{{"jane.doe@acme.example", "Jane Doe", "+13175550100", "+13175550101", "GC-1"}},
		},
		{
			name: "raynet", companies: "raynet-klienti.csv", persons: "raynet-osoby.csv", region: "CZ",
			companyUnmapped: []string{`"IČ"`, `"DIČ"`, `"Stav"`, `"Rating"`, `"Vztah"`, `"Kategorie"`, `"E-mail"`, `"Vlastník"`, `"Datum vytvoření"`},
			personUnmapped:  []string{`"Titul před"`, `"Titul za"`, `"Vlastník"`, `"Datum vytvoření"`},
			websites:        map[string]string{"ACME s.r.o.": "https://www.acme.example", "Řízení staveb a.s.": "https://rizeni.example"},
			links:           map[string][]string{"jan.novak@acme.example": {"ACME s.r.o."}, "eva.svobodova@rizeni.example": {"Řízení staveb a.s."}},
			contacts:        []contact{{"eva.svobodova@rizeni.example", "Eva Svobodová", "+420541234567", "+420603987654", "102"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				if tc.companies != "" {
					res := e.importPath(exportFile(tc.companies), kind(roster.KindCompanies), region(tc.region))
					if c := res.Import.Counts; c.Failed != 0 || c.Created != c.Rows {
						t.Fatalf("companies: counts %+v, errors %+v", c, res.Errors)
					}
					if got := unmapped(res); !reflect.DeepEqual(got, tc.companyUnmapped) {
						t.Errorf("companies: unmapped %s, want %s", got, tc.companyUnmapped)
					}
				}
				res := e.importPath(exportFile(tc.persons), region(tc.region))
				if c := res.Import.Counts; c.Failed != 0 || c.Created != c.Rows {
					t.Fatalf("contacts: counts %+v, errors %+v", c, res.Errors)
				}
				if got := unmapped(res); !reflect.DeepEqual(got, tc.personUnmapped) {
					t.Errorf("contacts: unmapped %s, want %s", got, tc.personUnmapped)
				}
				byName := map[string]*roster.Company{}
				for _, co := range e.allCompanies() {
					byName[co.Name] = co
				}
				for name, want := range tc.websites {
					if co := byName[name]; co == nil || co.Website != want {
						t.Errorf("company %q stored as %+v, want website %s", name, co, want)
					}
				}
				for email, want := range tc.links {
					if got := membershipNames(e.byEmail(email)); !reflect.DeepEqual(got, want) {
						t.Errorf("%s: companies %q, want %q", email, got, want)
					}
				}
				for _, want := range tc.contacts {
					c := e.byEmail(want.email)
					if got := (contact{c.Email, c.Name, c.Phone, c.Mobile, c.ExternalID}); got != want {
						t.Errorf("stored %+v, want %+v", got, want)
					}
				}
				// The same export again changes nothing.
				again := e.importPath(exportFile(tc.persons), region(tc.region))
				if c := again.Import.Counts; c.Unchanged != c.Rows || c.CompaniesCreated != 0 {
					t.Errorf("contacts again: counts %+v, errors %+v", c, again.Errors)
				}
			})
		})
	}
}
