package importer_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/importer"
)

func kind(k roster.Kind) func(*importer.Options) { return func(o *importer.Options) { o.Kind = k } }
func match(m ...string) func(*importer.Options)  { return func(o *importer.Options) { o.Match = m } }
func region(r string) func(*importer.Options)    { return func(o *importer.Options) { o.Region = r } }

const people = `Name,E-mail,Phone,Company,Tags,Job Title
Jan Novák,Jan.Novak@Example.CZ,601 123 456,Acme s.r.o.,"vip, beta",CTO
Eva Svobodová,eva@example.cz,+420 777 111 222,ACME S.R.O.,beta,
Petr Dvořák,petr@example.cz,,Beta a.s.||Acme s.r.o.,,Sales
`

func TestCreateAndNormalize(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run(people, region("CZ"))
		e.counts(res, 3, 0, 0, 0)
		if res.Import.Counts.CompaniesCreated != 2 || len(e.companies()) != 2 {
			t.Fatalf("companies created %d, stored %d; want 2 (names match case-insensitively)", res.Import.Counts.CompaniesCreated, len(e.companies()))
		}
		jan := e.byEmail("jan.novak@example.cz")
		if jan.Name != "Jan Novák" || jan.Phone != "+420601123456" || !reflect.DeepEqual(jan.Tags, []string{"vip", "beta"}) || jan.JobTitle != "CTO" {
			t.Fatalf("jan = %+v", jan)
		}
		petr := e.byEmail("petr@example.cz")
		if len(petr.Companies) != 2 || petr.Companies[0].CompanyName != "Beta a.s." || petr.Companies[1].CompanyName != "Acme s.r.o." {
			t.Fatalf("petr's companies %+v: want Beta a.s. first (default), then Acme", petr.Companies)
		}
		if res.Import.Label == "" || res.Import.FileSHA256 == "" || res.Import.Status != roster.ImportDone {
			t.Fatalf("journal entry %+v", res.Import)
		}
	})
}

func TestReimportIsUnchanged(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run(people, region("CZ"))
		e.counts(e.run(people, region("CZ")), 0, 0, 3, 0)
		if n := len(e.contacts()); n != 3 {
			t.Fatalf("%d contacts after re-import, want 3", n)
		}
	})
}

func TestLaterRowUpdatesEarlierRow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email,phone,tags\nAnn,ann@x.cz,+420601123456,a\nb1,b1@x.cz,,\nb2,b2@x.cz,,\nb3,b3@x.cz,,\nAnn Smith,ANN@x.cz,,b\n")
		e.counts(res, 4, 1, 0, 0)
		ann := e.byEmail("ann@x.cz")
		if ann.Name != "Ann Smith" || ann.Phone != "+420601123456" || !reflect.DeepEqual(ann.Tags, []string{"a", "b"}) {
			t.Fatalf("ann = %+v", ann)
		}
	})
}

func TestBlankCells(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,job_title,tags\nAnn,ann@x.cz,CTO,a\n")
		e.counts(e.run("name,email,job_title,tags\nAnn,ann@x.cz,,\n"), 0, 0, 1, 0)
		if c := e.byEmail("ann@x.cz"); c.JobTitle != "CTO" {
			t.Fatalf("blank cell changed job title to %q", c.JobTitle)
		}
		e.counts(e.run("name,email,job_title,tags\nAnn,ann@x.cz,,\n", func(o *importer.Options) { o.Blank = roster.BlankClear }), 0, 1, 0, 0)
		if c := e.byEmail("ann@x.cz"); c.JobTitle != "" || len(c.Tags) != 0 {
			t.Fatalf("--blank clear left %q %v", c.JobTitle, c.Tags)
		}
	})
}

