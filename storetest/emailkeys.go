package storetest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/sqlstore"
)

// RunEmailKeyMigration checks migration 012 on a directory written before
// it, when a punycode domain was stored as written: emails and their keys
// are rewritten to the canonical form (the domain in Unicode), and where
// two contacts held one address in two spellings the migration succeeds
// and loses nothing. migrate applies the database's migrations.
func RunEmailKeyMigration(t *testing.T, open func(testing.TB) *sqlstore.Store, migrate func(context.Context, *sqlstore.Store) error) {
	ctx := context.Background()
	s := open(t)
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateTenant(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	exec := execer(t, s)
	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	// add writes a contact as the store did before the migration: its
	// emails as given, lower-cased, each its own key.
	add := func(tenant int64, name, email string, others ...string) int64 {
		t.Helper()
		list := "[]"
		if len(others) > 0 {
			list = `["` + others[0]
			for _, o := range others[1:] {
				list += `","` + o
			}
			list += `"]`
		}
		var id int64
		err := s.DB.QueryRowContext(ctx, s.Q(`INSERT INTO contacts (tenant_id, name, email, other_emails, search, created_at, updated_at, import_digest)
			VALUES (?, ?, ?, ?, ?, ?, ?, 42) RETURNING id`), tenant, name, email, list, name, created, created).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range append([]string{email}, others...) {
			exec(`INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES (?, ?, ?)`, tenant, e, id)
		}
		return id
	}
	ann := add(tn.ID, "Ann", "ann@xn--bcher-kva.de", "ann@example.com")
	// Jan's address two contacts held in two spellings: the punycode one
	// is the older contact, the other held it canonically already.
	janOld := add(tn.ID, "Jan (old)", "jan@xn--mller-kva.de")
	janNew := add(tn.ID, "Jan (new)", "jan@example.org", "jan@müller.de")
	// Eva's: neither spelling canonical (one punycode, one not in NFC).
	eva := add(tn.ID, "Eva", "eva@xn--mller-kva.de")
	evaToo := add(tn.ID, "Eva too", "eva@mu\u0308ller.de")
	// Max has his address twice, in two spellings.
	max := add(tn.ID, "Max", "max@xn--mller-kva.de", "max@müller.de", "max@other.com")
	bad := add(tn.ID, "Bad", "bad@xn--zz.de")
	annElsewhere := add(other.ID, "Ann", "ann@xn--bcher-kva.de")

	exec(`DELETE FROM schema_migrations WHERE version = 12`)
	var log bytes.Buffer
	s.Logger = slog.New(slog.NewTextHandler(&log, nil))
	if err := migrate(ctx, s); err != nil {
		t.Fatalf("migration: %v", err)
	}
	// The contacts left as they were are named, with the ones that kept
	// their addresses, for an admin to merge or correct.
	warned := strings.Split(strings.TrimSpace(log.String()), "\n")
	for i, want := range []string{
		fmt.Sprintf("contact=%d email=eva@mu\u0308ller.de kept_by_contact=%d address=eva@müller.de", evaToo, eva),
		fmt.Sprintf(`contact=%d email=jan@xn--mller-kva.de kept_by_contact=%d address=jan@müller.de`, janOld, janNew),
	} {
		if len(warned) != 2 || !strings.Contains(warned[i], want) {
			t.Errorf("the migration's warnings:\n%s\nwant 2, the %s one with %s", log.String(), []string{"1st", "2nd"}[i], want)
		}
	}

	keys := func(tenant int64) map[string]int64 {
		t.Helper()
		rows, err := s.DB.QueryContext(ctx, s.Q(`SELECT email, contact_id FROM contact_emails WHERE tenant_id = ?`), tenant)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var e string
			var id int64
			if err := rows.Scan(&e, &id); err != nil {
				t.Fatal(err)
			}
			out[e] = id
		}
		return out
	}
	want := map[string]int64{
		"ann@bücher.de": ann, "ann@example.com": ann,
		"jan@xn--mller-kva.de": janOld, "jan@example.org": janNew, "jan@müller.de": janNew,
		"eva@müller.de": eva, "eva@mu\u0308ller.de": evaToo,
		"max@müller.de": max, "max@other.com": max,
		"bad@xn--zz.de": bad,
	}
	if got := keys(tn.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("keys after the migration:\n got %v\nwant %v", got, want)
	}
	if got := keys(other.ID); !reflect.DeepEqual(got, map[string]int64{"ann@bücher.de": annElsewhere}) {
		t.Errorf("other tenant's keys: %v", got)
	}

	find := func(id int64) *roster.Contact {
		t.Helper()
		c, err := s.FindContact(ctx, tn.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		id     int64
		email  string
		others []string
	}{
		{ann, "ann@bücher.de", []string{"ann@example.com"}},
		{janOld, "jan@xn--mller-kva.de", []string{}}, // left as it was
		{janNew, "jan@example.org", []string{"jan@müller.de"}},
		{eva, "eva@müller.de", []string{}},
		{evaToo, "eva@mu\u0308ller.de", []string{}}, // left as it was
		{max, "max@müller.de", []string{"max@other.com"}},
		{bad, "bad@xn--zz.de", []string{}},
	} {
		c := find(tc.id)
		if c.Email != tc.email || !reflect.DeepEqual(c.OtherEmails, tc.others) {
			t.Errorf("%s: %q %q, want %q %q", c.Name, c.Email, c.OtherEmails, tc.email, tc.others)
		}
		if !c.UpdatedAt.Equal(created) {
			t.Errorf("%s: updated_at %v, want it kept", c.Name, c.UpdatedAt)
		}
	}
	var digest *int64
	if err := s.DB.QueryRowContext(ctx, s.Q(`SELECT import_digest FROM contacts WHERE id = ?`), ann).Scan(&digest); err != nil || digest != nil {
		t.Errorf("rewritten contact's import digest: %v, %v; want it cleared", digest, err)
	}
	if err := s.DB.QueryRowContext(ctx, s.Q(`SELECT import_digest FROM contacts WHERE id = ?`), janOld).Scan(&digest); err != nil || digest == nil || *digest != 42 {
		t.Errorf("untouched contact's import digest: %v, %v; want it kept", digest, err)
	}

	list := func(f roster.ContactFilter) []int64 {
		t.Helper()
		l, _, err := s.ListContacts(ctx, tn.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range l {
			ids = append(ids, c.ID)
		}
		return ids
	}
	// Every spelling finds the contact that has the address.
	for q, id := range map[string]int64{"ann@xn--bcher-kva.de": ann, "JAN@MÜLLER.DE": janNew, "jan@xn--mller-kva.de": janNew, "eva@xn--mller-kva.de": eva} {
		if got := list(roster.ContactFilter{Email: q}); !reflect.DeepEqual(got, []int64{id}) {
			t.Errorf("filter by %q: %v, want [%d]", q, got, id)
		}
	}
	if got := list(roster.ContactFilter{Query: "bücher"}); !reflect.DeepEqual(got, []int64{ann}) {
		t.Errorf("search for bücher: %v, want Ann's rewritten search text", got)
	}
	// The contact left behind says so when saved, naming the other.
	c := find(evaToo)
	c.JobTitle = "Buyer"
	err = s.UpdateContact(ctx, tn.ID, c)
	if roster.ErrorCode(err) != roster.ECONFLICT || err.(*roster.Error).Details["contact_id"] != eva {
		t.Fatalf("saving the contact left behind: %v; want a conflict naming contact %d", err, eva)
	}
	// Once its address is taken out, it saves.
	c.Email = "eva.too@example.com"
	if err := s.UpdateContact(ctx, tn.ID, c); err != nil {
		t.Fatal(err)
	}
	if got := keys(tn.ID); got["eva@mu\u0308ller.de"] != 0 || got["eva.too@example.com"] != evaToo {
		t.Errorf("keys after the fix: %v", got)
	}
	// Migrating again changes nothing.
	if err := migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
}
