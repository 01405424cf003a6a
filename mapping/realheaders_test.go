package mapping

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// testdata is the shared corpus of real exports, beside the repository.
const testdata = "../../shared/testdata"

// readHeader returns the first record of a CSV file, decoding UTF-16 by BOM.
func readHeader(t *testing.T, rel string, comma rune) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testdata, rel))
	if err != nil {
		t.Fatalf("shared test file missing: %v", err)
	}
	if bytes.HasPrefix(raw, []byte{0xff, 0xfe}) || bytes.HasPrefix(raw, []byte{0xfe, 0xff}) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		if raw, err = dec.Bytes(raw); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return header
}

// thunderbird is what every Thunderbird address-book export maps to.
var thunderbird = map[string]string{
	"First Name": "first_name", "Last Name": "last_name", "Display Name": "name",
	"Primary Email": "email", "Secondary Email": "other_emails", "Work Phone": "phone",
	"Mobile Number": "mobile", "Work Address": "address", "Work Address 2": "address", "Job Title": "job_title",
	"Work City": "address", "Work State": "address", "Work ZipCode": "address", "Work Country": "address",
	"Organization": "company", "Notes": "description",
}

func TestRealHeaders(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		comma rune
		kind  Kind
		want  map[string]string // header -> key; headers not listed must be unmapped
		warns int
	}{
		{"datablist customers", "contacts-datablist/customers-100.csv", ',', Contacts, map[string]string{
			"Customer Id": "external_id", "First Name": "first_name", "Last Name": "last_name",
			"Company": "company", "Phone 1": "phone", "Phone 2": "mobile", "Email": "email", "City": "address", "Country": "address",
		}, 2}, // Phone 2 repeats phone, and goes to mobile; city and country join into the address
		{"datablist customers large", "contacts-datablist/customers-10000.csv", ',', Contacts, map[string]string{
			"Customer Id": "external_id", "First Name": "first_name", "Last Name": "last_name",
			"Company": "company", "Phone 1": "phone", "Phone 2": "mobile", "Email": "email", "City": "address", "Country": "address",
		}, 2},
		{"datablist people", "contacts-datablist/people-100.excel-resaved.csv", ',', Contacts, map[string]string{
			"User Id": "external_id", "First Name": "first_name", "Last Name": "last_name",
			"Email": "email", "Phone": "phone", "Job Title": "job_title",
		}, 0},
		{"datablist people 1000", "contacts-datablist/people-1000.csv", ',', Contacts, map[string]string{
			"User Id": "external_id", "First Name": "first_name", "Last Name": "last_name",
			"Email": "email", "Phone": "phone", "Job Title": "job_title",
		}, 0},
		{"datablist organizations", "contacts-datablist/organizations-100.csv", ',', Companies, map[string]string{
			"Organization Id": "external_id", "Name": "name", "Website": "website",
			"Description": "description", "Industry": "industry", "Country": "address",
		}, 0},
		{"krayin persons", "crm-exports/krayin-crm-import-samples/persons.csv", ',', Contacts, map[string]string{
			"name": "name", "emails": "email", "contact_numbers": "phone",
			"organization_id": "company_external_id", "job_title": "job_title", "user_id": "external_id",
		}, 0},
		// The work address's lines and parts are joined; Home Phone, beside
		// the work phone and mobile, is ignored; the trailing comma makes a
		// blank last column.
		{"thunderbird basic", "crm-exports/thunderbird-addrbook-import/basic_addressbook.csv", ',', Contacts, thunderbird, 3},
		{"thunderbird basic csv", "crm-exports/thunderbird-addrbook-import/basic_csv_addressbook.csv", ',', Contacts, thunderbird, 2},
		{"thunderbird export", "crm-exports/thunderbird-addrbook-import/export_from_addrbook.csv", ',', Contacts, thunderbird, 2},
		{"thunderbird quoted", "crm-exports/thunderbird-addrbook-import/quote.csv", ',', Contacts, thunderbird, 2},
		{"thunderbird utf-16", "crm-exports/thunderbird-addrbook-import/utf16_addressbook.csv", ',', Contacts, thunderbird, 3},
		{"thunderbird shift-jis", "crm-exports/thunderbird-addrbook-import/shiftjis_addressbook.csv", ',', Contacts, thunderbird, 3},
		{"thunderbird semicolons", "crm-exports/thunderbird-addrbook-import/csv_semicolon.csv", ';', Contacts, map[string]string{
			"Display Name": "name", "First Name": "first_name", "Last Name": "last_name", "Primary Email": "email",
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := readHeader(t, tt.file, tt.comma)
			m := Auto(tt.kind, header, nil)
			found := map[string]bool{}
			for i, h := range header {
				want, listed := tt.want[h]
				if listed {
					found[h] = true
				}
				if m.Columns[i] != want {
					t.Errorf("column %q maps to %q, want %q", h, m.Columns[i], want)
				}
			}
			for h := range tt.want {
				if !found[h] {
					t.Errorf("header %q not in file; header is %q", h, header)
				}
			}
			if len(m.Warnings) != tt.warns {
				t.Errorf("warnings = %q, want %d", m.Warnings, tt.warns)
			}
			// Every column is mapped, listed as unmapped, or named by a warning.
			for i, h := range header {
				named := false
				for _, w := range m.Warnings {
					named = named || strings.Contains(w, strconv.Quote(h)) || strings.Contains(w, "column "+strconv.Itoa(i+1)+" ")
				}
				if m.Columns[i] == "" && !slices.Contains(m.Unmapped, h) && !named {
					t.Errorf("column %q is neither mapped, nor unmapped, nor warned of (unmapped %q, warnings %q)", h, m.Unmapped, m.Warnings)
				}
			}
		})
	}
}