func TestListsUnionAndReplace(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,other_emails,tags,company\nAnn,ann@x.cz,a2@x.cz,a,Alpha\n")
		e.run("name,email,other_emails,tags,company\nAnn,ann@x.cz,a3@x.cz,b,Beta\n")
		c := e.byEmail("ann@x.cz")
		if !reflect.DeepEqual(c.OtherEmails, []string{"a2@x.cz", "a3@x.cz"}) || !reflect.DeepEqual(c.Tags, []string{"a", "b"}) || len(c.Companies) != 2 {
			t.Fatalf("union: %v %v %v", c.OtherEmails, c.Tags, c.Companies)
		}
		e.run("name,email,other_emails,tags,company\nAnn,ann@x.cz,a4@x.cz,c,Gamma\n", func(o *importer.Options) { o.Lists = roster.ListsReplace })
		c = e.byEmail("ann@x.cz")
		if !reflect.DeepEqual(c.OtherEmails, []string{"a4@x.cz"}) || !reflect.DeepEqual(c.Tags, []string{"c"}) ||
			len(c.Companies) != 1 || c.Companies[0].CompanyName != "Gamma" {
			t.Fatalf("replace: %v %v %v", c.OtherEmails, c.Tags, c.Companies)
		}
	})
}

func TestMatching(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,phone,external_id,username\nAnn,ann@x.cz,+420601000001,E1,ann\nBob,bob@x.cz,+420601000002,E2,bob\n")
		t.Run("other emails match", func(t *testing.T) {
			e.run("name,email,other_emails\nAnn,ann@x.cz,ann.old@x.cz\n")
			e.counts(e.run("name,email,job_title\nAnn,ANN.OLD@x.cz,Boss\n"), 0, 1, 0, 0)
			if c := e.byEmail("ann@x.cz"); c.JobTitle != "Boss" || c.Email != "ann.old@x.cz" {
				t.Fatalf("matched by other email: %+v (the file's email becomes primary)", c)
			}
		})
		t.Run("phone", func(t *testing.T) {
			res := e.run("name,phone,job_title\nBob,601 000 002,Phoned\n", match("phone"), region("CZ"))
			e.counts(res, 0, 1, 0, 0)
			if c := e.byEmail("bob@x.cz"); c.JobTitle != "Phoned" {
				t.Fatalf("bob = %+v", c)
			}
		})
		t.Run("external id", func(t *testing.T) {
			e.counts(e.run("external_id,job_title\nE2,ByExt\n", match("external_id")), 0, 1, 0, 0)
			if c := e.byEmail("bob@x.cz"); c.JobTitle != "ByExt" {
				t.Fatalf("bob = %+v", c)
			}
		})
		t.Run("username", func(t *testing.T) {
			e.counts(e.run("name,username,job_title\nB,bob,ByUser\n", match("username")), 0, 1, 0, 0)
		})
		t.Run("identifier order decides the first", func(t *testing.T) {
			// The email says Ann, the external id says Bob: --match external_id,email updates Bob.
			res := e.run("name,email,external_id,language\nX,ann@x.cz,E2,de\n", match("external_id", "email"))
			e.counts(res, 0, 0, 0, 1)
			if res.Errors[0].Code != "duplicate_email" {
				t.Fatalf("errors %+v: Bob cannot take Ann's email", res.Errors)
			}
			e.counts(e.run("name,external_id,language\nX,E2,de\n", match("external_id", "email")), 0, 1, 0, 0)
			if c := e.byEmail("bob@x.cz"); c.Language != "de" {
				t.Fatalf("bob = %+v", c)
			}
		})
	})
}

// An address with an internationalized domain is one address however the
// file spells the domain (Unicode in any case, or punycode): rows match
// by it, within the file and in the directory, and it is stored and
// shown with the domain in Unicode. The local part is only lower-cased.
func TestEmailDomainSpellings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email,other_emails\n" +
			"Jan,jan@müller.de,\"JAN@MÜLLER.DE, jan@xn--mller-kva.de, xn--mller-kva@example.com\"\n" +
			"b1,b1@x.cz,\n" +
			"b2,b2@x.cz,\n" +
			"Jan Müller,Jan@XN--MLLER-KVA.DE,\n" +
			"Bad,bad@xn--zz.de,\n")
		e.counts(res, 3, 1, 0, 1)
		if len(res.Errors) != 1 || res.Errors[0].Row != 6 || res.Errors[0].Code != "invalid_email" {
			t.Fatalf("errors %+v: want broken punycode refused on row 6", res.Errors)
		}
		jan := e.byEmail("jan@xn--mller-kva.de")
		if jan.Name != "Jan Müller" || jan.Email != "jan@müller.de" || !reflect.DeepEqual(jan.OtherEmails, []string{"xn--mller-kva@example.com"}) {
			t.Fatalf("jan = %q %q %q; want one contact, jan@müller.de, the local part left as written", jan.Name, jan.Email, jan.OtherEmails)
		}
		t.Run("matching by email", func(t *testing.T) {
			e.counts(e.run("email,job_title\nJAN@XN--MLLER-KVA.DE,CTO\n"), 0, 1, 0, 0)
			e.counts(e.run("name,other_emails,job_title\nJan,JAN@MÜLLER.DE,CEO\n", match("email")), 0, 1, 0, 0)
			if c := e.byEmail("jan@müller.de"); c.JobTitle != "CEO" || len(e.contacts()) != 3 {
				t.Fatalf("jan = %+v, %d contacts", c, len(e.contacts()))
			}
		})
		t.Run("another contact cannot take it", func(t *testing.T) {
			res := e.run("name,email,other_emails\nB One,b1@x.cz,jan@xn--mller-kva.de\n")
			e.counts(res, 0, 0, 0, 1)
			if res.Errors[0].Code != "duplicate_email" {
				t.Fatalf("errors %+v", res.Errors)
			}
		})
	})
}

