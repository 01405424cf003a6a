package importer_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"roster"
	"roster/importer"
)

// The key filter spares the look-ups of keys no contact holds, and never
// those of keys the directory held or the import wrote: rows that update
// contacts, or take an external id that is not free, in batches planned
// before and after the batches that wrote them.
func TestKeyFilterSparesLookups(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("name,email,external_id\nAnn,ann@x.cz,A-1\nBob,bob@x.cz,B-1\n"), 2, 0, 0, 0)

		var absent atomic.Int64
		res := e.run("name,email,external_id\n"+
			"Cid,cid@x.cz,C-1\nDee,dee@x.cz,D-1\n"+ // new
			"Cid Two,cid@x.cz,C-1\nAnn Two,ann@x.cz,A-1\n"+ // planned before the batch that made Cid; Ann was there
			"Dee Two,dee@x.cz,D-1\nEve,eve@x.cz,B-1\n"+ // planned after Dee was made; Bob's external id
			"Fay,fay@x.cz,C-1\nGus,gus@x.cz,G-1\n", // Cid's external id; new
			importer.FilterKeys(&absent), batchOf(2))
		e.counts(res, 3, 3, 0, 2)
		if absent.Load() == 0 {
			t.Fatal("the key filter spared no look-up")
		}
		for _, want := range []struct{ email, name string }{{"cid@x.cz", "Cid Two"}, {"dee@x.cz", "Dee Two"}, {"ann@x.cz", "Ann Two"}, {"gus@x.cz", "Gus"}} {
			if c := e.byEmail(want.email); c.Name != want.name {
				t.Errorf("%s is %s, want %s", want.email, c.Name, want.name)
			}
		}
		if n := len(e.contacts()); n != 5 {
			t.Fatalf("%d contacts, want 5", n)
		}
		failed := map[int]string{}
		for _, err := range res.Errors {
			failed[err.Row] = err.Column
		}
		if failed[7] != "external_id" || failed[8] != "external_id" {
			t.Fatalf("failed rows %v, want 7 and 8 on external_id", failed)
		}
	})
}

// The filter is made on one snapshot: once anything outside the import
// writes to the directory, batches look every key up again.
func TestKeyFilterOutdated(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var once sync.Once
		add := func() {
			c := &roster.Contact{Name: "Hal", Email: "hal@x.cz", ExternalID: "H-1"}
			if err := e.s.CreateContact(e.ctx, e.tenant.ID, c); err != nil {
				t.Fatal(err)
			}
		}
		var absent atomic.Int64
		res := e.run("name,email,external_id\nAnn,ann@x.cz,A-1\nHal Two,hal@x.cz,\nIvy,ivy@x.cz,H-1\n",
			importer.FilterKeys(&absent), batchOf(1), importer.BeforeBatch(func() { once.Do(add) }))
		e.counts(res, 1, 1, 0, 1)
		if c := e.byEmail("hal@x.cz"); c.Name != "Hal Two" || c.ExternalID != "H-1" {
			t.Fatalf("Hal is %+v", c)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 4 || !strings.Contains(res.Errors[0].Column, "external_id") {
			t.Fatalf("errors %+v, want row 4 on external_id", res.Errors)
		}
	})
}

// Matched by external id, rows find their contacts through the filter's
// keys too: the directory's and the import's own.
func TestKeyFilterMatchByExternalID(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.counts(e.run("name,email,external_id\nAnn,ann@x.cz,A-1\n"), 1, 0, 0, 0)
		var absent atomic.Int64
		res := e.run("name,email,external_id\nAnn New,ann@new.cz,A-1\nZed,zed@x.cz,Z-1\nYul,yul@x.cz,Y-1\nZed Two,zed2@x.cz,Z-1\n",
			importer.FilterKeys(&absent), batchOf(1), func(o *importer.Options) { o.Match = []string{"external_id"} })
		e.counts(res, 2, 2, 0, 0)
		if c := e.byEmail("ann@new.cz"); c.Name != "Ann New" || c.ExternalID != "A-1" {
			t.Fatalf("Ann is %+v", c)
		}
		if c := e.byEmail("zed2@x.cz"); c.Name != "Zed Two" || c.ExternalID != "Z-1" {
			t.Fatalf("Zed is %+v", c)
		}
		if n := len(e.contacts()); n != 3 {
			t.Fatalf("%d contacts, want 3", n)
		}
		if absent.Load() == 0 {
			t.Fatal("the key filter spared no look-up")
		}
	})
}

// A filter made while the import runs answers only once it also holds
// what the batches before it wrote, which its scan may not see: on
// SQLite they are still uncommitted in the open group.
func TestKeyFilterMadeMidImport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var absent atomic.Int64
		res := e.run("name,email,external_id\nAnn,ann@x.cz,A-1\nBob,bob@x.cz,B-1\n"+
			"Ann Two,ann@x.cz,\nCid,cid@x.cz,B-1\n"+ // the filter is made as this batch begins
			"Dee,dee@x.cz,D-1\nEve,eve@x.cz,E-1\n"+ // the writer adopts it here
			"Bob Two,bob@x.cz,\nFay,fay@x.cz,F-1\n"+
			"Gus,gus@x.cz,G-1\nHal,hal@x.cz,H-1\nIvy,ivy@x.cz,I-1\nJon,jon@x.cz,J-1\n"+
			"Kim,kim@x.cz,K-1\nDee Two,dee@x.cz,\n"+ // planned on the filter
			"Lee,lee@x.cz,L-1\nMia,mia@x.cz,M-1\n",
			importer.FilterKeysAt(2, &absent), batchOf(2), importer.GroupRows(100))
		e.counts(res, 12, 3, 0, 1)
		if absent.Load() == 0 {
			t.Fatal("the key filter spared no look-up")
		}
		for _, want := range []struct{ email, name string }{{"ann@x.cz", "Ann Two"}, {"bob@x.cz", "Bob Two"}, {"dee@x.cz", "Dee Two"}, {"mia@x.cz", "Mia"}} {
			if c := e.byEmail(want.email); c.Name != want.name {
				t.Errorf("%s is %s, want %s", want.email, c.Name, want.name)
			}
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 5 || res.Errors[0].Column != "external_id" {
			t.Fatalf("errors %+v, want row 5 on external_id", res.Errors)
		}
	})
}
