package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"roster"
)

// Opener returns a fresh, empty, migrated store for one test.
type Opener func(t testing.TB) roster.Store

// env is one test's store with a tenant and helpers.
type env struct {
	t      *testing.T
	ctx    context.Context
	s      roster.Store
	tenant *roster.Tenant
}

func newEnv(t *testing.T, open Opener) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), s: open(t)}
	e.tenant = e.mustTenant("acme")
	return e
}

func (e *env) mustTenant(name string) *roster.Tenant {
	e.t.Helper()
	tn, err := e.s.CreateTenant(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return tn
}

func (e *env) mustContact(c *roster.Contact) *roster.Contact {
	e.t.Helper()
	if err := e.s.CreateContact(e.ctx, e.tenant.ID, c); err != nil {
		e.t.Fatalf("create contact %+v: %v", c, err)
	}
	return c
}

func (e *env) mustCompany(name string) *roster.Company {
	e.t.Helper()
	c := &roster.Company{Name: name}
	if err := e.s.CreateCompany(e.ctx, e.tenant.ID, c); err != nil {
		e.t.Fatalf("create company %q: %v", name, err)
	}
	return c
}

func (e *env) mustField(f *roster.FieldDef) {
	e.t.Helper()
	if err := e.s.CreateField(e.ctx, e.tenant.ID, f); err != nil {
		e.t.Fatalf("create field %+v: %v", f, err)
	}
}

// wantCode fails unless err carries the domain error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := roster.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantField fails unless err is a domain error naming field in its details.
func wantField(t *testing.T, err error, code, field string) {
	t.Helper()
	wantCode(t, err, code)
	if got := err.(*roster.Error).Details["field"]; got != field {
		t.Fatalf("error %q names field %v, want %q", err, got, field)
	}
}

// Run runs the whole storage suite against stores from open.
func Run(t *testing.T, open Opener) {
	t.Run("Tenants", func(t *testing.T) { testTenants(t, open) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open) })
	t.Run("Fields", func(t *testing.T) { testFields(t, open) })
	t.Run("CustomValues", func(t *testing.T) { testCustomValues(t, open) })
	t.Run("Contacts", func(t *testing.T) { testContacts(t, open) })
	t.Run("ContactUniqueness", func(t *testing.T) { testContactUniqueness(t, open) })
	t.Run("EmailSpellings", func(t *testing.T) { testEmailSpellings(t, open) })
	t.Run("Memberships", func(t *testing.T) { testMemberships(t, open) })
	t.Run("Companies", func(t *testing.T) { testCompanies(t, open) })
	t.Run("ListContacts", func(t *testing.T) { testListContacts(t, open) })
	t.Run("ListCompanies", func(t *testing.T) { testListCompanies(t, open) })
	t.Run("TenantIsolation", func(t *testing.T) { testTenantIsolation(t, open) })
	t.Run("Webhooks", func(t *testing.T) { testWebhooks(t, open) })
}

func testTenants(t *testing.T, open Opener) {
	e := newEnv(t, open)
	got, err := e.s.FindTenant(e.ctx, "acme")
	if err != nil || got.ID != e.tenant.ID || got.Name != "acme" {
		t.Fatalf("FindTenant = %+v, %v", got, err)
	}
	t.Run("name is unique", func(t *testing.T) {
		_, err := e.s.CreateTenant(e.ctx, "acme")
		wantField(t, err, roster.ECONFLICT, "name")
	})
	t.Run("blank name is invalid", func(t *testing.T) {
		_, err := e.s.CreateTenant(e.ctx, "  ")
		wantCode(t, err, roster.EINVALID)
	})
	t.Run("unknown tenant is not found", func(t *testing.T) {
		_, err := e.s.FindTenant(e.ctx, "nope")
		wantCode(t, err, roster.ENOTFOUND)
	})
	t.Run("list by name", func(t *testing.T) {
		e.mustTenant("beta")
		ts, err := e.s.ListTenants(e.ctx)
		if err != nil || len(ts) != 2 || ts[0].Name != "acme" || ts[1].Name != "beta" {
			t.Fatalf("ListTenants = %v, %v", ts, err)
		}
	})
}