func TestMergeStrategies(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,phone,tags,company\nAnn,ann@x.cz,+420601000001,a,Alpha\nAnna,anna@x.cz,+420601000001,b,Beta\n")
		// One row matching both by email: first updates Ann only.
		res := e.run("name,email,other_emails,job_title\nAnn,ann@x.cz,,CEO\n", match("email", "phone"))
		e.counts(res, 0, 1, 0, 0)
		if n := len(e.contacts()); n != 2 {
			t.Fatalf("%d contacts after --merge first", n)
		}
		res = e.run("name,email,phone,job_title\nAnn,ann@x.cz,+420601000001,CEO\n", match("email", "phone"), func(o *importer.Options) { o.Merge = roster.MergeAll })
		e.counts(res, 0, 1, 0, 0)
		if res.Import.Counts.Merged != 1 {
			t.Fatalf("merged %d", res.Import.Counts.Merged)
		}
		all := e.contacts()
		if len(all) != 1 {
			t.Fatalf("%d contacts after --merge all, want 1", len(all))
		}
		c := all[0]
		if c.Email != "ann@x.cz" || !slices.Contains(c.OtherEmails, "anna@x.cz") || !reflect.DeepEqual(c.Tags, []string{"a", "b"}) ||
			len(c.Companies) != 2 || c.JobTitle != "CEO" {
			t.Fatalf("merged contact %+v", c)
		}
		t.Run("undo brings the merged contact back", func(t *testing.T) {
			rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, res.Import.ID)
			if err != nil || rep.Recreated != 1 || rep.Restored != 1 {
				t.Fatalf("undo %+v, %v", rep, err)
			}
			if n := len(e.contacts()); n != 2 {
				t.Fatalf("%d contacts after undo", n)
			}
			anna := e.byEmail("anna@x.cz")
			if anna.Name != "Anna" || len(anna.Companies) != 1 || anna.Companies[0].CompanyName != "Beta" {
				t.Fatalf("anna after undo %+v", anna)
			}
		})
	})
}

func TestCompaniesOfContacts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email,company,view_all_tickets\nAnn,ann@x.cz,Alpha||Beta||Gamma,yes||no||ano\n")
		e.counts(res, 1, 0, 0, 0)
		c := e.byEmail("ann@x.cz")
		var flags []bool
		for _, m := range c.Companies {
			flags = append(flags, m.ViewAllTickets)
		}
		if !reflect.DeepEqual(flags, []bool{true, false, true}) {
			t.Fatalf("view_all_tickets %v", flags)
		}
		res = e.run("name,email,company\nBob,bob@x.cz,Nowhere Ltd\nCid,cid@x.cz,alpha\n", func(o *importer.Options) { o.CreateCompanies = false })
		e.counts(res, 1, 0, 0, 1)
		if er := res.Errors[0]; er.Row != 2 || er.Column != "company" || er.Message != "company not found: Nowhere Ltd" {
			t.Fatalf("error %+v", er)
		}
		t.Run("by company external id", func(t *testing.T) {
			e.run("name,external_id\nDelta,D-1\n", kind(roster.KindCompanies))
			e.counts(e.run("name,email,company_external_id\nDan,dan@x.cz,D-1\n", func(o *importer.Options) { o.CreateCompanies = false }), 1, 0, 0, 0)
			if c := e.byEmail("dan@x.cz"); len(c.Companies) != 1 || c.Companies[0].CompanyName != "Delta" {
				t.Fatalf("dan %+v", c.Companies)
			}
		})
	})
}

