package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"roster"
	"roster/sqlstore"
)

// RunSearch checks that the directory's search ignores case and accents,
// as an admin of a helpdesk expects (muller finds Müller), on every path
// that writes a contact or a company: created and updated one at a time,
// and created and updated by an import's batch (COPY and a set-based
// merge on PostgreSQL, bulk statements on SQLite).
func RunSearch(t *testing.T, open func(testing.TB) *sqlstore.Store) {
	ctx := context.Background()
	s := open(t)
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{} // by name as created
	contact := func(name string, emails ...string) {
		t.Helper()
		c := &roster.Contact{Name: name, Email: emails[0], OtherEmails: emails[1:]}
		if err := s.CreateContact(ctx, tn.ID, c); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		ids[name] = c.ID
	}
	company := func(name string) *roster.Company {
		t.Helper()
		c := &roster.Company{Name: name}
		if err := s.CreateCompany(ctx, tn.ID, c); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		ids[name] = c.ID
		return c
	}
	contact("Antonín Dvořák", "antonin@example.cz")
	contact("Hans Müller", "hans@müller.de")
	contact("ANNA MÜLLER", "anna@example.de", "a.mueller@example.de")
	contact("Jan Muller", "jan@example.com")
	contact("Łucja Kowalska", "lucja@lodz.pl")
	contact("Straße Team", "team@example.de")
	contact("山田太郎", "taro@example.jp")
	contact("김민준", "minjun@example.kr")
	muellerGmbH := company("Müller GmbH")
	company("Muller GmbH") // another company: matched by name, not by its search text
	company("Łódź Logistics")
	company("東京デザイン")

	if err := s.CreateCompany(ctx, tn.ID, &roster.Company{Name: "MÜLLER GMBH"}); roster.ErrorCode(err) != roster.ECONFLICT {
		t.Errorf("a company named as another but for case: %v, want a conflict", err)
	}
	byName, _, err := s.ListCompanies(ctx, tn.ID, roster.CompanyFilter{Name: "muller gmbh"})
	if err != nil || len(byName) != 1 || byName[0].Name != "Muller GmbH" {
		t.Errorf("company by name muller gmbh: %v, %v; want Muller GmbH only", names(byName), err)
	}

	check := func(t *testing.T, query string, wantContacts, wantCompanies []string) {
		t.Helper()
		cs, _, err := s.ListContacts(ctx, tn.ID, roster.ContactFilter{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if got := contactNames(cs); !slices.Equal(got, wantContacts) {
			t.Errorf("contacts searched for %q: %q, want %q", query, got, wantContacts)
		}
		cos, _, err := s.ListCompanies(ctx, tn.ID, roster.CompanyFilter{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(cos); !slices.Equal(got, wantCompanies) {
			t.Errorf("companies searched for %q: %q, want %q", query, got, wantCompanies)
		}
	}
	t.Run("accents and case", func(t *testing.T) {
		check(t, "dvorak", []string{"Antonín Dvořák"}, nil)
		check(t, "DVOŘÁK", []string{"Antonín Dvořák"}, nil)
		check(t, "muller", []string{"Hans Müller", "ANNA MÜLLER", "Jan Muller"}, []string{"Müller GmbH", "Muller GmbH"})
		check(t, "Muller", []string{"Hans Müller", "ANNA MÜLLER", "Jan Muller"}, []string{"Müller GmbH", "Muller GmbH"})
		check(t, " müller gmbh ", nil, []string{"Müller GmbH", "Muller GmbH"})
		check(t, "lodz", []string{"Łucja Kowalska"}, []string{"Łódź Logistics"})
		check(t, "łucja", []string{"Łucja Kowalska"}, nil)
		check(t, "strasse", []string{"Straße Team"}, nil)
	})
	t.Run("parts of emails", func(t *testing.T) {
		check(t, "@muller.de", []string{"Hans Müller"}, nil)
		check(t, "HANS@MÜLLER", []string{"Hans Müller"}, nil)
		check(t, "a.mueller@", []string{"ANNA MÜLLER"}, nil)
		check(t, "s m", []string{"Hans Müller"}, nil) // spaces are kept
	})
	t.Run("Han and Hangul as written", func(t *testing.T) {
		check(t, "山田", []string{"山田太郎"}, nil)
		check(t, "민준", []string{"김민준"}, nil)
		check(t, "ㅁ", nil, nil) // a jamo is not a syllable
		check(t, "東京", nil, []string{"東京デザイン"})
	})
	t.Run("updated one at a time", func(t *testing.T) {
		c, err := s.FindContact(ctx, tn.ID, ids["Jan Muller"])
		if err != nil {
			t.Fatal(err)
		}
		c.Name = "Jan Ångström"
		if err := s.UpdateContact(ctx, tn.ID, c); err != nil {
			t.Fatal(err)
		}
		muellerGmbH.Name = "Müller & Søn GmbH"
		if err := s.UpdateCompany(ctx, tn.ID, muellerGmbH); err != nil {
			t.Fatal(err)
		}
		check(t, "angstrom", []string{"Jan Ångström"}, nil)
		check(t, "muller & son", nil, []string{"Müller & Søn GmbH"})
		check(t, "muller", []string{"Hans Müller", "ANNA MÜLLER"}, []string{"Müller & Søn GmbH", "Muller GmbH"})
	})
	t.Run("written by an import", func(t *testing.T) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		var cs []*roster.Contact
		var cos []*roster.Company
		batch := func(fn func(tx roster.ImportTx) error) {
			t.Helper()
			if err := s.ImportBatch(ctx, tn.ID, 0, "", 0, fn); err != nil {
				t.Fatal(err)
			}
		}
		batch(func(tx roster.ImportTx) error {
			for i := range 3 {
				co := &roster.Company{Name: fmt.Sprintf("Société %d", i), Tags: []string{}, Domains: []string{},
					Custom: map[string]any{}, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateCompany(co); err != nil {
					return err
				}
				c := &roster.Contact{Name: fmt.Sprintf("Zoë Ørsted %d", i), Email: fmt.Sprintf("zoe%d@société.fr", i),
					Role: roster.RoleCustomer, Tags: []string{}, OtherEmails: []string{}, Custom: map[string]any{},
					Companies: []roster.Membership{{CompanyID: co.ID}}, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateContact(c, 0); err != nil {
					return err
				}
				cs, cos = append(cs, c), append(cos, co)
			}
			return nil
		})
		check(t, "zoe orsted", []string{"Zoë Ørsted 0", "Zoë Ørsted 1", "Zoë Ørsted 2"}, nil)
		check(t, "societe.fr", []string{"Zoë Ørsted 0", "Zoë Ørsted 1", "Zoë Ørsted 2"}, nil)
		check(t, "societe 1", nil, []string{"Société 1"})

		batch(func(tx roster.ImportTx) error {
			for i, c := range cs {
				prev := *c
				c.Name = fmt.Sprintf("Čeněk Šťastný %d", i)
				if err := tx.UpdateContact(c, &prev, 0); err != nil {
					return err
				}
				cos[i].Name = fmt.Sprintf("Þórr Ehf %d", i)
				if err := tx.UpdateCompany(cos[i]); err != nil {
					return err
				}
			}
			return nil
		})
		check(t, "cenek stastny", []string{"Čeněk Šťastný 0", "Čeněk Šťastný 1", "Čeněk Šťastný 2"}, nil)
		check(t, "orsted", nil, nil)
		check(t, "thorr ehf 2", nil, []string{"Þórr Ehf 2"})
	})
}

func contactNames(cs []*roster.Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func names(cs []*roster.Company) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