func testTokens(t *testing.T, open Opener) {
	e := newEnv(t, open)
	secret := roster.NewTokenSecret()
	tok := &roster.Token{TenantID: e.tenant.ID, Name: "ci", ReadOnly: true}
	if err := e.s.CreateToken(e.ctx, tok, secret); err != nil {
		t.Fatal(err)
	}
	got, tn, err := e.s.Authenticate(e.ctx, secret)
	if err != nil || got.ID != tok.ID || !got.ReadOnly || tn.ID != e.tenant.ID || tn.Name != "acme" {
		t.Fatalf("Authenticate = %+v %+v %v", got, tn, err)
	}
	_, _, err = e.s.Authenticate(e.ctx, secret+"x")
	wantCode(t, err, roster.EUNAUTHORIZED)
}

func testFields(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.mustField(&roster.FieldDef{Kind: roster.KindContacts, Key: "plan", Label: "Plan", Type: roster.FieldDropdown, Choices: []string{"free", "pro"}})
	e.mustField(&roster.FieldDef{Kind: roster.KindContacts, Key: "seats", Type: roster.FieldNumber})
	e.mustField(&roster.FieldDef{Kind: roster.KindCompanies, Key: "plan", Type: roster.FieldText})
	fs, err := e.s.ListFields(e.ctx, e.tenant.ID, roster.KindContacts)
	if err != nil || len(fs) != 2 {
		t.Fatalf("ListFields = %v, %v", fs, err)
	}
	if f := fs[0]; f.Key != "plan" || f.Label != "Plan" || !reflect.DeepEqual(f.Choices, []string{"free", "pro"}) || f.MaxLength != 255 {
		t.Fatalf("field = %+v", f)
	}
	if fs[1].Label != "seats" {
		t.Fatalf("label defaults to key, got %q", fs[1].Label)
	}
	for name, f := range map[string]*roster.FieldDef{
		"duplicate key":       {Kind: roster.KindContacts, Key: "plan", Type: roster.FieldText},
		"built-in key":        {Kind: roster.KindContacts, Key: "email", Type: roster.FieldText},
		"bad key":             {Kind: roster.KindContacts, Key: "Plan Name", Type: roster.FieldText},
		"unknown type":        {Kind: roster.KindContacts, Key: "x", Type: "blob"},
		"dropdown no choices": {Kind: roster.KindContacts, Key: "y", Type: roster.FieldDropdown},
		"unknown kind":        {Kind: "deals", Key: "z", Type: roster.FieldText},
	} {
		t.Run(name, func(t *testing.T) {
			err := e.s.CreateField(e.ctx, e.tenant.ID, f)
			if name == "duplicate key" {
				wantField(t, err, roster.ECONFLICT, "key")
				return
			}
			wantCode(t, err, roster.EINVALID)
		})
	}
	// No two fields of a kind answer to one name: a column of that name
	// would not know which it fills. The other kind may reuse it.
	for name, f := range map[string]*roster.FieldDef{
		"label of another": {Kind: roster.KindContacts, Key: "tier", Label: "PLAN", Type: roster.FieldText},
		"label is a key":   {Kind: roster.KindContacts, Key: "tier", Label: "Seats", Type: roster.FieldText},
		"key is a label":   {Kind: roster.KindContacts, Key: "plan_label", Label: "x", Type: roster.FieldText},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "key is a label" {
				e.mustField(&roster.FieldDef{Kind: roster.KindContacts, Key: "level", Label: "Plan_Label", Type: roster.FieldText})
			}
			wantField(t, e.s.CreateField(e.ctx, e.tenant.ID, f), roster.ECONFLICT, "label")
		})
	}
	e.mustField(&roster.FieldDef{Kind: roster.KindCompanies, Key: "tier", Label: "Seats", Type: roster.FieldText})
	t.Run("delete removes values", func(t *testing.T) {
		c := e.mustContact(&roster.Contact{Name: "Ann", Email: "ann@example.com", Custom: map[string]any{"plan": "pro", "seats": 3}})
		if err := e.s.DeleteField(e.ctx, e.tenant.ID, roster.KindContacts, "plan"); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindContact(e.ctx, e.tenant.ID, c.ID)
		if err != nil || !reflect.DeepEqual(got.Custom, map[string]any{"seats": int64(3)}) {
			t.Fatalf("custom after delete = %v, %v", got.Custom, err)
		}
		wantCode(t, e.s.DeleteField(e.ctx, e.tenant.ID, roster.KindContacts, "plan"), roster.ENOTFOUND)
	})
}

