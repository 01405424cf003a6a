package mapping

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseExplicit(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want map[string]string
	}{
		{"empty spec", "", map[string]string{}},
		{"one entry", "Mail=email", map[string]string{"Mail": "email"}},
		{"headers with spaces", "E-mail Address=email, Work Phone = phone", map[string]string{"E-mail Address": "email", "Work Phone": "phone"}},
		{"quoted header with comma", `"Name, full"=name,Mail=email`, map[string]string{"Name, full": "name", "Mail": "email"}},
		{"quoted header with equals", `"a=b"=tags`, map[string]string{"a=b": "tags"}},
		{"doubled quote inside quotes", `"The ""real"" name"=name`, map[string]string{`The "real" name`: "name"}},
		{"quoted key", `Mail="email"`, map[string]string{"Mail": "email"}},
		{"ignore with dash", "Index=-", map[string]string{"Index": "-"}},
		{"ignore with empty key", "Index=", map[string]string{"Index": ""}},
		{"trailing and empty entries", "Mail=email,,Phone=phone,", map[string]string{"Mail": "email", "Phone": "phone"}},
		{"unicode headers", "이메일=email,Příjmení=last_name", map[string]string{"이메일": "email", "Příjmení": "last_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseExplicit(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseExplicit(%q) = %q, want %q", tt.spec, got, tt.want)
			}
		})
	}
}

func TestParseExplicitErrors(t *testing.T) {
	tests := []struct{ name, spec, want string }{
		{"no equals", "Foo", `mapping "Foo" has no '='`},
		{"no equals in second entry", "Mail=email,Foo Bar", `mapping "Foo Bar" has no '='`},
		{"unquoted comma splits the header", "Name, full=name", `mapping "Name" has no '='`},
		{"two equals", "a=b=c", `mapping "a=b=c" has more than one '='`},
		{"empty header", "=email", `mapping "=email" has no header name`},
		{"unterminated quote", `"Name, full=name`, `unterminated quote`},
		{"text after quote", `"Name" x=name`, `has text after its closing quote`},
		{"header twice", "Email=email, Email =other_emails", `header "Email" is mapped twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExplicit(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseExplicit(%q) error = %v, want one containing %q", tt.spec, err, tt.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	custom := []Custom{{Key: "loyalty_tier", Label: "Loyalty Tier"}}
	tests := []struct {
		name     string
		kind     Kind
		header   []string
		explicit map[string]string
		auto     bool
		want     []string
		unmapped []string
		warnings []string
	}{
		{name: "no explicit is Auto", kind: Contacts, header: []string{"Email", "Foo"}, auto: true,
			want: []string{"email", ""}, unmapped: []string{"Foo"}},
		{name: "explicit overrides auto", kind: Contacts, header: []string{"Title", "Position"},
			explicit: map[string]string{"Position": "job_title"}, auto: true,
			want:     []string{"", "job_title"},
			warnings: []string{`column "Title" would map to job_title, which the explicit mapping gives to "Position"; "Title" is ignored`}},
		{name: "explicit remaps an auto column", kind: Contacts, header: []string{"Phone", "Phone 2"},
			explicit: map[string]string{"Phone 2": "mobile"}, auto: true, want: []string{"phone", "mobile"}},
		{name: "explicit header matched by fold", kind: Contacts, header: []string{"E-MAIL ADDR"},
			explicit: map[string]string{"email addr": "email"}, want: []string{"email"}},
		{name: "exact header name wins over fold", kind: Contacts, header: []string{"E-mail", "Email"},
			explicit: map[string]string{"Email": "other_emails", "E-mail": "email"}, want: []string{"email", "other_emails"}},
		{name: "explicit custom key", kind: Contacts, header: []string{"Tier"},
			explicit: map[string]string{"Tier": "loyalty_tier"}, want: []string{"loyalty_tier"}},
		{name: "explicit key given loosely", kind: Contacts, header: []string{"X"},
			explicit: map[string]string{"X": "First Name"}, want: []string{"first_name"}},
		{name: "ignore with dash", kind: Contacts, header: []string{"Email", "Index"},
			explicit: map[string]string{"Email": "-", "Index": ""}, auto: true, want: []string{"", ""}},
		{name: "without auto the rest is unmapped", kind: Contacts, header: []string{"Mail", "Email", ""},
			explicit: map[string]string{"Mail": "email"},
			want:     []string{"email", "", ""}, unmapped: []string{"Email"},
			warnings: []string{"column 3 has no header name; it is ignored"}},
		{name: "auto duplicates still warned", kind: Companies, header: []string{"Name", "Company Name", "Web"},
			explicit: map[string]string{"Web": "website"}, auto: true,
			want:     []string{"name", "", "website"},
			warnings: []string{`columns "Name" and "Company Name" both map to name; "Company Name" is ignored`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Apply(tt.kind, tt.header, tt.explicit, custom, tt.auto)
			if err != nil {
				t.Fatal(err)
			}
			check(t, m, tt.want, tt.unmapped, tt.warnings)
		})
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name     string
		kind     Kind
		header   []string
		explicit map[string]string
		want     []string
	}{
		{"unknown key names it", Contacts, []string{"Mail"}, map[string]string{"Mail": "emial"},
			[]string{`unknown contacts field "emial"`, "Mail=emial", "loyalty_tier"}},
		{"key of the other kind", Companies, []string{"Mail"}, map[string]string{"Mail": "email"},
			[]string{`unknown companies field "email"`}},
		{"missing header names it", Contacts, []string{"Email"}, map[string]string{"Mobil": "mobile"},
			[]string{`the file has no column "Mobil"`}},
		{"two keys for one column", Contacts, []string{"Email"}, map[string]string{"Email": "email", "E-mail": "other_emails"},
			[]string{`both name column "Email"`}},
		{"one key for two columns", Contacts, []string{"A", "B"}, map[string]string{"A": "email", "B": "email"},
			[]string{`mappings for "A" and "B" both map to email`}},
		{"ambiguous folded header", Contacts, []string{"E-mail", "EMAIL"}, map[string]string{"e mail": "email"},
			[]string{`several columns match it: 1 ("E-mail"), 2 ("EMAIL")`}},
		{"every problem reported", Contacts, []string{"A"}, map[string]string{"A": "nope", "Z": "email"},
			[]string{`unknown contacts field "nope"`, `no column "Z"`}},
		{"unknown kind", "people", []string{"A"}, nil, []string{`unknown kind "people"`}},
	}
	custom := []Custom{{Key: "loyalty_tier", Label: "Loyalty Tier"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Apply(tt.kind, tt.header, tt.explicit, custom, true)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseThenApply(t *testing.T) {
	spec := `"Name, full"=name, Mail=email, Index=-`
	explicit, err := ParseExplicit(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Apply(Contacts, []string{"Index", "Name, full", "Mail", "Nachname"}, explicit, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	check(t, m, []string{"", "name", "email", "last_name"}, nil, nil)
}
