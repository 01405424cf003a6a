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
