package mapping

import "testing"

// TestExportHeaders: the headers other systems' exports write, as they
// write them, map to the keys an admin of that system expects; the
// columns Roster has no field for stay unmapped.
func TestExportHeaders(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		want map[string]string // header -> key ("" unmapped)
	}{
		{"hubspot contacts", Contacts, map[string]string{
			"Record ID": "external_id", "First Name": "first_name", "Last Name": "last_name", "Email": "email",
			"Phone Number": "phone", "Mobile Phone Number": "mobile", "Job Title": "job_title", "Contact owner": "",
			"Lifecycle Stage": "", "Create Date": "", "Street Address": "address", "City": "address",
			"State/Region": "address", "Postal Code": "address", "Country/Region": "address",
			"Preferred language": "language", "Time Zone": "time_zone", "Additional email addresses": "other_emails",
			"Company Name": "", "Associated Company IDs": "company_external_id", "Associated Company": "company",
		}},
		{"hubspot companies", Companies, map[string]string{
			"Record ID": "external_id", "Company name": "name", "Company Domain Name": "domains", "Website URL": "website",
			"Phone Number": "phone", "Industry": "industry", "Street Address": "address", "Street Address 2": "address",
			"City": "address", "State/Region": "address", "Postal Code": "address", "Country/Region": "address",
			"Description": "description", "Lifecycle Stage": "", "Create Date": "", "Number of Employees": "",
		}},
		{"freshdesk contacts", Contacts, map[string]string{
			"Full name": "name", "Email": "email", "Job title": "job_title", "Work phone": "phone", "Mobile phone": "mobile",
			"Twitter": "", "Company": "company", "Can see all tickets from this company": "view_all_tickets",
			"Address": "address", "Time zone": "time_zone", "Language": "language", "About": "description",
			"Tags": "tags", "Unique external ID": "external_id",
		}},
		{"freshdesk companies", Companies, map[string]string{
			"Company Name": "name", "Description": "description", "Notes": "description",
			"Domains for this company": "domains", "Health score": "", "Account tier": "", "Industry": "industry",
		}},
		{"freshservice requesters", Contacts, map[string]string{
			"First Name": "first_name", "Last Name": "last_name", "Primary Email": "email", "Secondary Emails": "other_emails",
			"Job Title": "job_title", "Work Phone": "phone", "Mobile Phone": "mobile", "Department": "", "Reporting Manager": "",
			"Time Zone": "time_zone", "Language": "language", "Address": "address", "Background Information": "description",
		}},
		{"genesys cloud external contacts", Contacts, map[string]string{
			"Contact Id": "external_id", "Contact First Name": "first_name", "Contact Middle Name": "", "Contact Last Name": "last_name",
			"Contact Title": "job_title", "Contact Work Phone": "phone", "Contact Cell Phone": "mobile", "Contact Home Phone": "",
			"Contact Work Email": "email", "Contact Personal Email": "other_emails", "Contact Address1": "address",
			"Contact Address2": "address", "Contact City": "address", "Contact State": "address", "Contact Postal Code": "address",
			"Contact Country Code": "address", "Account Id": "company_external_id", "Account Name": "company", "Account Phone": "",
		}},
		{"genesys cloud external organizations", Companies, map[string]string{
			"Contact Id": "", "Contact First Name": "", "Contact City": "", "Account Id": "external_id", "Account Name": "name",
			"Account Phone": "phone", "Account Industry": "industry", "Account Url": "website", "Account Address1": "address", "Account City": "address",
		}},
		{"raynet persons", Contacts, map[string]string{
			"ID": "external_id", "Titul před": "", "Jméno": "first_name", "Příjmení": "last_name", "Klient": "company",
			"Pozice": "job_title", "E-mail": "email", "E-mail 2": "other_emails", "Telefon": "phone", "Mobil": "mobile",
			"Ulice": "address", "Město": "address", "PSČ": "address", "Země": "address", "Štítky": "tags", "Poznámka": "description", "Vlastník": "",
		}},
		{"raynet accounts", Companies, map[string]string{
			"ID": "external_id", "Název": "name", "IČ": "", "DIČ": "", "Stav": "", "Obor": "industry", "Telefon": "phone", "Web": "website",
			"Ulice": "address", "Město": "address", "PSČ": "address", "Země": "address", "Štítky": "tags", "Poznámka": "description",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			for h := range tt.want {
				header = append(header, h)
			}
			m := Auto(tt.kind, header, nil)
			for i, h := range header {
				if m.Columns[i] != tt.want[h] {
					t.Errorf("%q maps to %q, want %q", h, m.Columns[i], tt.want[h])
				}
			}
		})
	}
}