func TestCustomFields(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "plan", roster.FieldDropdown, "Free", "Pro")
		e.field(roster.KindContacts, "vip", roster.FieldCheckbox)
		e.field(roster.KindContacts, "since", roster.FieldDate)
		e.field(roster.KindContacts, "seats", roster.FieldNumber)
		res := e.run("name,email,plan,vip,since,seats\nAnn,ann@x.cz,pro,ano,24.12.2024,5\nBob,bob@x.cz,gold,ne,01.01.2020,x\n",
			func(o *importer.Options) { o.DateFormat = "DD.MM.YYYY" })
		e.counts(res, 1, 0, 0, 1)
		c := e.byEmail("ann@x.cz")
		want := map[string]any{"plan": "Pro", "vip": true, "since": "2024-12-24", "seats": int64(5)}
		if !reflect.DeepEqual(c.Custom, want) {
			t.Fatalf("custom %#v", c.Custom)
		}
		var cols []string
		for _, er := range res.Errors {
			cols = append(cols, er.Column)
		}
		if !reflect.DeepEqual(cols, []string{"plan", "seats"}) || res.Errors[0].Row != 3 {
			t.Fatalf("errors %+v: every bad cell of the row is reported", res.Errors)
		}
		t.Run("new-only leaves existing records' custom fields", func(t *testing.T) {
			res := e.run("name,email,plan\nAnn,ann@x.cz,Free\nCid,cid@x.cz,Free\n", func(o *importer.Options) { o.CustomFields = roster.CustomNewOnly })
			e.counts(res, 1, 0, 1, 0)
			if e.byEmail("ann@x.cz").Custom["plan"] != "Pro" || e.byEmail("cid@x.cz").Custom["plan"] != "Free" {
				t.Fatal("new-only wrote an existing record")
			}
		})
		t.Run("ambiguous date without a format", func(t *testing.T) {
			res := e.run("name,email,since\nDee,dee@x.cz,05/03/2024\n")
			if res.Import.Counts.Failed != 1 || res.Errors[0].Code != "ambiguous_date" {
				t.Fatalf("errors %+v", res.Errors)
			}
		})
	})
}

// Phone extensions do not fit E.164: the number imports without one, and
// the report says, per column, how many were left out and where first.
func TestPhoneExtensionsAreReported(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "desk", roster.FieldPhone)
		res := e.run("name,email,Phone,Mobile,Desk\n"+
			"Ann,ann@x.com,(216) 514-1412 x123,,\n"+
			"Bad,not-an-email,201-555-0100 x9,,\n"+ // failed: its extension is not counted
			"Bob,bob@x.com,216.514.1413,+1 216 514 1414,\n"+
			"Cid,cid@x.com,216-514-1415 ext. 7,201-555-0123 #4,201-555-0124 x5\n", region("US"))
		e.counts(res, 3, 0, 0, 1)
		if ann := e.byEmail("ann@x.com"); ann.Phone != "+12165141412" {
			t.Fatalf("ann's phone %q", ann.Phone)
		}
		want := []string{
			`column "Phone": the extensions of 2 numbers were left out: E.164 has no room for one (first at row 2: "(216) 514-1412 x123")`,
			`column "Mobile": the extension of 1 number was left out: E.164 has no room for one (first at row 5: "201-555-0123 #4")`,
			`column "Desk": the extension of 1 number was left out: E.164 has no room for one (first at row 5: "201-555-0124 x5")`,
		}
		if !reflect.DeepEqual(res.Warnings, want) {
			t.Fatalf("warnings\n%q\nwant\n%q", res.Warnings, want)
		}
		// The journal keeps them, for the API and `roster imports show`.
		if imp, err := e.s.FindImport(e.ctx, e.tenant.ID, res.Import.ID); err != nil || !reflect.DeepEqual(imp.Warnings, want) {
			t.Fatalf("journaled warnings %q (%v), want the report's", imp.Warnings, err)
		}
		// Re-imported unchanged, the numbers still lose their extensions.
		if res := e.run("name,email,Phone\nAnn,ann@x.com,(216) 514-1412 x123\n", region("US")); len(res.Warnings) != 1 {
			t.Fatalf("re-import warnings %q", res.Warnings)
		}
	})
}

