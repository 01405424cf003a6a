package roster_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"roster"
)

func TestContactNormalize(t *testing.T) {
	c := &roster.Contact{FirstName: " Jan ", LastName: "Novák", OtherEmails: []string{"A@X.cz", "a@x.cz", " ", "b@x.cz"}, Tags: []string{"VIP", "vip", " beta "}}
	c.Normalize()
	if c.Name != "Jan Novák" {
		t.Errorf("name %q: derived from first and last name", c.Name)
	}
	if c.Email != "a@x.cz" || !reflect.DeepEqual(c.OtherEmails, []string{"b@x.cz"}) {
		t.Errorf("emails %q %v: the first other email becomes primary when there is none; duplicates fold", c.Email, c.OtherEmails)
	}
	if c.Role != roster.RoleCustomer || !reflect.DeepEqual(c.Tags, []string{"VIP", "beta"}) {
		t.Errorf("role %q tags %v", c.Role, c.Tags)
	}
	// Text is trimmed as the importer trims its cells.
	c = &roster.Contact{Name: "x", JobTitle: " CEO ", ExternalID: "A-1 ", Address: "\tMain St\n", Description: " d ", Phone: " +420601123456"}
	c.Normalize()
	if c.JobTitle != "CEO" || c.ExternalID != "A-1" || c.Address != "Main St" || c.Description != "d" || c.Phone != "+420601123456" {
		t.Errorf("untrimmed: %+v", c)
	}
	co := &roster.Company{Name: " Acme ", Industry: " Steel ", Website: " https://acme.example "}
	co.Normalize()
	if co.Name != "Acme" || co.Industry != "Steel" || co.Website != "https://acme.example" {
		t.Errorf("untrimmed: %+v", co)
	}
}

func TestIsE164(t *testing.T) {
	for s, want := range map[string]bool{
		"+420601123456": true, "+12": true, "+0123": false, "420601123456": false, "+42060112345678901": false, "+4206011x3456": false, "": false,
	} {
		if got := roster.IsE164(s); got != want {
			t.Errorf("IsE164(%q) = %v", s, got)
		}
	}
}

