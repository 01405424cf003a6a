package importer_test

import (
	"fmt"
	"testing"

	"roster"
	"roster/importer"
	"roster/sqlstore"
)

// tamper changes a contact's job title behind every write path's back,
// as no user can: a re-import that settles the contact's row by its
// digest, without loading the contact, leaves it; a re-import that
// loads the contact sets the row's value again.
func (e *env) tamper(email, jobTitle string) {
	e.t.Helper()
	s := e.s.(*sqlstore.Store)
	_, err := s.DB.ExecContext(e.ctx, s.Q(`UPDATE contacts SET job_title = ? WHERE id = (SELECT contact_id FROM contact_emails WHERE email = ?)`), jobTitle, email)
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestReimportSettledByDigest(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		file := "name,email,job_title,company,tags\nAnn,ann@x.cz,CEO,Alpha,a\nBob,bob@x.cz,,Beta||Alpha,b\nCid,cid@x.cz,CTO,,\nDee,dee@x.cz,,Alpha,\n"
		e.counts(e.run(file), 4, 0, 0, 0)

		e.tamper("ann@x.cz", "Tampered")
		e.counts(e.run(file), 0, 0, 4, 0)
		if got := e.byEmail("ann@x.cz").JobTitle; got != "Tampered" {
			t.Fatalf("job title %q: the unchanged row loaded its contact", got)
		}

		t.Run("a contact written since is loaded", func(t *testing.T) {
			ann := e.byEmail("ann@x.cz")
			ann.JobTitle = "Chair"
			if err := e.s.UpdateContact(e.ctx, e.tenant.ID, ann); err != nil {
				t.Fatal(err)
			}
			e.counts(e.run(file), 0, 1, 3, 0)
			if got := e.byEmail("ann@x.cz").JobTitle; got != "CEO" {
				t.Fatalf("job title %q, want the file's", got)
			}
			// The update stored the row's digest again.
			e.tamper("ann@x.cz", "Tampered")
			e.counts(e.run(file), 0, 0, 4, 0)
			if got := e.byEmail("ann@x.cz").JobTitle; got != "Tampered" {
				t.Fatalf("job title %q after the update's digest", got)
			}
		})

		t.Run("other options apply the row again", func(t *testing.T) {
			e.tamper("cid@x.cz", "Tampered")
			e.counts(e.run(file, func(o *importer.Options) { o.Blank = roster.BlankClear }), 0, 2, 2, 0)
			if got := e.byEmail("cid@x.cz").JobTitle; got != "CTO" {
				t.Fatalf("job title %q under --blank clear", got)
			}
		})

		t.Run("a renamed company is named again", func(t *testing.T) {
			alpha := e.byEmail("dee@x.cz").Companies[0]
			co, err := e.s.FindCompany(e.ctx, e.tenant.ID, alpha.CompanyID)
			if err != nil {
				t.Fatal(err)
			}
			co.Name = "Alpha Holdings"
			if err := e.s.UpdateCompany(e.ctx, e.tenant.ID, co); err != nil {
				t.Fatal(err)
			}
			// Ann, Bob and Dee name Alpha, which is created again; Cid's row
			// applies as under --blank clear before, and is now unchanged.
			e.counts(e.run(file, func(o *importer.Options) { o.Blank = roster.BlankClear }), 0, 3, 1, 0)
			if ms := e.byEmail("dee@x.cz").Companies; len(ms) != 2 || ms[1].CompanyName != "Alpha" {
				t.Fatalf("Dee's companies %+v", ms)
			}
		})
	})
}

// A row that matches a contact an earlier row of the same file changed
// is applied, in the same batch or a later one, though the contact's
// stored digest is the row's.
func TestDigestAfterAnEarlierRow(t *testing.T) {
	for _, size := range []int{3, 1} {
		t.Run(fmt.Sprintf("batches of %d", size), func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				batch := func(o *importer.Options) { o.BatchSize = size }
				e.counts(e.run("name,email\nAnn,ann@x.cz\n", batch), 1, 0, 0, 0)
				file := "name,email\nAnn Smith,ann@x.cz\nAnn,ann@x.cz\n"
				e.counts(e.run(file, batch), 0, 2, 0, 0)
				if got := e.byEmail("ann@x.cz").Name; got != "Ann" {
					t.Fatalf("name %q, want the last row's", got)
				}
				t.Run("dry run", func(t *testing.T) {
					e.counts(e.run(file, batch, func(o *importer.Options) { o.DryRun = true }), 0, 2, 0, 0)
				})
			})
		})
	}
}

// A row that leaves a contact as it was, which no import wrote, stores
// its digest: the next re-import settles it.
func TestDigestOfAnUnchangedRow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if err := e.s.CreateContact(e.ctx, e.tenant.ID, &roster.Contact{Name: "Ann", Email: "ann@x.cz", JobTitle: "CEO"}); err != nil {
			t.Fatal(err)
		}
		file := "name,email,job_title\nAnn,ann@x.cz,CEO\n"
		e.counts(e.run(file), 0, 0, 1, 0)
		e.tamper("ann@x.cz", "Tampered")
		e.counts(e.run(file), 0, 0, 1, 0)
		if got := e.byEmail("ann@x.cz").JobTitle; got != "Tampered" {
			t.Fatalf("job title %q: the unchanged row stored no digest", got)
		}
	})
}

// With --merge all, a row that matches several contacts merges them,
// though the first holds the row's digest.
func TestDigestMergeAll(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		all := func(o *importer.Options) {
			o.Merge = roster.MergeAll
			o.Match = []string{roster.MatchEmail, roster.MatchPhone}
		}
		file := "name,email,phone\nAnn,ann@x.cz,+420601234567\n"
		e.counts(e.run(file, all), 1, 0, 0, 0)
		if err := e.s.CreateContact(e.ctx, e.tenant.ID, &roster.Contact{Name: "Anna", Email: "anna@x.cz", Phone: "+420601234567"}); err != nil {
			t.Fatal(err)
		}
		res := e.run(file, all)
		if res.Import.Counts.Merged != 1 || len(e.contacts()) != 1 {
			t.Fatalf("merged %d, %d contacts", res.Import.Counts.Merged, len(e.contacts()))
		}
	})
}