// Roles as other systems export them read as customer or agent.
func TestRoleWordsOfOtherSystems(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email,role\n" +
			"A,a@x.com,end-user\n" + // Zendesk
			"B,b@x.com,Admin\n" +
			"C,c@x.com,Light Agent\n" +
			"D,d@x.com,고객\n" +
			"E,e@x.com,AGENT\n" +
			"F,f@x.com,boss\n")
		e.counts(res, 5, 0, 0, 1)
		want := map[string]string{"a@x.com": roster.RoleCustomer, "b@x.com": roster.RoleAgent, "c@x.com": roster.RoleAgent,
			"d@x.com": roster.RoleCustomer, "e@x.com": roster.RoleAgent}
		for email, role := range want {
			if got := e.byEmail(email).Role; got != role {
				t.Errorf("%s: role %q, want %q", email, got, role)
			}
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 7 || res.Errors[0].Code != "invalid_role" || !strings.Contains(res.Errors[0].Message, `"boss"`) {
			t.Fatalf("errors %+v", res.Errors)
		}
	})
}

// A date column's unambiguous dates tell how to read its ambiguous ones;
// a column that shows two orders, or a --date-format, decides nothing.
func TestDateOrderLearntFromTheColumn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "born", roster.FieldDate)
		e.field(roster.KindContacts, "joined", roster.FieldDate)
		res := e.run("name,email,Born,Joined\n" +
			"Ann,ann@x.com,7/2/1992,2020-03-02\n" + // Born is ambiguous, and read by the rows below
			"Bob,bob@x.com,10/26/1945,26.10.2021\n" +
			"Cid,cid@x.com,1990-05-04,10.26.2021\n" + // Joined shows both orders: each read its one way
			"Dan,dan@x.com,,05.04.2021\n") // but an ambiguous one fails
		e.counts(res, 3, 0, 0, 1)
		if got := e.byEmail("ann@x.com").Custom["born"]; got != "1992-07-02" {
			t.Errorf("ann born %v, want 1992-07-02 (the column writes MM/DD/YYYY)", got)
		}
		if got := e.byEmail("cid@x.com").Custom["born"]; got != "1990-05-04" {
			t.Errorf("ISO dates read as they are: %v", got)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 5 || res.Errors[0].Code != "ambiguous_date" {
			t.Errorf("errors %+v; want row 5's Joined, still ambiguous", res.Errors)
		}
		want := []string{
			`column "Born": dates read as MM/DD/YYYY, the only order "10/26/1945" (row 3) fits`,
			`column "Joined": dates are written both as DD.MM.YYYY ("26.10.2021", row 3) and as MM.DD.YYYY ("10.26.2021", row 4); ambiguous ones fail their rows: set the date format`,
		}
		if !reflect.DeepEqual(res.Warnings, want) {
			t.Errorf("warnings\n%q\nwant\n%q", res.Warnings, want)
		}
		res = e.run("name,email,Born\nEve,eve@x.com,7/2/1992\nFay,fay@x.com,10/26/1945\n",
			func(o *importer.Options) { o.DateFormat = "DD/MM/YYYY" })
		e.counts(res, 1, 0, 0, 1)
		if got := e.byEmail("eve@x.com").Custom["born"]; got != "1992-02-07" || len(res.Warnings) != 0 {
			t.Errorf("with --date-format: eve born %v, warnings %q; want the format's reading, and nothing learnt", got, res.Warnings)
		}
	})
}

