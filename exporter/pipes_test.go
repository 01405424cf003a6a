package exporter_test

import (
	"testing"

	"roster"
	"roster/exporter"
)

// TestExportRoundTripLists: files separate a contact's companies with ||
// and tags with commas (an import splits them on semicolons and bars
// too), so the directory refuses a company name or external id holding ||
// and a tag holding any of them (each would come back split from its own
// export), and the lists it holds import back unchanged.
func TestExportRoundTripLists(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "labels", roster.FieldTags)
		for _, co := range []*roster.Company{{Name: "X||Y"}, {Name: "Plain", ExternalID: "P||1"}, {Name: "Tagged", Tags: []string{"a,b"}}} {
			if err := e.s.CreateCompany(e.ctx, e.tenant.ID, co); roster.ErrorCode(err) != roster.EINVALID {
				t.Errorf("company %+v: %v, want it refused", co, err)
			}
		}
		for _, c := range []*roster.Contact{
			{Name: "Tag", Email: "tag@example.com", Tags: []string{"Sales, EMEA"}},
			{Name: "Label", Email: "label@example.com", Custom: map[string]any{"labels": []string{"a,b"}}},
			{Name: "Semi", Email: "semi@example.com", Tags: []string{"x;y"}},
			{Name: "Bar", Email: "bar@example.com", Custom: map[string]any{"labels": []string{"z|w"}}},
		} {
			if err := e.s.CreateContact(e.ctx, e.tenant.ID, c); roster.ErrorCode(err) != roster.EINVALID {
				t.Errorf("contact %+v: %v, want it refused", c, err)
			}
		}
		a := e.company(&roster.Company{Name: "Comma, Inc.", ExternalID: "C,1"})
		b := e.company(&roster.Company{Name: "Pipe | Co", ExternalID: "P|1"})
		c := e.company(&roster.Company{Name: "No Id"})
		e.contact(&roster.Contact{Name: "Ann", Email: "ann@example.com", OtherEmails: []string{"ann2@example.com", "ann3@example.com"},
			Tags: []string{"Sales EMEA", "vip"}, Custom: map[string]any{"labels": []string{"x y", "z-w"}},
			Companies: []roster.Membership{{CompanyID: a.ID}, {CompanyID: b.ID, ViewAllTickets: true}, {CompanyID: c.ID}}})
		for _, format := range []string{"csv", "xlsx"} {
			out, n := e.export(exporter.Options{Kind: roster.KindContacts, Format: format})
			res := e.reimport(t, roster.KindContacts, format, out)
			if got := res.Import.Counts; got.Unchanged != n || n != 1 || got.CompaniesCreated != 0 {
				t.Fatalf("%s: import of the export: %+v, want the row unchanged\nerrors %+v", format, got, res.Errors)
			}
		}
	})
}