func TestFieldValue(t *testing.T) {
	f := &roster.FieldDef{Key: "plan", Type: roster.FieldDropdown, Choices: []string{"Free", "Pro"}, MaxLength: 255}
	if v, err := f.Value(" pro "); err != nil || v != "Pro" {
		t.Errorf("dropdown value %v, %v: matched case-insensitively, stored as the choice", v, err)
	}
	n := &roster.FieldDef{Key: "seats", Type: roster.FieldNumber}
	if _, err := n.Value(1.5); roster.ErrorCode(err) != roster.EINVALID {
		t.Errorf("1.5 as a whole number: %v", err)
	}
	d := &roster.FieldDef{Key: "since", Type: roster.FieldDate, MaxLength: 255}
	if _, err := d.Value("2023-02-29"); err == nil {
		t.Error("2023-02-29 accepted as a date")
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	e := roster.Errorf(roster.ECONFLICT, "email %s taken", "a@x.cz").With("field", "email")
	wrapped := fmt.Errorf("create: %w", e)
	if roster.ErrorCode(wrapped) != roster.ECONFLICT || roster.ErrorMessage(wrapped) != "email a@x.cz taken" {
		t.Errorf("wrapped domain error: %q %q", roster.ErrorCode(wrapped), roster.ErrorMessage(wrapped))
	}
	internal := errors.New("pq: connection reset")
	if roster.ErrorCode(internal) != roster.EINTERNAL || roster.ErrorMessage(internal) != "internal error" {
		t.Error("an internal error must not show its text")
	}
	if roster.ErrorCode(nil) != "" {
		t.Error("nil has no code")
	}
}

func TestFieldDefValidate(t *testing.T) {
	for name, f := range map[string]roster.FieldDef{
		"built-in key":    {Kind: roster.KindCompanies, Key: "domains", Type: roster.FieldText},
		"upper case":      {Kind: roster.KindContacts, Key: "Plan", Type: roster.FieldText},
		"choices on text": {Kind: roster.KindContacts, Key: "x", Type: roster.FieldText, Choices: []string{"a"}},
	} {
		f.Normalize()
		if err := f.Validate(); roster.ErrorCode(err) != roster.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Of several fields too long, validation names the first in the form's
// order, every time: a failed-rows file must not change from one run to
// the next.
func TestValidateNamesTheFirstFieldTooLong(t *testing.T) {
	long := strings.Repeat("é", roster.DefaultMaxLength+1)
	for range 20 {
		c := &roster.Contact{Name: "Jan", Email: "jan@x.cz", Role: roster.RoleCustomer, JobTitle: long, Address: long, Language: long}
		err := c.Validate(nil)
		var e *roster.Error
		if !errors.As(err, &e) || e.Details["field"] != "job_title" {
			t.Fatalf("Validate = %v, want job_title named", err)
		}
		if !strings.Contains(e.Message, fmt.Sprintf("is %d characters long", roster.DefaultMaxLength+1)) {
			t.Fatalf("message %q counts characters, not bytes", e.Message)
		}
		co := &roster.Company{Name: "Acme", Industry: long, Address: long}
		if err := co.Validate(nil); !errors.As(err, &e) || e.Details["field"] != "industry" {
			t.Fatalf("company Validate = %v, want industry named", err)
		}
	}
	c := &roster.Contact{Name: "Jan", Email: "jan@x.cz", Role: roster.RoleCustomer, Description: strings.Repeat("é", roster.MaxParagraph)}
	if err := c.Validate(nil); err != nil {
		t.Fatalf("a description of exactly the maximum in characters: %v", err)
	}
}

// Custom values are checked in the fields' order, and of several unknown
// keys the first in order is named: the same error every time.
func TestValidateCustomNamesTheFirstField(t *testing.T) {
	defs := []*roster.FieldDef{
		{Key: "plan", Type: roster.FieldDropdown, Choices: []string{"Free", "Pro"}, MaxLength: 255},
		{Key: "seats", Type: roster.FieldNumber},
		{Key: "since", Type: roster.FieldDate, MaxLength: 255},
		{Key: "region", Type: roster.FieldText, MaxLength: 255, Required: true},
	}
	field := func(err error) any {
		var e *roster.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not a roster.Error", err)
		}
		return e.Details["field"]
	}
	for range 20 {
		_, err := roster.ValidateCustom(defs, map[string]any{"since": "2023-02-29", "seats": 1.5, "plan": "Gold", "region": "EU"})
		if f := field(err); f != "plan" {
			t.Fatalf("three invalid values: %v names %v, want plan", err, f)
		}
		_, err = roster.ValidateCustom(defs, map[string]any{"since": "2023-02-29", "seats": 1.5, "region": "EU"})
		if f := field(err); f != "seats" {
			t.Fatalf("two invalid values: %v names %v, want seats", err, f)
		}
		_, err = roster.ValidateCustom(defs, map[string]any{"zeta": 1, "alpha": 2, "plan": "Pro", "region": "EU"})
		if f := field(err); f != "alpha" {
			t.Fatalf("unknown keys: %v names %v, want alpha", err, f)
		}
	}
	if _, err := roster.ValidateCustom(defs, map[string]any{"plan": "Pro", "region": " "}); field(err) != "region" {
		t.Fatalf("a required field left blank: %v", err)
	}
	got, err := roster.ValidateCustom(defs, map[string]any{"plan": "pro", "seats": 3.0, "since": "", "region": "EU"})
	if err != nil || !reflect.DeepEqual(got, map[string]any{"plan": "Pro", "seats": int64(3), "region": "EU"}) {
		t.Fatalf("ValidateCustom = %#v, %v: canonical values, blanks left out", got, err)
	}
}

// A full name is written as its script writes it.
func TestFullName(t *testing.T) {
	for _, tc := range []struct{ first, last, want string }{
		{"Ada", "Lovelace", "Ada Lovelace"},
		{" Ada ", "", "Ada"},
		{"", " Lovelace", "Lovelace"},
		{" ", " ", ""},
		{"Jiří", "Novák", "Jiří Novák"},
		{"五", "王", "王五"},
		{"花子", "田中", "田中花子"},
		{"민준", "김", "김민준"},
		{"ハナコ", "タナカ", "タナカハナコ"},
		{"Ming", "王", "Ming 王"}, // mixed scripts: the Western order
	} {
		if got := roster.FullName(tc.first, tc.last); got != tc.want {
			t.Errorf("FullName(%q, %q) = %q; want %q", tc.first, tc.last, got, tc.want)
		}
	}
}
