package importer_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

// Salesforce's accounts, and contacts naming them by AccountId, with and
// without the account's name beside it. Rows of one account cross batch
// boundaries (env.run writes three rows a batch).
const (
	sfAccounts = "Id,Name,Website,BillingCity\n" +
		"001A000001,Globex,https://globex.com,Springfield\n" +
		"001A000002,Initech,https://initech.com,Austin\n"
	sfContactsIDs = "Id,AccountId,FirstName,LastName,Email,Title\n" +
		"003A01,001A000001,Ann,Lee,ann@globex.com,CEO\n" +
		"003A02,001A000002,Bob,Ray,bob@initech.com,\n" +
		"003A03,,Cid,Vo,cid@solo.com,\n" +
		"003A04,001A000001,Dee,Ma,dee@globex.com,\n"
	sfContactsNames = "Id,AccountId,Account.Name,FirstName,LastName,Email\n" +
		"003B01,001A000001,Globex,Ann,Lee,ann@globex.com\n" +
		"003B02,001A000003,Umbrella,Eve,Ng,eve@umbrella.com\n" +
		"003B03,001A000003,Umbrella,Fay,Ng,fay@umbrella.com\n" +
		"003B04,001A000003,Umbrella,Gus,Ng,gus@umbrella.com\n" +
		"003B05,001A000002,Initech,Bob,Ray,bob@initech.com\n"
)

func companiesOf(e *env, email string) string {
	return strings.Join(membershipNames(e.byEmail(email)), ",")
}

// Contacts that name their account only by id, before the accounts were
// imported, fail with the reason and the column; the rest import. Once
// the accounts are in, the same rows link.
func TestSalesforceContactsBeforeAccounts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run(sfContactsIDs)
		e.counts(res, 1, 0, 0, 3)
		failed := e.failedRows(res)
		for _, row := range []int{2, 3, 5} {
			er := failed[row].Errors
			if len(er) != 1 || er[0].Code != "company_not_found" || er[0].Column != "AccountId" ||
				!strings.HasPrefix(er[0].Message, "company not found: external id 001A00000") {
				t.Errorf("row %d: errors %+v", row, er)
			}
		}
		if n := len(e.companies()); n != 0 {
			t.Errorf("%d companies created from ids alone", n)
		}

		e.counts(e.run(sfAccounts, kind(roster.KindCompanies), func(o *importer.Options) { o.Match = []string{roster.MatchExternalID} }), 2, 0, 0, 0)
		res = e.run(sfContactsIDs)
		e.counts(res, 3, 0, 1, 0)
		for email, want := range map[string]string{"ann@globex.com": "Globex", "dee@globex.com": "Globex", "bob@initech.com": "Initech", "cid@solo.com": ""} {
			if got := companiesOf(e, email); got != want {
				t.Errorf("%s: companies %q, want %q", email, got, want)
			}
		}
	})
}

// With the account's name beside its id, a missing company is created
// once, with that name and id, and an imported one is linked, not made
// again; the accounts imported after match the companies made so.
func TestSalesforceContactsWithAccountNames(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run(sfAccounts, kind(roster.KindCompanies)), 2, 0, 0, 0)
		res := e.run(sfContactsNames)
		e.counts(res, 5, 0, 0, 0)
		if res.Import.Counts.CompaniesCreated != 1 {
			t.Errorf("%d companies created, want Umbrella alone", res.Import.Counts.CompaniesCreated)
		}
		byName := map[string]*roster.Company{}
		for _, co := range e.companies() {
			byName[co.Name] = co
		}
		if u := byName["Umbrella"]; len(byName) != 3 || u == nil || u.ExternalID != "001A000003" {
			t.Fatalf("companies %q; Umbrella %+v", slices.Sorted(maps.Keys(byName)), u)
		}
		for email, want := range map[string]string{"ann@globex.com": "Globex", "eve@umbrella.com": "Umbrella", "gus@umbrella.com": "Umbrella", "bob@initech.com": "Initech"} {
			if got := companiesOf(e, email); got != want {
				t.Errorf("%s: companies %q, want %q", email, got, want)
			}
		}
		// The accounts file, matched by id, updates the company the
		// contacts made.
		res = e.run("Id,Name,Website\n001A000003,Umbrella,https://umbrella.com\n", kind(roster.KindCompanies),
			func(o *importer.Options) { o.Match = []string{roster.MatchExternalID} })
		e.counts(res, 0, 1, 0, 0)
		if n := len(e.companies()); n != 3 {
			t.Errorf("%d companies after the accounts import, want 3", n)
		}
	})
}