// Emails and numbers exported as JSON lists in one cell (Krayin CRM) read
// as their values.
func TestJSONListCells(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
		res := e.run("name,emails,contact_numbers\n"+
			"Ann,"+q(`[{"label": "work", "value": "Ann@x.com"}, {"label": "home", "value": "ann@home.x"}]`)+","+
			q(`[{"label": "work", "value": "+420601123456"}, {"label": "Mobile", "value": "+420777111222"}]`)+"\n"+
			"Bob,"+q(`["bob@x.com"]`)+","+q(`[{"label": "work", "value": "+420601000001"}, {"label": "home", "value": "+420601000002"}]`)+"\n"+
			"Cid,[not json,\n"+
			"Dan,[],"+q(`[{"label": "work", "value": 601000003}]`)+"\n"+
			"Eve,"+q(`[{"value": "eve@x.com"}, {"value": "not an email"}]`)+",\n", region("CZ"))
		e.counts(res, 3, 0, 0, 2)
		ann := e.byEmail("ann@x.com")
		if !reflect.DeepEqual(ann.OtherEmails, []string{"ann@home.x"}) || ann.Phone != "+420601123456" || ann.Mobile != "+420777111222" {
			t.Errorf("ann = %+v", ann)
		}
		if bob := e.byEmail("bob@x.com"); bob.Phone != "+420601000001" || bob.Mobile != "" {
			t.Errorf("bob = %+v", bob)
		}
		var dan *roster.Contact
		for _, c := range e.contacts() {
			if c.Name == "Dan" {
				dan = c
			}
		}
		if dan == nil || dan.Phone != "+420601000003" || dan.Email != "" {
			t.Errorf("dan = %+v", dan)
		}
		codes := map[int]string{}
		for _, er := range res.Errors {
			codes[er.Row] = er.Code + " " + er.Column
		}
		if !reflect.DeepEqual(codes, map[int]string{4: "invalid_email emails", 6: "invalid_email emails"}) {
			t.Errorf("errors %+v", res.Errors)
		}
		want := []string{`column "contact_numbers": 1 cell held more numbers than phone and mobile take; only the first were imported (first at row 3: "[{\"label\": \"work\", \"value\": \"+420601000001\"}, {\"label\": \"home\", \"value\": \"+420601000002\"}]")`,
			// Dan has a phone only.
			"1 new contact has none of the identifiers of --match (email), so importing the same rows again would not find them: --match email,phone would (first at row 5)"}
		if !reflect.DeepEqual(res.Warnings, want) {
			t.Errorf("warnings\n%q\nwant\n%q", res.Warnings, want)
		}
	})
}

// Address lines and several notes columns are joined into one field.
func TestJoinedColumns(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		long := strings.Repeat("x", 200)
		res := e.run("name,email,Address,Address 2,Details,Notes\n"+
			"Ann,ann@x.com,1 Main St,Suite 5,Likes tea,Call after 5\n"+
			"Bob,bob@x.com,,Suite 6,,Only notes\n"+
			"Cid,cid@x.com,"+long+","+long+",,\n", region("CZ"))
		e.counts(res, 2, 0, 0, 1)
		ann := e.byEmail("ann@x.com")
		if ann.Address != "1 Main St, Suite 5" || ann.Description != "Likes tea\n\nCall after 5" {
			t.Errorf("ann: address %q, description %q", ann.Address, ann.Description)
		}
		if bob := e.byEmail("bob@x.com"); bob.Address != "Suite 6" || bob.Description != "Only notes" {
			t.Errorf("bob: address %q, description %q", bob.Address, bob.Description)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 4 || res.Errors[0].Column != "Address 2" {
			t.Errorf("errors %+v; want row 4's joined address too long, on its second column", res.Errors)
		}
		if res := e.run("name,email,Address,Address 2,Details,Notes\nAnn,ann@x.com,1 Main St,Suite 5,Likes tea,Call after 5\n", region("CZ")); res.Import.Counts.Unchanged != 1 {
			t.Errorf("re-import: %+v", res.Import.Counts)
		}
	})
}

func TestRowErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		csv := "name,email,phone,other_emails\n" +
			"Good,good@x.cz,,\n" +
			"Bad Email,not-an-email,,\n" +
			",noname@x.cz,,\n" +
			"No Id,,,\n" +
			"Bad Phone,bp@x.cz,12,\n" +
			"Too many,tm@x.cz,,\"a@x.cz,b@x.cz,c@x.cz,d@x.cz,e@x.cz,f@x.cz,g@x.cz,h@x.cz,i@x.cz,j@x.cz\"\n" +
			"Short row\n" +
			"Good Too,good2@x.cz,+420601123456,\n"
		res := e.run(csv, region("CZ"))
		e.counts(res, 2, 0, 0, 6)
		want := map[int]string{3: "invalid_email", 4: "missing_name", 5: "missing_identifier", 6: "invalid_phone", 7: "too_many_emails", 8: "wrong_cell_count"}
		for _, er := range res.Errors {
			if want[er.Row] != er.Code {
				t.Errorf("row %d: code %q (%s), want %q", er.Row, er.Code, er.Message, want[er.Row])
			}
		}
		var rows []int
		err := e.s.FailedRows(e.ctx, e.tenant.ID, res.Import.ID, func(fr roster.FailedRow) error {
			rows = append(rows, fr.Row)
			if fr.Row == 3 && (fr.Cells[1] != "not-an-email" || fr.Errors[0].Column != "email") {
				t.Errorf("failed row 3 journaled as %+v", fr)
			}
			return nil
		})
		if err != nil || !reflect.DeepEqual(rows, []int{3, 4, 5, 6, 7, 8}) {
			t.Fatalf("journaled failed rows %v, %v", rows, err)
		}
	})
}

// TestRowErrorsAllAtOnce: a row's own rules run behind its bad cells, so
// that one round of fixes clears it; a cell given but bad counts as given.
func TestRowErrorsAllAtOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "since", roster.FieldDate)
		csv := "name,email,phone,since\n" +
			"No Id Bad Date,,,not a date\n" + // two reasons
			"Bad Phone Only,,12,\n" + // the phone was given: its error alone
			"Bad Email Only,not-an-email,,\n"
		res := e.run(csv, region("CZ"))
		e.counts(res, 0, 0, 0, 3)
		got := map[int][]string{}
		for _, er := range res.Errors {
			got[er.Row] = append(got[er.Row], er.Code)
		}
		want := map[int][]string{2: {"invalid_date", "missing_identifier"}, 3: {"invalid_phone"}, 4: {"invalid_email"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("errors %v, want %v", got, want)
		}
	})
}

func TestCompanyRowErrorsAllAtOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,external_id,phone\n"+strings.Repeat("x", 300)+",,\n", func(o *importer.Options) {
			o.Kind = roster.KindCompanies
			o.Match = []string{"external_id"}
		})
		got := map[int][]string{}
		for _, er := range res.Errors {
			got[er.Row] = append(got[er.Row], er.Code)
		}
		if want := map[int][]string{2: {"too_long", "missing_external_id"}}; !reflect.DeepEqual(got, want) {
			t.Errorf("company errors %v, want %v", got, want)
		}
	})
}

func TestUndo(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		first := e.run("name,email,job_title,company\nAnn,ann@x.cz,CTO,Alpha\n")
		second := e.run("name,email,job_title,company\nAnn,ann@x.cz,CEO,Alpha\nBob,bob@x.cz,,Beta\nCid,cid@x.cz,,Gamma\n")
		e.counts(second, 2, 1, 0, 0)
		// Someone edits Cid after the import, and links a new contact to Beta.
		cid := e.byEmail("cid@x.cz")
		cid.JobTitle = "edited"
		if err := e.s.UpdateContact(e.ctx, e.tenant.ID, cid); err != nil {
			t.Fatal(err)
		}
		var beta int64
		for _, co := range e.companies() {
			if co.Name == "Beta" {
				beta = co.ID
			}
		}
		if err := e.s.CreateContact(e.ctx, e.tenant.ID, &roster.Contact{Name: "Dee", Email: "dee@x.cz", Companies: []roster.Membership{{CompanyID: beta}}}); err != nil {
			t.Fatal(err)
		}
		rep, err := e.s.UndoImport(e.ctx, e.tenant.ID, second.Import.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Deleted != 1 || rep.Restored != 1 || len(rep.Conflicts) != 1 || len(rep.Kept) != 2 {
			t.Fatalf("undo report %+v: want Bob deleted, Ann restored, Cid left (changed since), Beta and Gamma kept (linked)", rep)
		}
		if c := e.byEmail("ann@x.cz"); c.JobTitle != "CTO" {
			t.Fatalf("ann not restored: %q", c.JobTitle)
		}
		if e.byEmail("cid@x.cz").JobTitle != "edited" {
			t.Fatal("undo overwrote a later change")
		}
		l, _, _ := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Email: "bob@x.cz"})
		if len(l) != 0 {
			t.Fatal("bob survived the undo")
		}
		names := []string{}
		for _, co := range e.companies() {
			names = append(names, co.Name)
		}
		if !reflect.DeepEqual(names, []string{"Alpha", "Beta", "Gamma"}) {
			t.Fatalf("companies after undo %v", names)
		}
		imp, _ := e.s.FindImport(e.ctx, e.tenant.ID, second.Import.ID)
		if imp.Status != roster.ImportUndone || imp.UndoneAt == nil {
			t.Fatalf("undo not recorded: %+v", imp)
		}
		// Run again, the undo retries only what it left alone, which is
		// still as it was.
		again, err := e.s.UndoImport(e.ctx, e.tenant.ID, second.Import.ID)
		if err != nil || again.Deleted+again.Restored+again.Recreated != 0 || len(again.Conflicts) != 1 || len(again.Kept) != 2 {
			t.Fatalf("second undo: %+v, %v; want the same left alone, nothing done", again, err)
		}
		if e.byEmail("ann@x.cz").JobTitle != "CTO" || e.byEmail("cid@x.cz").JobTitle != "edited" {
			t.Fatal("the second undo changed a record the first had settled")
		}
		_ = first
	})
}

