package mapping

import (
	"reflect"
	"slices"
	"testing"
)

// HubSpot's associated-companies columns split on ";" and win over the
// contact's own "Company Name"; no other company column splits on it.
func TestListColumns(t *testing.T) {
	header := []string{"Record ID", "Company Name", "Associated Company IDs", "Associated Company"}
	m := Auto(Contacts, header, nil)
	if want := []string{"external_id", "", "company_external_id", "company"}; !slices.Equal(m.Columns, want) {
		t.Fatalf("columns %q, want %q", m.Columns, want)
	}
	if want := []string{"", "", ";", ";"}; !slices.Equal(m.Separators, want) {
		t.Errorf("separators %q, want %q", m.Separators, want)
	}
	if want := `columns "Company Name" and "Associated Company" both map to company; "Company Name" is ignored`; !slices.Contains(m.Warnings, want) {
		t.Errorf("warnings %q, want %q", m.Warnings, want)
	}

	for _, h := range []string{"Company", "Company Name", "Associated Company (Primary)", "Associated Company IDs (Primary)", "Firma"} {
		if m := Auto(Contacts, []string{h}, nil); m.Columns[0] == "" || m.Separators[0] != "" {
			t.Errorf("%q maps to %q with separator %q, want a key and no separator", h, m.Columns[0], m.Separators[0])
		}
	}
	// A companies file's "Associated Company" is no list of the company's.
	if m := Auto(Companies, []string{"Company name", "Associated Company"}, nil); m.Separators[1] != "" {
		t.Errorf("companies: separator %q", m.Separators[1])
	}
	// Mapped explicitly to its own key it still splits; to another, not.
	m, err := Apply(Contacts, []string{"Associated Company", "Notes"}, map[string]string{"Associated Company": "company"}, nil, false)
	if err != nil || m.Separators[0] != ";" {
		t.Errorf("explicit: separators %q, %v", m.Separators, err)
	}
	m, err = Apply(Contacts, []string{"Associated Company"}, map[string]string{"Associated Company": "description"}, nil, true)
	if err != nil || m.Separators[0] != "" {
		t.Errorf("explicit description: separators %q, %v", m.Separators, err)
	}
}

// Every list column is a synonym of the key it lists, so that it maps.
func TestListColumnsAreSynonyms(t *testing.T) {
	for f, key := range listIndex {
		if synonymIndex[Contacts][f] != key {
			t.Errorf("list column %q (%s) is not a synonym of %s", f, key, key)
		}
	}
}

// HubSpot's "(Primary)" columns beside the whole list name which of it
// comes first; alone, they are the contact's company.
func TestHubSpotPrimaryColumns(t *testing.T) {
	header := []string{"Email", "Associated Company IDs", "Associated Company", "Associated Company IDs (Primary)", "Associated Company (Primary)"}
	m := Auto(Contacts, header, nil)
	if want := map[string]int{"company_external_id": 3, "company": 4}; !reflect.DeepEqual(m.Primaries, want) {
		t.Errorf("primaries %v, want %v", m.Primaries, want)
	}
	if len(m.Warnings) != 0 || len(m.Unmapped) != 0 {
		t.Errorf("warnings %q, unmapped %q", m.Warnings, m.Unmapped)
	}
	alone := Auto(Contacts, []string{"Email", "Associated Company (Primary)", "Company Name"}, nil)
	if alone.Columns[1] != "company" || len(alone.Primaries) != 0 {
		t.Errorf("the primary column alone maps to %q, primaries %v", alone.Columns[1], alone.Primaries)
	}
}