func testCustomValues(t *testing.T, open Opener) {
	e := newEnv(t, open)
	defs := []*roster.FieldDef{
		{Key: "note", Type: roster.FieldText, MaxLength: 5},
		{Key: "bio", Type: roster.FieldParagraph},
		{Key: "seats", Type: roster.FieldNumber},
		{Key: "score", Type: roster.FieldDecimal},
		{Key: "since", Type: roster.FieldDate},
		{Key: "plan", Type: roster.FieldDropdown, Choices: []string{"Free", "Pro"}},
		{Key: "vip", Type: roster.FieldCheckbox},
		{Key: "labels", Type: roster.FieldTags},
		{Key: "home", Type: roster.FieldURL},
		{Key: "billing", Type: roster.FieldEmail},
		{Key: "fax", Type: roster.FieldPhone},
	}
	for _, d := range defs {
		d.Kind = roster.KindContacts
		e.mustField(d)
	}
	n := 0
	create := func(custom map[string]any) (*roster.Contact, error) {
		n++
		c := &roster.Contact{Name: "P", Email: fmt.Sprintf("p%d@example.com", n), Custom: custom}
		return c, e.s.CreateContact(e.ctx, e.tenant.ID, c)
	}
	t.Run("valid values are stored canonically", func(t *testing.T) {
		c, err := create(map[string]any{
			"note": "hello", "bio": "long text", "seats": float64(12), "score": 4.5, "since": "2024-02-29",
			"plan": "pro", "vip": true, "labels": []any{"a", " b", "A"}, "home": "https://example.com/x",
			"billing": "Bill@Example.com", "fax": "+420601123456",
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindContact(e.ctx, e.tenant.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"note": "hello", "bio": "long text", "seats": int64(12), "score": 4.5, "since": "2024-02-29",
			"plan": "Pro", "vip": true, "labels": []string{"a", "b"}, "home": "https://example.com/x",
			"billing": "bill@example.com", "fax": "+420601123456",
		}
		if !reflect.DeepEqual(got.Custom, want) {
			t.Fatalf("custom = %#v\nwant %#v", got.Custom, want)
		}
	})
	for name, custom := range map[string]map[string]any{
		"text too long":        {"note": "toolong"},
		"number not whole":     {"seats": 1.5},
		"number not a number":  {"seats": "many"},
		"decimal not a number": {"score": "high"},
		"date not ISO":         {"since": "29.02.2024"},
		"date not in calendar": {"since": "2023-02-29"},
		"dropdown not choice":  {"plan": "gold"},
		"checkbox not bool":    {"vip": "maybe"},
		"tags not a list":      {"labels": 5},
		"url not absolute":     {"home": "example.com"},
		"url not http":         {"home": "ftp://example.com"},
		"email invalid":        {"billing": "nobody"},
		"phone not E.164":      {"fax": "0601 123 456"},
		"unknown field":        {"nope": "x"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := create(custom)
			wantCode(t, err, roster.EINVALID)
		})
	}
	t.Run("required field", func(t *testing.T) {
		e.mustField(&roster.FieldDef{Kind: roster.KindContacts, Key: "region", Type: roster.FieldText, Required: true})
		_, err := create(nil)
		wantField(t, err, roster.EINVALID, "region")
		if _, err := create(map[string]any{"region": "EU"}); err != nil {
			t.Fatal(err)
		}
	})
}

func testContacts(t *testing.T, open Opener) {
	e := newEnv(t, open)
	clock := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	if s, ok := e.s.(interface{ SetNow(func() time.Time) }); ok {
		s.SetNow(func() time.Time { return clock })
	}
	c := e.mustContact(&roster.Contact{
		FirstName: " Jan ", LastName: "Novák", Email: "Jan.Novak@Example.CZ",
		OtherEmails: []string{"jan@home.cz", "JAN@home.cz"}, Phone: "+420601123456",
		Tags: []string{"vip", "VIP", "beta"}, Language: "cs", TimeZone: "Europe/Prague",
	})
	t.Run("name derived from first and last", func(t *testing.T) {
		if c.Name != "Jan Novák" {
			t.Fatalf("name = %q", c.Name)
		}
	})
	got, err := e.s.FindContact(e.ctx, e.tenant.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("round trip", func(t *testing.T) {
		if got.Email != "jan.novak@example.cz" || !reflect.DeepEqual(got.OtherEmails, []string{"jan@home.cz"}) ||
			got.Role != roster.RoleCustomer || !reflect.DeepEqual(got.Tags, []string{"vip", "beta"}) ||
			got.Phone != "+420601123456" || got.TimeZone != "Europe/Prague" {
			t.Fatalf("got %+v", got)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("read back differs:\n got %+v\nwant %+v", got, c)
		}
	})
	t.Run("update", func(t *testing.T) {
		got.JobTitle = "CTO"
		got.Role = "agent"
		got.OtherEmails = nil
		if err := e.s.UpdateContact(e.ctx, e.tenant.ID, got); err != nil {
			t.Fatal(err)
		}
		again, _ := e.s.FindContact(e.ctx, e.tenant.ID, c.ID)
		if again.JobTitle != "CTO" || again.Role != "agent" || len(again.OtherEmails) != 0 || !again.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("after update %+v", again)
		}
		// The freed address can now go to someone else.
		e.mustContact(&roster.Contact{Name: "Other", Email: "jan@home.cz"})
	})
	for name, bad := range map[string]*roster.Contact{
		"no name":            {Email: "a@example.com"},
		"no identifier":      {Name: "A"},
		"bad email":          {Name: "A", Email: "not-an-email"},
		"phone not E.164":    {Name: "A", Phone: "601 123 456"},
		"bad role":           {Name: "A", Email: "r@example.com", Role: "admin"},
		"eleven emails":      {Name: "A", Email: "e0@x.cz", OtherEmails: []string{"e1@x.cz", "e2@x.cz", "e3@x.cz", "e4@x.cz", "e5@x.cz", "e6@x.cz", "e7@x.cz", "e8@x.cz", "e9@x.cz", "e10@x.cz"}},
		"job title too long": {Name: "A", Email: "j@x.cz", JobTitle: string(make([]byte, 256))},
	} {
		t.Run("invalid/"+name, func(t *testing.T) {
			wantCode(t, e.s.CreateContact(e.ctx, e.tenant.ID, bad), roster.EINVALID)
		})
	}
	t.Run("ten emails are allowed", func(t *testing.T) {
		e.mustContact(&roster.Contact{Name: "A", Email: "f0@x.cz", OtherEmails: []string{"f1@x.cz", "f2@x.cz", "f3@x.cz", "f4@x.cz", "f5@x.cz", "f6@x.cz", "f7@x.cz", "f8@x.cz", "f9@x.cz"}})
	})
	t.Run("delete", func(t *testing.T) {
		if err := e.s.DeleteContact(e.ctx, e.tenant.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.FindContact(e.ctx, e.tenant.ID, c.ID)
		wantCode(t, err, roster.ENOTFOUND)
		wantCode(t, e.s.DeleteContact(e.ctx, e.tenant.ID, c.ID), roster.ENOTFOUND)
		wantCode(t, e.s.UpdateContact(e.ctx, e.tenant.ID, c), roster.ENOTFOUND)
		// Its emails are free again, and its id is never given out again.
		n := e.mustContact(&roster.Contact{Name: "New", Email: "jan.novak@example.cz"})
		if n.ID <= c.ID {
			t.Fatalf("new contact got id %d; ids must not be reused (deleted %d)", n.ID, c.ID)
		}
	})
}

func testContactUniqueness(t *testing.T, open Opener) {
	e := newEnv(t, open)
	first := e.mustContact(&roster.Contact{Name: "A", Email: "a@example.com", OtherEmails: []string{"a2@example.com", "jan@müller.de"}, ExternalID: "X1", Username: "ann"})
	for name, c := range map[string]*roster.Contact{
		"primary vs primary":            {Name: "B", Email: "A@EXAMPLE.COM"},
		"primary vs other":              {Name: "B", Email: "a2@example.com"},
		"other vs primary":              {Name: "B", Email: "b@example.com", OtherEmails: []string{"a@example.com"}},
		"other vs other, case-folded":   {Name: "B", Email: "b@example.com", OtherEmails: []string{"A2@Example.com"}},
		"external id":                   {Name: "B", Email: "b@example.com", ExternalID: "X1"},
		"username":                      {Name: "B", Email: "b@example.com", Username: "ann"},
		"primary repeated in own other": {Name: "B", Email: "b@example.com", OtherEmails: []string{"a@example.com", "b@example.com"}},
		"punycode vs unicode domain":    {Name: "B", Email: "jan@xn--mller-kva.de"},
		"upper-case unicode domain":     {Name: "B", Email: "b@example.com", OtherEmails: []string{"JAN@MÜLLER.DE"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := e.s.CreateContact(e.ctx, e.tenant.ID, c)
			wantCode(t, err, roster.ECONFLICT)
			field := "email"
			switch name {
			case "external id":
				field = "external_id"
			case "username":
				field = "username"
			}
			wantField(t, err, roster.ECONFLICT, field)
			if field == "email" && err.(*roster.Error).Details["contact_id"] != first.ID {
				t.Fatalf("conflict does not name the contact: %v", err.(*roster.Error).Details)
			}
		})
	}
	t.Run("update into a conflict", func(t *testing.T) {
		b := e.mustContact(&roster.Contact{Name: "B", Email: "b@example.com"})
		b.ExternalID = "X1"
		wantField(t, e.s.UpdateContact(e.ctx, e.tenant.ID, b), roster.ECONFLICT, "external_id")
	})
	t.Run("update into a conflict by another spelling of the domain", func(t *testing.T) {
		b := e.mustContact(&roster.Contact{Name: "B2", Email: "b2@example.com"})
		b.OtherEmails = []string{"Jan@XN--MLLER-KVA.DE"}
		wantField(t, e.s.UpdateContact(e.ctx, e.tenant.ID, b), roster.ECONFLICT, "email")
	})
	t.Run("blank external ids and usernames do not collide", func(t *testing.T) {
		e.mustContact(&roster.Contact{Name: "C", Email: "c@example.com"})
		e.mustContact(&roster.Contact{Name: "D", Email: "d@example.com"})
	})
}

// An email is stored in one canonical form whichever spelling it was
// given in: the domain in Unicode, lower-cased; two spellings of one
// address on a contact are one email.
func testEmailSpellings(t *testing.T, open Opener) {
	e := newEnv(t, open)
	c := e.mustContact(&roster.Contact{Name: "Jan", Email: "Jan@XN--MLLER-KVA.DE",
		OtherEmails: []string{"jan@müller.de", "JAN@MÜLLER.DE", "info@xn--bcher-kva.de", "x@xn--zz.de"}})
	got, err := e.s.FindContact(e.ctx, e.tenant.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Broken punycode is not the store's to judge (normalize.Email refuses
	// it at the door): it is kept, lower-cased.
	if got.Email != "jan@müller.de" || !reflect.DeepEqual(got.OtherEmails, []string{"info@bücher.de", "x@xn--zz.de"}) {
		t.Fatalf("stored %q %q, want jan@müller.de [info@bücher.de x@xn--zz.de]", got.Email, got.OtherEmails)
	}
	got.OtherEmails = append(got.OtherEmails, "INFO@BÜCHER.DE")
	if err := e.s.UpdateContact(e.ctx, e.tenant.ID, got); err != nil {
		t.Fatalf("a contact's own address in another spelling: %v", err)
	}
	if len(got.OtherEmails) != 2 {
		t.Fatalf("other emails %q, want the second spelling dropped", got.OtherEmails)
	}
	for _, q := range []string{"jan@xn--mller-kva.de", "JAN@MÜLLER.DE", " jan@müller.de ", "INFO@XN--BCHER-KVA.DE", "x@XN--ZZ.de"} {
		l, _, err := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Email: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(l) != 1 || l[0].ID != c.ID {
			t.Errorf("filter by email %q found %d contacts, want Jan", q, len(l))
		}
	}
}

func testMemberships(t *testing.T, open Opener) {
	e := newEnv(t, open)
	a, b, c := e.mustCompany("Alpha"), e.mustCompany("Beta"), e.mustCompany("Gamma")
	ct := e.mustContact(&roster.Contact{Name: "M", Email: "m@example.com", Companies: []roster.Membership{
		{CompanyID: c.ID, ViewAllTickets: true}, {CompanyID: a.ID}, {CompanyID: b.ID, ViewAllTickets: true}, {CompanyID: c.ID},
	}})
	got, err := e.s.FindContact(e.ctx, e.tenant.ID, ct.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []roster.Membership{
		{CompanyID: c.ID, CompanyName: "Gamma", ViewAllTickets: true},
		{CompanyID: a.ID, CompanyName: "Alpha"},
		{CompanyID: b.ID, CompanyName: "Beta", ViewAllTickets: true},
	}
	if !reflect.DeepEqual(got.Companies, want) {
		t.Fatalf("memberships = %+v, want %+v (order kept, first is default)", got.Companies, want)
	}
	t.Run("reorder", func(t *testing.T) {
		got.Companies = []roster.Membership{{CompanyID: b.ID}, {CompanyID: c.ID}}
		if err := e.s.UpdateContact(e.ctx, e.tenant.ID, got); err != nil {
			t.Fatal(err)
		}
		again, _ := e.s.FindContact(e.ctx, e.tenant.ID, ct.ID)
		if len(again.Companies) != 2 || again.Companies[0].CompanyID != b.ID || again.Companies[1].CompanyID != c.ID {
			t.Fatalf("after reorder %+v", again.Companies)
		}
	})
	t.Run("filter by company", func(t *testing.T) {
		l, _, err := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{CompanyID: c.ID})
		if err != nil || len(l) != 1 || l[0].ID != ct.ID {
			t.Fatalf("list = %v, %v", l, err)
		}
	})
	t.Run("deleting a company drops memberships only", func(t *testing.T) {
		if err := e.s.DeleteCompany(e.ctx, e.tenant.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		again, err := e.s.FindContact(e.ctx, e.tenant.ID, ct.ID)
		if err != nil || len(again.Companies) != 1 || again.Companies[0].CompanyID != c.ID {
			t.Fatalf("after company delete %+v, %v", again, err)
		}
	})
	t.Run("unknown company", func(t *testing.T) {
		err := e.s.CreateContact(e.ctx, e.tenant.ID, &roster.Contact{Name: "N", Email: "n@example.com", Companies: []roster.Membership{{CompanyID: 99999}}})
		wantField(t, err, roster.EINVALID, "companies")
	})
}

func testCompanies(t *testing.T, open Opener) {
	e := newEnv(t, open)
	co := &roster.Company{Name: " Acme Corp ", ExternalID: "C-1", Domains: []string{"Acme.com", "acme.com", "acme.cz"},
		Website: "https://acme.com", Phone: "+14155550100", Industry: "Tools", Tags: []string{"b2b"}}
	if err := e.s.CreateCompany(e.ctx, e.tenant.ID, co); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.FindCompany(e.ctx, e.tenant.ID, co.ID)
	if err != nil || !reflect.DeepEqual(got, co) || got.Name != "Acme Corp" || !reflect.DeepEqual(got.Domains, []string{"acme.com", "acme.cz"}) {
		t.Fatalf("round trip %+v, %v", got, err)
	}
	for name, c := range map[string]*roster.Company{
		"name, case-insensitive": {Name: "ACME CORP"},
		"external id":            {Name: "Other", ExternalID: "C-1"},
	} {
		t.Run("conflict/"+name, func(t *testing.T) {
			field := "name"
			if c.ExternalID != "" {
				field = "external_id"
			}
			wantField(t, e.s.CreateCompany(e.ctx, e.tenant.ID, c), roster.ECONFLICT, field)
		})
	}
	for name, c := range map[string]*roster.Company{
		"no name":       {},
		"bad website":   {Name: "W", Website: "acme.com"},
		"phone":         {Name: "P", Phone: "555-0100"},
		"bad domain":    {Name: "D", Domains: []string{"not a domain"}},
		"unknown field": {Name: "U", Custom: map[string]any{"x": 1}},
	} {
		t.Run("invalid/"+name, func(t *testing.T) {
			wantCode(t, e.s.CreateCompany(e.ctx, e.tenant.ID, c), roster.EINVALID)
		})
	}
	t.Run("update and rename", func(t *testing.T) {
		got.Name = "Acme Inc"
		got.Description = "Makes things"
		if err := e.s.UpdateCompany(e.ctx, e.tenant.ID, got); err != nil {
			t.Fatal(err)
		}
		// The old name is free now.
		e.mustCompany("acme corp")
		again, _ := e.s.FindCompany(e.ctx, e.tenant.ID, co.ID)
		if again.Name != "Acme Inc" || again.Description != "Makes things" {
			t.Fatalf("after update %+v", again)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := e.s.DeleteCompany(e.ctx, e.tenant.ID, co.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.FindCompany(e.ctx, e.tenant.ID, co.ID)
		wantCode(t, err, roster.ENOTFOUND)
	})
}

func testListContacts(t *testing.T, open Opener) {
	e := newEnv(t, open)
	co := e.mustCompany("Filtered")
	var ids []int64
	for i := range 25 {
		c := &roster.Contact{Name: fmt.Sprintf("Person %02d", i), Email: fmt.Sprintf("p%02d@example.com", i)}
		if i%5 == 0 {
			c.Tags = []string{"five", "100%"}
			c.Phone = "+4915112345678"
		}
		if i == 7 {
			c.Name, c.ExternalID, c.Username = "Zoë Ümlaut", "EXT-7", "zoe"
			c.OtherEmails = []string{"zoe@other.org"}
			c.Companies = []roster.Membership{{CompanyID: co.ID}}
		}
		ids = append(ids, e.mustContact(c).ID)
	}
	t.Run("pagination visits every contact once", func(t *testing.T) {
		var seen []int64
		cursor := ""
		for pages := 0; ; pages++ {
			l, next, err := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Page: roster.Page{Cursor: cursor, Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range l {
				seen = append(seen, c.ID)
			}
			if next == "" {
				if pages != 2 {
					t.Fatalf("want 3 pages, got %d", pages+1)
				}
				break
			}
			cursor = next
		}
		if !reflect.DeepEqual(seen, ids) {
			t.Fatalf("seen %v, want %v", seen, ids)
		}
	})
	t.Run("bad cursor", func(t *testing.T) {
		_, _, err := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Page: roster.Page{Cursor: "garbage"}})
		wantCode(t, err, roster.EINVALID)
	})
	count := func(f roster.ContactFilter) int {
		t.Helper()
		l, _, err := e.s.ListContacts(e.ctx, e.tenant.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	for name, tc := range map[string]struct {
		f    roster.ContactFilter
		want int
	}{
		"query on name, case-insensitive":    {roster.ContactFilter{Query: "PERSON 1"}, 10},
		"query on non-ASCII name":            {roster.ContactFilter{Query: "zoë üm"}, 1},
		"query on other email":               {roster.ContactFilter{Query: "other.org"}, 1},
		"email matches other emails too":     {roster.ContactFilter{Email: "ZOE@other.org"}, 1},
		"phone":                              {roster.ContactFilter{Phone: "+4915112345678"}, 5},
		"tag":                                {roster.ContactFilter{Tag: "five"}, 5},
		"tag with LIKE wildcard is literal":  {roster.ContactFilter{Tag: "100%"}, 5},
		"tag prefix does not match":          {roster.ContactFilter{Tag: "fiv"}, 0},
		"tag ignores case":                   {roster.ContactFilter{Tag: "FIVE"}, 5},
		"external id":                        {roster.ContactFilter{ExternalID: "EXT-7"}, 1},
		"username":                           {roster.ContactFilter{Username: "zoe"}, 1},
		"company":                            {roster.ContactFilter{CompanyID: co.ID}, 1},
		"filters combine":                    {roster.ContactFilter{Tag: "five", Query: "person 10"}, 1},
		"query with wildcard finds no match": {roster.ContactFilter{Query: "%"}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if got := count(tc.f); got != tc.want {
				t.Fatalf("got %d contacts, want %d", got, tc.want)
			}
		})
	}
}

func testListCompanies(t *testing.T, open Opener) {
	e := newEnv(t, open)
	for i := range 12 {
		c := &roster.Company{Name: fmt.Sprintf("Firma %02d s.r.o.", i)}
		if i%4 == 0 {
			c.Tags = []string{"key"}
			c.ExternalID = fmt.Sprintf("F%d", i)
		}
		if err := e.s.CreateCompany(e.ctx, e.tenant.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	l, next, err := e.s.ListCompanies(e.ctx, e.tenant.ID, roster.CompanyFilter{Page: roster.Page{Limit: 5}})
	if err != nil || len(l) != 5 || next == "" {
		t.Fatalf("first page %d, %q, %v", len(l), next, err)
	}
	l2, _, _ := e.s.ListCompanies(e.ctx, e.tenant.ID, roster.CompanyFilter{Page: roster.Page{Limit: 5, Cursor: next}})
	if len(l2) != 5 || l2[0].ID <= l[4].ID {
		t.Fatalf("second page %v", l2)
	}
	for name, tc := range map[string]struct {
		f    roster.CompanyFilter
		want int
	}{
		"query":       {roster.CompanyFilter{Query: "FIRMA 1"}, 2},
		"exact name":  {roster.CompanyFilter{Name: "firma 03 S.R.O."}, 1},
		"tag":         {roster.CompanyFilter{Tag: "key"}, 3},
		"external id": {roster.CompanyFilter{ExternalID: "F8"}, 1},
	} {
		t.Run(name, func(t *testing.T) {
			l, _, err := e.s.ListCompanies(e.ctx, e.tenant.ID, tc.f)
			if err != nil || len(l) != tc.want {
				t.Fatalf("got %d, %v; want %d", len(l), err, tc.want)
			}
		})
	}
}

func testTenantIsolation(t *testing.T, open Opener) {
	e := newEnv(t, open)
	other := e.mustTenant("other")
	co := e.mustCompany("Shared Name")
	c := e.mustContact(&roster.Contact{Name: "Mine", Email: "same@example.com", ExternalID: "E1", Companies: []roster.Membership{{CompanyID: co.ID}}})
	e.mustField(&roster.FieldDef{Kind: roster.KindContacts, Key: "plan", Type: roster.FieldText})

	t.Run("same identifiers in another tenant", func(t *testing.T) {
		if err := e.s.CreateCompany(e.ctx, other.ID, &roster.Company{Name: "shared name"}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.CreateContact(e.ctx, other.ID, &roster.Contact{Name: "Theirs", Email: "same@example.com", ExternalID: "E1"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cannot read, change or delete another tenant's records", func(t *testing.T) {
		_, err := e.s.FindContact(e.ctx, other.ID, c.ID)
		wantCode(t, err, roster.ENOTFOUND)
		_, err = e.s.FindCompany(e.ctx, other.ID, co.ID)
		wantCode(t, err, roster.ENOTFOUND)
		wantCode(t, e.s.UpdateContact(e.ctx, other.ID, &roster.Contact{ID: c.ID, Name: "X", Email: "x@example.com"}), roster.ENOTFOUND)
		wantCode(t, e.s.UpdateCompany(e.ctx, other.ID, &roster.Company{ID: co.ID, Name: "X"}), roster.ENOTFOUND)
		wantCode(t, e.s.DeleteContact(e.ctx, other.ID, c.ID), roster.ENOTFOUND)
		wantCode(t, e.s.DeleteCompany(e.ctx, other.ID, co.ID), roster.ENOTFOUND)
		wantCode(t, e.s.DeleteField(e.ctx, other.ID, roster.KindContacts, "plan"), roster.ENOTFOUND)
	})
	t.Run("cannot link another tenant's company", func(t *testing.T) {
		err := e.s.CreateContact(e.ctx, other.ID, &roster.Contact{Name: "L", Email: "l@example.com", Companies: []roster.Membership{{CompanyID: co.ID}}})
		wantField(t, err, roster.EINVALID, "companies")
	})
	t.Run("lists and fields are per tenant", func(t *testing.T) {
		l, _, _ := e.s.ListContacts(e.ctx, other.ID, roster.ContactFilter{})
		if len(l) != 1 || l[0].Name != "Theirs" {
			t.Fatalf("other tenant sees %v", l)
		}
		l, _, _ = e.s.ListContacts(e.ctx, other.ID, roster.ContactFilter{Email: "same@example.com"})
		if len(l) != 1 || l[0].Name != "Theirs" {
			t.Fatalf("email filter crossed tenants: %v", l)
		}
		fs, _ := e.s.ListFields(e.ctx, other.ID, roster.KindContacts)
		if len(fs) != 0 {
			t.Fatalf("other tenant sees fields %v", fs)
		}
		// A custom field of tenant 1 is unknown to tenant 2.
		err := e.s.CreateContact(e.ctx, other.ID, &roster.Contact{Name: "F", Email: "f@example.com", Custom: map[string]any{"plan": "x"}})
		wantCode(t, err, roster.EINVALID)
	})
}
