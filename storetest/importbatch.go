package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"roster"
	"roster/sqlstore"
)

// RunImportBatch checks the import transaction's writes below the
// importer: bulk inserts and updates inside one transaction, in whatever
// way the database writes them (COPY and a set-based merge on
// PostgreSQL, statement by statement on SQLite), must leave exactly what
// the same calls made one at a time would.
func RunImportBatch(t *testing.T, open func(testing.TB) *sqlstore.Store) {
	ctx := context.Background()
	setup := func(t *testing.T) (*sqlstore.Store, int64) {
		s := open(t)
		tn, err := s.CreateTenant(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		return s, tn.ID
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	contact := func(i int, companies ...int64) *roster.Contact {
		c := &roster.Contact{Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.com", i),
			ExternalID: fmt.Sprintf("X-%d", i), Role: roster.RoleCustomer, Tags: []string{}, OtherEmails: []string{},
			Custom: map[string]any{}, CreatedAt: now, UpdatedAt: now}
		for _, id := range companies {
			c.Companies = append(c.Companies, roster.Membership{CompanyID: id})
		}
		return c
	}
	company := func(name string) *roster.Company {
		return &roster.Company{Name: name, Tags: []string{}, Domains: []string{}, Custom: map[string]any{}, CreatedAt: now, UpdatedAt: now}
	}
	batch := func(t *testing.T, s *sqlstore.Store, tenant int64, fn func(tx roster.ImportTx) error) {
		t.Helper()
		if err := s.ImportBatch(ctx, tenant, 0, "", 0, fn); err != nil {
			t.Fatal(err)
		}
	}
	// seed creates n contacts, each a member of one new company, and returns them.
	seed := func(t *testing.T, s *sqlstore.Store, tenant int64, n int) []*roster.Contact {
		var out []*roster.Contact
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for i := range n {
				co := company(fmt.Sprintf("Company %d", i))
				if err := tx.CreateCompany(co); err != nil {
					return err
				}
				c := contact(i, co.ID)
				if err := tx.CreateContact(c, 0); err != nil {
					return err
				}
				out = append(out, c)
			}
			return nil
		})
		return out
	}
	find := func(t *testing.T, s *sqlstore.Store, tenant, id int64) *roster.Contact {
		t.Helper()
		c, err := s.FindContact(ctx, tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	owner := func(t *testing.T, s *sqlstore.Store, tenant int64, email string) []int64 {
		t.Helper()
		l, _, err := s.ListContacts(ctx, tenant, roster.ContactFilter{Email: email})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range l {
			ids = append(ids, c.ID)
		}
		return ids
	}

	t.Run("a rolled back batch leaves nothing", func(t *testing.T) {
		s, tenant := setup(t)
		errStop := errors.New("stop")
		err := s.ImportBatch(ctx, tenant, 0, "", 0, func(tx roster.ImportTx) error {
			for i := range 100 {
				co := &roster.Company{Name: fmt.Sprintf("Company %d", i), CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateCompany(co); err != nil {
					return err
				}
				if err := tx.CreateContact(contact(i, co.ID), 0); err != nil {
					return err
				}
			}
			// A look-up writes what is pending first: the rows are in the
			// database, inside the transaction.
			ids, err := tx.ContactIDsByEmail([]string{"p7@example.com", "p99@example.com"})
			if err != nil {
				return err
			}
			if len(ids) != 2 {
				t.Errorf("inside the batch, found %v, want 2 contacts", ids)
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Fatalf("got %v, want the batch's error", err)
		}
		if l, _, err := s.ListContacts(ctx, tenant, roster.ContactFilter{}); err != nil || len(l) != 0 {
			t.Errorf("after rollback: %d contacts (%v), want none", len(l), err)
		}
		if l, _, err := s.ListCompanies(ctx, tenant, roster.CompanyFilter{}); err != nil || len(l) != 0 {
			t.Errorf("after rollback: %d companies (%v), want none", len(l), err)
		}
	})

	t.Run("a write that fails fails the batch with its own error", func(t *testing.T) {
		// The importer checks keys first, so only a bug or a race gets
		// here; the batch must then stop for that reason, and whether the
		// rows were written at once or while the batch went on.
		s, tenant := setup(t)
		cs := seed(t, s, tenant, 1)
		err := s.ImportBatch(ctx, tenant, 0, "", 0, func(tx roster.ImportTx) error {
			for i := range 1500 { // more than one reservation of ids
				c := contact(100 + i)
				if i == 10 {
					c.ExternalID = cs[0].ExternalID
				}
				if err := tx.CreateContact(c, 0); err != nil {
					return err
				}
			}
			return nil
		})
		if roster.ErrorCode(err) != roster.ECONFLICT {
			t.Fatalf("got %v, want a conflict", err)
		}
		if l, _, err := s.ListContacts(ctx, tenant, roster.ContactFilter{}); err != nil || len(l) != 1 {
			t.Errorf("after the failed batch: %d contacts (%v), want the 1 seeded", len(l), err)
		}
	})

	// Given the contact as stored (prev), an update writes only the
	// columns and links that differ from it: the result must be the same.
	for _, withPrev := range []bool{false, true} {
		// stored copies a contact before the test changes it.
		stored := func(c *roster.Contact) *roster.Contact {
			p := *c
			p.OtherEmails, p.Tags, p.Companies = slices.Clone(c.OtherEmails), slices.Clone(c.Tags), slices.Clone(c.Companies)
			p.Custom = maps.Clone(c.Custom)
			return &p
		}
		given := func(p *roster.Contact) *roster.Contact {
			if withPrev {
				return p
			}
			return nil
		}
		t.Run(fmt.Sprintf("updates rewrite values and links (given as stored: %v)", withPrev), func(t *testing.T) {
			s, tenant := setup(t)
			cs := seed(t, s, tenant, 40)
			var created *roster.Contact
			batch(t, s, tenant, func(tx roster.ImportTx) error {
				for i, c := range cs {
					p := stored(c)
					c.Name = fmt.Sprintf("Renamed %d", i)
					c.UpdatedAt = now.Add(time.Hour)
					if i%2 == 0 {
						// a second email, and the next contact's company too
						c.OtherEmails = []string{fmt.Sprintf("q%d@example.com", i)}
						c.Companies = append(c.Companies, roster.Membership{CompanyID: cs[(i+1)%len(cs)].Companies[0].CompanyID, ViewAllTickets: true})
					}
					if i%4 == 0 {
						slices.Reverse(c.Companies) // the same links in another order
					}
					if i%3 == 0 {
						c.Companies[0].ViewAllTickets = !c.Companies[0].ViewAllTickets
					}
					if i%5 == 1 { // a key column changed, one cleared, tags changed
						c.Phone, c.ExternalID, c.Tags = fmt.Sprintf("+4202000000%02d", i), "", []string{"moved"}
					}
					if err := tx.UpdateContact(c, given(p), 0); err != nil {
						return err
					}
				}
				// Contact 1 changes twice; the last version counts.
				p := stored(cs[1])
				cs[1].Name = "Twice"
				cs[1].Email = "twice@example.com"
				if err := tx.UpdateContact(cs[1], given(p), 0); err != nil {
					return err
				}
				// A new contact takes the address contact 1 gave up.
				created = contact(1000, cs[3].Companies[0].CompanyID)
				created.Email = "p1@example.com"
				return tx.CreateContact(created, 0)
			})
			for i, c := range cs {
				got := find(t, s, tenant, c.ID)
				if got.Name != c.Name || !got.UpdatedAt.Equal(c.UpdatedAt) || !got.CreatedAt.Equal(now) ||
					got.Phone != c.Phone || got.ExternalID != c.ExternalID || !slices.Equal(got.Tags, c.Tags) {
					t.Errorf("contact %d: %q %v %v %q %q %v, want %q %v %v %q %q %v", i, got.Name, got.CreatedAt, got.UpdatedAt, got.Phone, got.ExternalID, got.Tags,
						c.Name, now, c.UpdatedAt, c.Phone, c.ExternalID, c.Tags)
				}
				if !slices.Equal(got.Emails(), c.Emails()) {
					t.Errorf("contact %d: emails %v, want %v", i, got.Emails(), c.Emails())
				}
				if len(got.Companies) != len(c.Companies) {
					t.Fatalf("contact %d: %d companies, want %d", i, len(got.Companies), len(c.Companies))
				}
				for j, m := range got.Companies {
					if m.CompanyID != c.Companies[j].CompanyID || m.ViewAllTickets != c.Companies[j].ViewAllTickets {
						t.Errorf("contact %d: membership %d is %+v, want %+v", i, j, m, c.Companies[j])
					}
				}
			}
			if ids := owner(t, s, tenant, "p1@example.com"); !slices.Equal(ids, []int64{created.ID}) {
				t.Errorf("p1@example.com belongs to %v, want the new contact %d", ids, created.ID)
			}
			if ids := owner(t, s, tenant, "twice@example.com"); !slices.Equal(ids, []int64{cs[1].ID}) {
				t.Errorf("twice@example.com belongs to %v, want %d", ids, cs[1].ID)
			}
		})
	}

	t.Run("a record created and updated in one batch", func(t *testing.T) {
		s, tenant := setup(t)
		var c *roster.Contact
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			c = contact(1)
			if err := tx.CreateContact(c, 0); err != nil {
				return err
			}
			c.Name, c.Email = "Changed", "changed@example.com"
			return tx.UpdateContact(c, nil, 0)
		})
		if got := find(t, s, tenant, c.ID); got.Name != "Changed" || !slices.Equal(got.Emails(), []string{"changed@example.com"}) {
			t.Errorf("got %q %v", got.Name, got.Emails())
		}
	})

	t.Run("keys passed along within a batch", func(t *testing.T) {
		// Valid one step at a time, but not if the updates were applied
		// in another order: b gives X-1 to a, a gives X-0 to c, c takes
		// X-2 from b by way of a spare key.
		s, tenant := setup(t)
		cs := seed(t, s, tenant, 3)
		a, b, c := cs[0], cs[1], cs[2]
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for _, step := range []struct {
				c   *roster.Contact
				ext string
			}{{b, "X-spare"}, {a, "X-1"}, {c, "X-0"}, {b, "X-2"}} {
				step.c.ExternalID = step.ext
				if err := tx.UpdateContact(step.c, nil, 0); err != nil {
					return err
				}
			}
			// a new contact takes a key given up in the batch
			n := contact(9)
			n.ExternalID = "X-spare"
			return tx.CreateContact(n, 0)
		})
		for _, want := range []struct {
			c   *roster.Contact
			ext string
		}{{a, "X-1"}, {b, "X-2"}, {c, "X-0"}} {
			if got := find(t, s, tenant, want.c.ID); got.ExternalID != want.ext {
				t.Errorf("contact %d has external id %q, want %q", want.c.ID, got.ExternalID, want.ext)
			}
		}
	})

	t.Run("companies renamed within a batch", func(t *testing.T) {
		s, tenant := setup(t)
		cs := seed(t, s, tenant, 2)
		k0, err := s.FindCompany(ctx, tenant, cs[0].Companies[0].CompanyID)
		if err != nil {
			t.Fatal(err)
		}
		k1, err := s.FindCompany(ctx, tenant, cs[1].Companies[0].CompanyID)
		if err != nil {
			t.Fatal(err)
		}
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			k1.Name = "Company 9"
			if err := tx.UpdateCompany(k1); err != nil {
				return err
			}
			k0.Name = "Company 1"
			if err := tx.UpdateCompany(k0); err != nil {
				return err
			}
			return tx.CreateCompany(&roster.Company{Name: "Company 0", CreatedAt: now, UpdatedAt: now})
		})
		for _, want := range []struct {
			id   int64
			name string
		}{{k0.ID, "Company 1"}, {k1.ID, "Company 9"}} {
			got, err := s.FindCompany(ctx, tenant, want.id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != want.name {
				t.Errorf("company %d is %q, want %q", want.id, got.Name, want.name)
			}
		}
		if l, _, err := s.ListCompanies(ctx, tenant, roster.CompanyFilter{Name: "Company 0"}); err != nil || len(l) != 1 {
			t.Errorf("Company 0: %d (%v), want the new one", len(l), err)
		}
	})

	t.Run("emails of the directory and of contacts", func(t *testing.T) {
		s, tenant := setup(t)
		other, err := s.CreateTenant(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		a, b, c := contact(1), contact(2), contact(3)
		b.OtherEmails = []string{"b2@example.com", "b3@example.com"}
		c.Email = ""
		c.Phone = "+420601111111"
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for _, x := range []*roster.Contact{a, b, c} {
				if err := tx.CreateContact(x, 0); err != nil {
					return err
				}
			}
			return nil
		})
		batch(t, s, other.ID, func(tx roster.ImportTx) error { return tx.CreateContact(contact(4), 0) })
		want := map[string]int64{"p1@example.com": a.ID, "p2@example.com": b.ID, "b2@example.com": b.ID, "b3@example.com": b.ID}
		got := map[string]int64{}
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			return tx.EachEmail(func(e string, id int64) bool {
				got[e] = id
				return true
			})
		})
		if !maps.Equal(got, want) {
			t.Fatalf("EachEmail gave %v, want %v", got, want)
		}
		n := 0
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			return tx.EachEmail(func(string, int64) bool {
				n++
				return n < 2
			})
		})
		if n != 2 {
			t.Fatalf("EachEmail went on after false: %d calls", n)
		}
		c.ExternalID = ""
		batch(t, s, tenant, func(tx roster.ImportTx) error { return tx.UpdateContact(c, nil, 0) })
		exts := map[string]int64{}
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			return tx.EachExternalID(func(x string, id int64) bool {
				exts[x] = id
				return true
			})
		})
		if want := map[string]int64{"X-1": a.ID, "X-2": b.ID}; !maps.Equal(exts, want) {
			t.Fatalf("EachExternalID gave %v, want %v", exts, want)
		}
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			stamps, err := tx.ContactStamps([]int64{a.ID, b.ID, c.ID, 999999})
			if err != nil {
				return err
			}
			if len(stamps) != 3 || !slices.Equal(stamps[a.ID].Emails, []string{"p1@example.com"}) ||
				!slices.Equal(stamps[b.ID].Emails, []string{"p2@example.com", "b2@example.com", "b3@example.com"}) ||
				len(stamps[c.ID].Emails) != 0 {
				t.Errorf("stamps %+v", stamps)
			}
			return nil
		})
	})

	t.Run("stamps of many contacts, among another tenant's", func(t *testing.T) {
		s, tenant := setup(t)
		other, err := s.CreateTenant(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		// Every fourth contact is the other tenant's, so its ids lie
		// between this tenant's.
		var mine []int64
		var number []int // of mine
		for i := range 200 {
			c, owner := contact(i), tenant
			if i%4 == 3 {
				owner = other.ID
			}
			batch(t, s, owner, func(tx roster.ImportTx) error { return tx.CreateContact(c, roster.Digest(1000+i)) })
			if owner == tenant {
				mine, number = append(mine, c.ID), append(number, i)
			}
		}
		// And 100 more in one batch: ids in one run on either database
		// (PostgreSQL reserves ids per transaction).
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for i := 200; i < 300; i++ {
				c := contact(i)
				if err := tx.CreateContact(c, roster.Digest(1000+i)); err != nil {
					return err
				}
				mine, number = append(mine, c.ID), append(number, i)
			}
			return nil
		})
		check := func(mine []int64, number []int) {
			t.Helper()
			asked := slices.Delete(slices.Clone(mine), 10, 15) // a gap
			slices.Reverse(asked)                              // in no order
			var got map[int64]roster.ContactStamp
			batch(t, s, tenant, func(tx roster.ImportTx) (err error) {
				got, err = tx.ContactStamps(asked)
				return err
			})
			if len(got) != len(asked) {
				t.Fatalf("%d stamps for %d contacts", len(got), len(asked))
			}
			for i, id := range mine {
				st, ok := got[id]
				if want := i < 10 || i >= 15; ok != want {
					t.Fatalf("contact %d: stamp given %v, want %v", id, ok, want)
				}
				if n := number[i]; ok && (st.Digest != roster.Digest(1000+n) || !slices.Equal(st.Emails, []string{fmt.Sprintf("p%d@example.com", n)})) {
					t.Fatalf("contact %d: stamp %+v", id, st)
				}
			}
		}
		check(mine[:150], number[:150])
		check(mine[150:], number[150:])
	})

	t.Run("row digests are kept by import writes and cleared by any other", func(t *testing.T) {
		s, tenant := setup(t)
		digests := func(ids ...int64) map[int64]roster.Digest {
			t.Helper()
			got := map[int64]roster.Digest{}
			batch(t, s, tenant, func(tx roster.ImportTx) error {
				stamps, err := tx.ContactStamps(ids)
				for id, st := range stamps {
					if st.Digest != 0 {
						got[id] = st.Digest
					}
				}
				return err
			})
			return got
		}
		a, b, c, d := contact(1), contact(2), contact(3), contact(4)
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for i, x := range []*roster.Contact{a, b, c, d} {
				if err := tx.CreateContact(x, roster.Digest(10+i)); err != nil {
					return err
				}
			}
			// The largest digests do not fit a signed column as they are.
			if err := tx.KeepContact(b.ID, roster.Digest(1<<63+5)); err != nil {
				return err
			}
			// Kept, then written again in the same batch: the write's digest wins.
			if err := tx.KeepContact(c.ID, 99); err != nil {
				return err
			}
			c.Name = "Changed"
			return tx.UpdateContact(c, nil, 13)
		})
		want := map[int64]roster.Digest{a.ID: 10, b.ID: 1<<63 + 5, c.ID: 13, d.ID: 13}
		if got := digests(a.ID, b.ID, c.ID, d.ID, 999999); !maps.Equal(got, want) {
			t.Fatalf("digests %v, want %v", got, want)
		}
		// Given as stored, nothing differs but the digest, which is cleared.
		batch(t, s, tenant, func(tx roster.ImportTx) error { return tx.UpdateContact(a, a, 0) })
		d.JobTitle = "Edited"
		if err := s.UpdateContact(ctx, tenant, d); err != nil {
			t.Fatal(err)
		}
		if got := digests(a.ID, b.ID, c.ID, d.ID); !maps.Equal(got, map[int64]roster.Digest{b.ID: 1<<63 + 5, c.ID: 13}) {
			t.Fatalf("digests after writes without one: %v", got)
		}
		// Many kept in one batch.
		many := make([]*roster.Contact, 250)
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for i := range many {
				many[i] = contact(1000 + i)
				if err := tx.CreateContact(many[i], 0); err != nil {
					return err
				}
			}
			return nil
		})
		ids := make([]int64, len(many))
		want = map[int64]roster.Digest{}
		batch(t, s, tenant, func(tx roster.ImportTx) error {
			for i, x := range many {
				ids[i], want[x.ID] = x.ID, roster.Digest(1000+i)
				if err := tx.KeepContact(x.ID, roster.Digest(1000+i)); err != nil {
					return err
				}
			}
			return nil
		})
		if got := digests(ids...); !maps.Equal(got, want) {
			t.Fatalf("%d digests of %d kept", len(got), len(want))
		}
	})
	t.Run("a group commits its batches together, or none", func(t *testing.T) {
		s, tenant := setup(t)
		stored := func() int {
			t.Helper()
			var n int
			if err := s.DB.QueryRowContext(ctx, s.Q(`SELECT COUNT(*) FROM contacts WHERE tenant_id = ?`), tenant).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		create := func(g roster.ImportGroup, i int) {
			t.Helper()
			if err := g.Batch(func(tx roster.ImportTx) error { return tx.CreateContact(contact(i), 0) }); err != nil {
				t.Fatal(err)
			}
		}
		g, err := s.BeginImportGroup(ctx, tenant, 0, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		create(g, 1)
		// A later batch of the group sees what an earlier one wrote.
		if err := g.Batch(func(tx roster.ImportTx) error {
			found, err := tx.ContactIDsByEmail([]string{contact(1).Email})
			if err != nil || len(found) != 1 {
				return fmt.Errorf("the group's second batch found %v, %v", found, err)
			}
			return tx.CreateContact(contact(2), 0)
		}); err != nil {
			t.Fatal(err)
		}
		// Links written earlier in the group are there for whatever reads
		// or rewrites them: a load, an update that moves a membership, a
		// delete.
		if err := g.Batch(func(tx roster.ImportTx) error {
			co := company("Grouped")
			if err := tx.CreateCompany(co); err != nil {
				return err
			}
			c := contact(6, co.ID)
			if err := tx.CreateContact(c, 0); err != nil {
				return err
			}
			other := company("Other")
			if err := tx.CreateCompany(other); err != nil {
				return err
			}
			got, err := tx.Contacts([]int64{c.ID})
			if err != nil {
				return err
			}
			if l := got[c.ID]; l == nil || len(l.Companies) != 1 || l.Companies[0].CompanyID != co.ID {
				return fmt.Errorf("contact 6 loaded in its group as %+v, want its membership", l)
			}
			moved := *got[c.ID]
			moved.Companies = []roster.Membership{{CompanyID: other.ID}}
			if err := tx.UpdateContact(&moved, got[c.ID], 0); err != nil {
				return err
			}
			if again, err := tx.Contacts([]int64{c.ID}); err != nil || len(again[c.ID].Companies) != 1 || again[c.ID].Companies[0].CompanyID != other.ID {
				return fmt.Errorf("contact 6 after the update: %+v, %v; want its one new membership", again[c.ID], err)
			}
			return tx.DeleteContact(c.ID)
		}); err != nil {
			t.Fatal(err)
		}
		if n := stored(); n != 0 {
			t.Fatalf("%d contacts visible before the group committed", n)
		}
		if err := g.Commit(); err != nil {
			t.Fatal(err)
		}
		if n := stored(); n != 2 {
			t.Fatalf("%d contacts after the commit, want 2", n)
		}
		if err := g.Batch(func(roster.ImportTx) error { return nil }); err == nil {
			t.Fatal("a batch ran in a committed group")
		}

		g, err = s.BeginImportGroup(ctx, tenant, 0, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		create(g, 3)
		failed := errors.New("batch failed")
		if err := g.Batch(func(tx roster.ImportTx) error {
			if err := tx.CreateContact(contact(4), 0); err != nil {
				return err
			}
			return failed
		}); !errors.Is(err, failed) {
			t.Fatalf("failed batch: %v", err)
		}
		if err := g.Rollback(); err != nil {
			t.Fatal(err)
		}
		if n := stored(); n != 2 {
			t.Fatalf("%d contacts after a rolled back group, want 2", n)
		}
		// The write lock is free again.
		batch(t, s, tenant, func(tx roster.ImportTx) error { return tx.CreateContact(contact(5), 0) })
		if n := stored(); n != 3 {
			t.Fatalf("%d contacts after a batch, want 3", n)
		}
	})
	t.Run("a group's batches take consecutive ids, and a failed write loses the group", func(t *testing.T) {
		s, tenant := setup(t)
		var ids []int64
		run := func(g roster.ImportGroup, from, to int) error {
			return g.Batch(func(tx roster.ImportTx) error {
				for i := from; i <= to; i++ {
					c := contact(i)
					if err := tx.CreateContact(c, 0); err != nil {
						return err
					}
					ids = append(ids, c.ID)
				}
				return nil
			})
		}
		// Three batches of a group, then a second group: SQLite hands out
		// the ids after the last one used without asking the database,
		// and gives a batch's unused ids back to the next.
		g, err := s.BeginImportGroup(ctx, tenant, 0, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range [][2]int{{1, 3}, {11, 613}, {701, 703}} { // the second one takes two pools of ids
			if err := run(g, b[0], b[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := g.Commit(); err != nil {
			t.Fatal(err)
		}
		if g, err = s.BeginImportGroup(ctx, tenant, 0, "", 0); err != nil {
			t.Fatal(err)
		}
		if err := run(g, 801, 802); err != nil {
			t.Fatal(err)
		}
		if err := g.Commit(); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] || s.Dialect.OneWriter && ids[i] != ids[i-1]+1 {
				t.Fatalf("id %d after %d: want them rising (consecutive on SQLite)", ids[i], ids[i-1])
			}
		}
		var n int
		if err := s.DB.QueryRowContext(ctx, s.Q(`SELECT COUNT(*) FROM contacts WHERE tenant_id = ? AND id BETWEEN ? AND ?`),
			tenant, ids[0], ids[len(ids)-1]).Scan(&n); err != nil || n != len(ids) {
			t.Fatalf("%d contacts stored under ids %v (%v)", n, ids, err)
		}

		// A write that fails while the batch goes on (SQLite writes a
		// batch's rows while it builds the next ones) fails the batch or
		// the commit, and nothing of the group is stored.
		g, err = s.BeginImportGroup(ctx, tenant, 0, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := run(g, 850, 851); err != nil {
			t.Fatal(err)
		}
		errBatch := g.Batch(func(tx roster.ImportTx) error {
			c := contact(852)
			c.ExternalID = contact(1).ExternalID // taken: the insert fails
			return tx.CreateContact(c, 0)
		})
		var errCommit error
		if errBatch == nil {
			errCommit = g.Commit()
		} else {
			g.Rollback()
		}
		if err := cmp.Or(errBatch, errCommit); roster.ErrorCode(err) != roster.ECONFLICT {
			t.Fatalf("batch: %v, commit: %v; want %s for the taken external id", errBatch, errCommit, roster.ECONFLICT)
		}
		if err := s.DB.QueryRowContext(ctx, s.Q(`SELECT COUNT(*) FROM contacts WHERE tenant_id = ?`), tenant).Scan(&n); err != nil || n != len(ids)-2 {
			t.Fatalf("%d contacts after the failed group, want the %d of before (%v)", n, len(ids)-2, err)
		}
		// The write lock is free again.
		batch(t, s, tenant, func(tx roster.ImportTx) error { return tx.CreateContact(contact(860), 0) })
	})
	t.Run("the dialect's setup runs inside each batch's transaction", func(t *testing.T) {
		s, tenant := setup(t)
		s.Dialect.BatchSetup = s.Q(fmt.Sprintf(`UPDATE tenants SET name = 'set up' WHERE id = %d`, tenant))
		name := func() string {
			t.Helper()
			var n string
			if err := s.DB.QueryRowContext(ctx, s.Q(`SELECT name FROM tenants WHERE id = ?`), tenant).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		failed := errors.New("batch failed")
		if err := s.ImportBatch(ctx, tenant, 0, "", 0, func(roster.ImportTx) error { return failed }); !errors.Is(err, failed) {
			t.Fatalf("failed batch: %v", err)
		}
		if n := name(); n != "acme" {
			t.Fatalf("after a rolled back batch the setup's write is there: %q", n)
		}
		batch(t, s, tenant, func(roster.ImportTx) error { return nil })
		if n := name(); n != "set up" {
			t.Fatalf("after a batch the setup did not run: %q", n)
		}
	})
}
