package importer

import (
	"reflect"
	"testing"
	"time"

	"roster"
)

// changeField sets field i of the struct v points to to a different value.
func changeField(t *testing.T, v reflect.Value, i int) {
	t.Helper()
	f := v.Elem().Field(i)
	switch f.Kind() {
	case reflect.String:
		f.SetString(f.String() + "x")
	case reflect.Int64:
		f.SetInt(f.Int() + 1)
	case reflect.Slice:
		switch f.Type().Elem().Kind() {
		case reflect.String:
			f.Set(reflect.Append(f, reflect.ValueOf("extra")))
		default: // memberships
			f.Set(reflect.Append(f, reflect.ValueOf(roster.Membership{CompanyID: 99})))
		}
	case reflect.Map:
		m := reflect.MakeMap(f.Type())
		m.SetMapIndex(reflect.ValueOf("plan"), reflect.ValueOf(any("Pro")))
		f.Set(m)
	case reflect.Struct: // time.Time
		f.Set(reflect.ValueOf(time.Now().Add(time.Hour)))
	default:
		t.Fatalf("no way to change a %s", f.Kind())
	}
}

// Every field of a contact or company counts in sameContact and
// sameCompany, but the timestamps: a field added to the domain and
// forgotten there would make a changed row count as unchanged.
func TestSameRecordSeesEveryField(t *testing.T) {
	base := roster.Contact{ID: 1, Name: "Ann", Email: "ann@x.cz", Role: "customer", Custom: map[string]any{"seats": 2.0},
		Companies: []roster.Membership{{CompanyID: 5, CompanyName: "Alpha"}}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		c := base
		c.Companies = append([]roster.Membership(nil), base.Companies...)
		changeField(t, reflect.ValueOf(&c), i)
		name := typ.Field(i).Name
		same := sameContact(&base, &c)
		if ignored := name == "CreatedAt" || name == "UpdatedAt"; same != ignored {
			t.Errorf("contact with another %s: same = %v", name, same)
		}
	}
	// Read-only company names and the number type of custom values do not count.
	c := base
	c.Companies = []roster.Membership{{CompanyID: 5, CompanyName: "ALPHA"}}
	c.Custom = map[string]any{"seats": int64(2)}
	if !sameContact(&base, &c) {
		t.Errorf("a company name or int64 2 against float64 2 made contacts differ")
	}
	c.Companies = []roster.Membership{{CompanyID: 5, ViewAllTickets: true}}
	if sameContact(&base, &c) {
		t.Errorf("view_all_tickets does not count")
	}

	co := roster.Company{ID: 1, Name: "Alpha", Custom: map[string]any{}, CreatedAt: time.Now()}
	ctyp := reflect.TypeOf(co)
	for i := range ctyp.NumField() {
		x := co
		changeField(t, reflect.ValueOf(&x), i)
		name := ctyp.Field(i).Name
		if same, ignored := sameCompany(&co, &x), name == "CreatedAt" || name == "UpdatedAt"; same != ignored {
			t.Errorf("company with another %s: same = %v", name, same)
		}
	}
}
