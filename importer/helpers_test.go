package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"roster"
	"roster/importer"
	"roster/storetest"
)

// each runs fn against a fresh SQLite store and a fresh PostgreSQL schema.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for name, open := range map[string]func(testing.TB) roster.Store{
		"sqlite":   func(t testing.TB) roster.Store { return storetest.OpenSQLite(t) },
		"postgres": func(t testing.TB) roster.Store { return storetest.OpenPostgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			tn, err := s.CreateTenant(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			fn(t, &env{t: t, ctx: context.Background(), s: s, tenant: tn})
		})
	}
}

type env struct {
	t      *testing.T
	ctx    context.Context
	s      roster.Store
	tenant *roster.Tenant
}

// file writes content to a file named name in a temp dir.
func (e *env) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// run imports content (a CSV) with the CLI's default options changed by
// mods, and fails the test on a fatal error. Batches are tiny so every
// test crosses batch boundaries.
func (e *env) run(content string, mods ...func(*importer.Options)) *importer.Result {
	e.t.Helper()
	res, err := e.try(content, mods...)
	if err != nil {
		e.t.Fatalf("import: %v", err)
	}
	return res
}

func (e *env) try(content string, mods ...func(*importer.Options)) (*importer.Result, error) {
	e.t.Helper()
	opts := importer.Options{ImportOptions: roster.ImportOptions{CreateCompanies: true}, BatchSize: 3}
	for _, m := range mods {
		m(&opts)
	}
	im := &importer.Importer{Store: e.s}
	return im.Run(e.ctx, e.tenant, e.file("in.csv", content), opts)
}

// counts fails unless the import's counts are as given.
func (e *env) counts(res *importer.Result, created, updated, unchanged, failed int) {
	e.t.Helper()
	c := res.Import.Counts
	if c.Created != created || c.Updated != updated || c.Unchanged != unchanged || c.Failed != failed {
		e.t.Fatalf("counts = created %d, updated %d, unchanged %d, failed %d; want %d, %d, %d, %d\nerrors: %+v",
			c.Created, c.Updated, c.Unchanged, c.Failed, created, updated, unchanged, failed, res.Errors)
	}
}

func (e *env) contacts() []*roster.Contact {
	e.t.Helper()
	var out []*roster.Contact
	cursor := ""
	for {
		l, next, err := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Page: roster.Page{Cursor: cursor, Limit: roster.MaxLimit}})
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, l...)
		if next == "" {
			return out
		}
		cursor = next
	}
}

func (e *env) byEmail(email string) *roster.Contact {
	e.t.Helper()
	l, _, err := e.s.ListContacts(e.ctx, e.tenant.ID, roster.ContactFilter{Email: email})
	if err != nil || len(l) != 1 {
		e.t.Fatalf("contact %s: %d found, %v", email, len(l), err)
	}
	return l[0]
}

func (e *env) companies() []*roster.Company {
	e.t.Helper()
	l, _, err := e.s.ListCompanies(e.ctx, e.tenant.ID, roster.CompanyFilter{Page: roster.Page{Limit: roster.MaxLimit}})
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func (e *env) field(kind roster.Kind, key string, typ roster.FieldType, choices ...string) {
	e.t.Helper()
	if err := e.s.CreateField(e.ctx, e.tenant.ID, &roster.FieldDef{Kind: kind, Key: key, Type: typ, Choices: choices}); err != nil {
		e.t.Fatal(err)
	}
}
