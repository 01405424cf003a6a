package importer

import (
	"slices"
	"sync/atomic"
	"time"

	"roster"
)

// The next batch is planned while the current one writes: the writer is
// the one step that cannot run in parallel, so it should only write. A
// chunk's look-ups run in a read-only transaction on the directory as last
// committed (Store.ReadImportBatch); in the chunk's own transaction the
// batch then looks again at exactly what may have changed since: the keys
// and records of batches committed after that snapshot, and everything if
// anything outside the import wrote to the directory (ImportTx.Writes).

// dirty is what a batch wrote: the keys it gave or took away and the records.
type dirty struct {
	keys      map[string]bool // e: email, p: phone, x: external id, u: username, n: company name key, c: company external id
	contacts  map[int64]bool
	companies map[int64]bool
}

func (d *dirty) key(kind, k string) {
	if k == "" {
		return
	}
	if d.keys == nil {
		d.keys = map[string]bool{}
	}
	d.keys[kind+k] = true
}

func (d *dirty) contact(c *roster.Contact) {
	if d.contacts == nil {
		d.contacts = map[int64]bool{}
	}
	d.contacts[c.ID] = true
	for _, e := range c.Emails() {
		d.key("e:", e)
	}
	d.key("p:", c.Phone)
	d.key("p:", c.Mobile)
	d.key("x:", c.ExternalID)
	d.key("u:", c.Username)
}

func (d *dirty) company(co *roster.Company) {
	if d.companies == nil {
		d.companies = map[int64]bool{}
	}
	d.companies[co.ID] = true
	d.key("n:", roster.NameKey(co.Name))
	d.key("c:", co.ExternalID)
}

func (d *dirty) add(o *dirty) {
	for k := range o.keys {
		d.key("", k)
	}
	for id := range o.contacts {
		if d.contacts == nil {
			d.contacts = map[int64]bool{}
		}
		d.contacts[id] = true
	}
	for id := range o.companies {
		if d.companies == nil {
			d.companies = map[int64]bool{}
		}
		d.companies[id] = true
	}
}

// dirtyLog keeps what the last few committed batches wrote, by commit number.
type dirtyLog struct {
	committed int
	recent    []*dirty // recent[i] is batch committed-len(recent)+1+i
}

const dirtyKept = 4

func (l *dirtyLog) commit(d *dirty) {
	l.committed++
	l.recent = append(l.recent, d)
	if len(l.recent) > dirtyKept {
		l.recent = l.recent[1:]
	}
}

// since is what batches committed after the first n wrote, or ok false
// if the log no longer holds them all.
func (l *dirtyLog) since(n int) (*dirty, bool) {
	missing := l.committed - n
	if missing > len(l.recent) {
		return nil, false
	}
	d := &dirty{}
	for _, r := range l.recent[len(l.recent)-missing:] {
		d.add(r)
	}
	return d, true
}

// planned is a chunk whose look-ups were made ahead, on a snapshot.
type planned struct {
	chunk  *chunk
	b      *batch // caches filled; nil if the look-ups failed
	writes int64  // the snapshot's count of outside writes
	after  int    // batches committed before the snapshot
}

// refresh brings a batch planned on an older snapshot up to date within
// its own transaction, given what batches committed since then wrote: the
// caches' entries for those keys, or owned by those records, are looked up
// again, and those records reloaded.
func (b *batch) refresh(recs []*record, d *dirty) error {
	if len(d.keys) == 0 && len(d.contacts) == 0 && len(d.companies) == 0 {
		return nil
	}
	k := contactKeysOf(recs)
	var again lookupKeys
	for _, e := range k.emails {
		if d.keys["e:"+e] || d.contacts[b.emailOwner[e]] {
			delete(b.emailOwner, e)
			again.emails = append(again.emails, e)
		}
	}
	for _, p := range k.phones {
		if d.keys["p:"+p] || slices.ContainsFunc(b.phoneOwner[p], func(id int64) bool { return d.contacts[id] }) {
			delete(b.phoneOwner, p)
			again.phones = append(again.phones, p)
		}
	}
	for _, x := range k.exts {
		if d.keys["x:"+x] || d.contacts[b.extOwner[x]] {
			delete(b.extOwner, x)
			again.exts = append(again.exts, x)
		}
	}
	for _, u := range k.users {
		if d.keys["u:"+u] || d.contacts[b.userOwner[u]] {
			delete(b.userOwner, u)
			again.users = append(again.users, u)
		}
	}
	for _, n := range k.names {
		key := roster.NameKey(n)
		if co := b.companyByKey[key]; d.keys["n:"+key] || co != nil && d.companies[co.ID] {
			delete(b.companyByKey, key)
			again.names = append(again.names, n)
		}
	}
	for _, x := range k.companyExts {
		if co := b.companyByExt[x]; d.keys["c:"+x] || co != nil && d.companies[co.ID] {
			delete(b.companyByExt, x)
			again.companyExts = append(again.companyExts, x)
		}
	}
	for id := range d.contacts {
		delete(b.contacts, id) // reloaded by lookUp if still wanted
	}
	return b.lookUp(again)
}

// testHooks let tests force the cases planning ahead must handle (see
// also Options.beforeBatch).
var testHooks struct {
	// stalePlans makes the writer wait, before each batch, until the next
	// chunk has been planned: every plan then predates the batch before it.
	stalePlans bool
}

// waitForPlan waits until n plans have been made or the planner has ended.
func waitForPlan(made *atomic.Int64, ended *atomic.Bool, n int64) {
	for made.Load() < n && !ended.Load() {
		time.Sleep(100 * time.Microsecond)
	}
}