// Zendesk's organizations and users as its API exports them to CSV.
var (
	zendeskOrgs  = []string{"id", "url", "name", "domain_names", "details", "notes", "group_id", "shared_tickets", "shared_comments", "tags", "external_id", "created_at", "updated_at", "organization_fields"}
	zendeskUsers = []string{"id", "url", "name", "email", "created_at", "updated_at", "time_zone", "iana_time_zone", "phone", "shared_phone_number", "photo", "locale_id", "locale", "organization_id", "role", "verified", "external_id", "tags", "alias", "active", "details", "notes", "user_fields", "ticket_restriction"}
)

func TestZendeskExports(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		header []string
		want   map[string]string // header -> key; the others unmapped
	}{
		// Its url is the API's address of the organization, not a website;
		// its id is what users' organization_id names.
		{"organizations", Companies, zendeskOrgs, map[string]string{
			"id": "external_id", "name": "name", "domain_names": "domains", "details": "description", "notes": "description", "tags": "tags",
		}},
		{"users", Contacts, zendeskUsers, map[string]string{
			"id": "external_id", "name": "name", "email": "email", "time_zone": "time_zone", "phone": "phone", "locale": "language",
			"organization_id": "company_external_id", "role": "role", "tags": "tags", "details": "description", "notes": "description",
			"ticket_restriction": "view_all_tickets",
		}},
		// Columns trimmed to the brief's: still Zendesk's.
		{"organizations, fewer columns", Companies, []string{"id", "url", "name", "domain_names", "external_id"}, map[string]string{
			"id": "external_id", "name": "name", "domain_names": "domains",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Auto(tt.kind, tt.header, nil)
			for i, h := range tt.header {
				if m.Columns[i] != tt.want[h] {
					t.Errorf("column %q maps to %q, want %q", h, m.Columns[i], tt.want[h])
				}
			}
			if !m.SpacedTags {
				t.Error("a Zendesk export's tags not read as separated by spaces")
			}
			for i, h := range tt.header {
				if want := map[bool]string{true: "organization"}[h == "ticket_restriction"]; m.YesWords[i] != want {
					t.Errorf("column %q reads %q as yes, want %q", h, m.YesWords[i], want)
				}
			}
			if !slices.Contains(m.Unmapped, "url") {
				t.Errorf("url not reported unmapped: %q", m.Unmapped)
			}
			if slices.Contains(m.Unmapped, "external_id") {
				t.Errorf("external_id both warned of and unmapped: %q", m.Unmapped)
			}
			if !slices.ContainsFunc(m.Warnings, func(w string) bool {
				return strings.HasPrefix(w, `column "external_id" is ignored: in a Zendesk export "id"`)
			}) {
				t.Errorf("warnings %q do not say why external_id is ignored", m.Warnings)
			}
		})
	}
}

// Only a Zendesk export reads so: elsewhere a URL column is the website
// and an external_id column the external id.
func TestNotZendeskExports(t *testing.T) {
	for _, header := range [][]string{
		{"id", "url", "name", "external_id"},                 // nothing only Zendesk has
		{"id", "name", "domain_names", "external_id"},        // no url
		{"ID", "URL", "Name", "Domain Names", "External ID"}, // not the API's names
		{"url", "name", "domain_names", "external_id"},       // no id
	} {
		m := Auto(Companies, header, nil)
		if m.SpacedTags {
			t.Errorf("%q: tags read as separated by spaces", header)
		}
		for i, h := range header {
			if f := Fold(h); f == "url" && m.Columns[i] != "website" || f == "externalid" && m.Columns[i] != "external_id" {
				t.Errorf("%q: column %q maps to %q", header, h, m.Columns[i])
			}
		}
	}
}

// An explicit mapping overrides the reading of a Zendesk export.
func TestZendeskExplicit(t *testing.T) {
	m, err := Apply(Companies, zendeskOrgs, map[string]string{"external_id": "external_id", "url": "website"}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range zendeskOrgs {
		want := map[string]string{"external_id": "external_id", "url": "website", "id": ""}
		if w, ok := want[h]; ok && m.Columns[i] != w {
			t.Errorf("column %q maps to %q, want %q", h, m.Columns[i], w)
		}
	}
}