// --create-companies=false: a row naming an account that was not imported
// fails with its name; one naming an imported account links.
func TestSalesforceContactsWithoutCreatingCompanies(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run(sfAccounts, kind(roster.KindCompanies)), 2, 0, 0, 0)
		res := e.run(sfContactsNames, func(o *importer.Options) { o.CreateCompanies = false })
		e.counts(res, 2, 0, 0, 3)
		failed := e.failedRows(res)
		for _, row := range []int{3, 4, 5} {
			er := failed[row].Errors
			if len(er) != 1 || er[0].Code != "company_not_found" || er[0].Message != "company not found: Umbrella" {
				t.Errorf("row %d: errors %+v", row, er)
			}
		}
		if n := len(e.companies()); n != 2 {
			t.Errorf("%d companies, want the 2 imported", n)
		}
		if got := companiesOf(e, "bob@initech.com"); got != "Initech" {
			t.Errorf("Bob's companies %q", got)
		}
	})
}

// Accounts loaded with Data Loader carry 18-character ids, a report's
// contacts 15-character ones (and the other way round): they name the same
// accounts, and the contacts link to them, across batches, without a
// company made again; an id that only looks like one still fails.
func TestSalesforceIDForms(t *testing.T) {
	const accounts = "Id,Name\n" +
		"001D000000IqhSLIAZ,Globex\n" + // 18 characters
		"0015g00000AbCdE,Initech\n" // 15
	const contacts = "Contact ID,Account ID,First Name,Last Name,Email\n" +
		"003A01,001D000000IqhSL,Ann,Lee,ann@globex.com\n" +
		"003A02,0015g00000AbCdEAAV,Bob,Ray,bob@initech.com\n" +
		"003A03,001D000000IqhSL,Cid,Vo,cid@globex.com\n" +
		"003A04,001D000000iqhSL,Dee,Ma,dee@globex.com\n" // another account: ids are case-sensitive
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run(accounts, kind(roster.KindCompanies), func(o *importer.Options) { o.Match = []string{roster.MatchExternalID} }), 2, 0, 0, 0)
		res := e.run(contacts)
		e.counts(res, 3, 0, 0, 1)
		for email, want := range map[string]string{"ann@globex.com": "Globex", "bob@initech.com": "Initech", "cid@globex.com": "Globex"} {
			if got := companiesOf(e, email); got != want {
				t.Errorf("%s: companies %q, want %q", email, got, want)
			}
		}
		if n := len(e.companies()); n != 2 {
			t.Errorf("%d companies, want the 2 accounts", n)
		}
		if failed := e.failedRows(res); len(failed[5].Errors) != 1 || failed[5].Errors[0].Code != "company_not_found" {
			t.Errorf("row 5: %+v", failed[5])
		}
		e.counts(e.run(contacts), 0, 0, 3, 1)
	})
}

// Accounts matched by external id find the companies a report's contacts
// made with the other form of their ids, and give them the file's form.
func TestSalesforceAccountsMatchOtherIDForm(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("Account ID,Account Name,First Name,Email\n001D000000IqhSL,Globex,Ann,ann@globex.com\n"), 1, 0, 0, 0)
		res := e.run("Id,Name,Website\n001D000000IqhSLIAZ,Globex,https://globex.com\n", kind(roster.KindCompanies),
			func(o *importer.Options) { o.Match = []string{roster.MatchExternalID} })
		e.counts(res, 0, 1, 0, 0)
		cos := e.companies()
		if len(cos) != 1 || cos[0].ExternalID != "001D000000IqhSLIAZ" || cos[0].Website != "https://globex.com" {
			t.Errorf("companies %+v, want Globex with the 18-character id", cos)
		}
		if got := companiesOf(e, "ann@globex.com"); got != "Globex" {
			t.Errorf("Ann's companies %q", got)
		}
	})
}

// Contacts matched by external id find the ones stored with the other
// form of their Salesforce ids.
func TestSalesforceContactsMatchOtherIDForm(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("Id,FirstName,LastName,Email\n003D000000QnWzAIAV,Ann,Lee,ann@globex.com\n"), 1, 0, 0, 0)
		res := e.run("Contact ID,First Name,Last Name,Title\n003D000000QnWzA,Ann,Lee,CEO\n", func(o *importer.Options) { o.Match = []string{roster.MatchExternalID} })
		e.counts(res, 0, 1, 0, 0)
		if ann := e.byEmail("ann@globex.com"); ann.JobTitle != "CEO" || ann.ExternalID != "003D000000QnWzA" {
			t.Errorf("Ann stored as %q, %q", ann.JobTitle, ann.ExternalID)
		}
	})
}
