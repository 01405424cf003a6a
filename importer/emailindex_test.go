package importer_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"roster/importer"
)

func TestEmailIndexFindsOwners(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		file := "name,email,other_emails,job_title\nAnn,ann@x.cz,,CEO\nBob,bob@x.cz,bob@home.cz,\nCid,cid@x.cz,,CTO\nDee,dee@x.cz,,\n"
		e.counts(e.run(file), 4, 0, 0, 0)

		var found atomic.Int64
		e.counts(e.run(file, importer.IndexEmails(&found)), 0, 0, 4, 0)
		if n := found.Load(); n != 5 {
			t.Fatalf("%d emails found through the index, want all 5", n)
		}

		// A changed row finds its contact through the index too; a new
		// email is looked up.
		found.Store(0)
		file = strings.Replace(file, "CEO", "Chair", 1) + "Eve,eve@x.cz,,\n"
		e.counts(e.run(file, importer.IndexEmails(&found)), 1, 1, 3, 0)
		if n := found.Load(); n != 5 {
			t.Fatalf("%d emails found through the index, want 5", n)
		}
		if got := e.byEmail("ann@x.cz").JobTitle; got != "Chair" {
			t.Fatalf("Ann's job title %q", got)
		}
	})
}

// The index is read once, as the import starts; what changes in the
// directory after that must win over it.
func TestEmailIndexOutdated(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("name,email,job_title\nAnn,ann@x.cz,CEO\nBob,bob@x.cz,\nCid,cid@x.cz,CTO\nDee,dee@x.cz,\n"), 4, 0, 0, 0)

		var once sync.Once
		change := func() {
			// The index says ann@x.cz is Ann's and cid@x.cz Cid's.
			ann, bob := e.byEmail("ann@x.cz"), e.byEmail("bob@x.cz")
			ann.Email = "ann@new.cz"
			if err := e.s.UpdateContact(e.ctx, e.tenant.ID, ann); err != nil {
				t.Fatal(err)
			}
			bob.OtherEmails = []string{"ann@x.cz"}
			if err := e.s.UpdateContact(e.ctx, e.tenant.ID, bob); err != nil {
				t.Fatal(err)
			}
			if err := e.s.DeleteContact(e.ctx, e.tenant.ID, e.byEmail("cid@x.cz").ID); err != nil {
				t.Fatal(err)
			}
		}
		var found atomic.Int64
		res := e.run("name,email,job_title\nDee,dee@x.cz,\nAnn,ann@x.cz,Chair\nCid,cid@x.cz,CTO\n",
			importer.IndexEmails(&found), importer.BeforeBatch(func() { once.Do(change) }))
		e.counts(res, 1, 1, 1, 0)
		if c := e.byEmail("ann@new.cz"); c.Name != "Ann" || c.JobTitle != "CEO" {
			t.Fatalf("Ann, who no longer holds ann@x.cz, became %s, %q", c.Name, c.JobTitle)
		}
		if c := e.byEmail("bob@x.cz"); c.Name != "Ann" || c.JobTitle != "Chair" {
			t.Fatalf("Bob, who holds ann@x.cz now, is %s, %q; want the row's values", c.Name, c.JobTitle)
		}
		if c := e.byEmail("cid@x.cz"); c.JobTitle != "CTO" {
			t.Fatalf("Cid created again as %+v", c)
		}
		if found.Load() == 0 {
			t.Fatal("no email found through the index")
		}
	})
}

// A dry run checks what the index says on the contacts as the dry run
// has left them.
func TestEmailIndexDryRun(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("name,email,phone\nAnn,ann@x.cz,\nBob,bob@x.cz,+420601111111\n"), 2, 0, 0, 0)

		// Row 2 merges Bob into Ann; row 3, in a later batch, names
		// bob@x.cz, which the index says is Bob's, and is Ann's now.
		var found atomic.Int64
		res := e.run("name,email,phone\nAnn,ann@x.cz,+420601111111\nBobby,bob@x.cz,\n", importer.IndexEmails(&found), func(o *importer.Options) {
			o.DryRun, o.BatchSize, o.Merge = true, 1, "all"
			o.Match = []string{"email", "phone"}
		})
		e.counts(res, 0, 2, 0, 0)
		if res.Import.Counts.Merged != 1 {
			t.Fatalf("merged %d, want 1", res.Import.Counts.Merged)
		}
		if found.Load() == 0 {
			t.Fatal("no email found through the index")
		}
		if n := len(e.contacts()); n != 2 {
			t.Fatalf("%d contacts after a dry run, want 2", n)
		}
	})
}