func TestCompaniesImport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		csv := "Company Name,Website,Domains,Industry,External ID\nAcme,https://acme.com,\"acme.com, acme.cz\",Tools,C1\nBeta,ftp://beta.com,,,C2\n,https://x.com,,,\n"
		res := e.run(csv, kind(roster.KindCompanies))
		e.counts(res, 1, 0, 0, 2)
		if res.Errors[0].Code != "invalid_url" || res.Errors[1].Code != "missing_name" {
			t.Fatalf("errors %+v", res.Errors)
		}
		e.counts(e.run("name,industry\nACME,Anvils\n", kind(roster.KindCompanies)), 0, 1, 0, 0)
		e.counts(e.run("external_id,industry\nC1,Anvils\n", kind(roster.KindCompanies), match("external_id")), 0, 0, 1, 0)
		co := e.companies()[0]
		// The file's value wins, the spelling of the name too.
		if co.Name != "ACME" || co.Industry != "Anvils" || !reflect.DeepEqual(co.Domains, []string{"acme.com", "acme.cz"}) {
			t.Fatalf("company %+v", co)
		}
		res = e.run("name,external_id\nNoId,\n", kind(roster.KindCompanies), match("external_id"))
		if res.Import.Counts.Failed != 1 || res.Errors[0].Code != "missing_external_id" {
			t.Fatalf("matching by external id without one: %+v", res.Errors)
		}
	})
}

func TestFatalErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for name, tc := range map[string]struct {
			csv  string
			mods []func(*importer.Options)
			want string
		}{
			"empty file":          {"", nil, "empty"},
			"no identifier":       {"name,job_title\nA,B\n", nil, "no email or phone column"},
			"match not in file":   {"name,phone\nA,+420601123456\n", nil, "match identifiers"},
			"max rows":            {"name,email\nA,a@x.cz\nB,b@x.cz\n", []func(*importer.Options){func(o *importer.Options) { o.MaxRows = 1 }}, "at most 1"},
			"bad option":          {"name,email\nA,a@x.cz\n", []func(*importer.Options){func(o *importer.Options) { o.Merge = "some" }}, "merge: want first or all"},
			"unknown mapping key": {"name,email\nA,a@x.cz\n", []func(*importer.Options){func(o *importer.Options) { o.Map = map[string]string{"name": "nickname"} }}, "nickname"},
			"bad region":          {"name,email\nA,a@x.cz\n", []func(*importer.Options){region("XX")}, "region"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := e.try(tc.csv, tc.mods...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want one mentioning %q", err, tc.want)
				}
			})
		}
		if l, _, _ := e.s.ListImports(e.ctx, e.tenant.ID, roster.Page{}); len(l) != 0 || len(e.contacts()) != 0 {
			t.Fatalf("a refused file left %d imports, %d contacts", len(l), len(e.contacts()))
		}
	})
}
