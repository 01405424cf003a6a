package importer

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"roster"
)

// The next batch is planned while the current one writes: the writer is
// the one step that cannot run in parallel, so it should only write. A
// chunk's look-ups run in a read-only transaction on the directory as last
// committed (Store.ReadImportBatch); in the chunk's own transaction the
// batch then looks again at exactly what may have changed since: the keys
// and records of batches committed after that snapshot, and everything if
// anything outside the import wrote to the directory (ImportTx.Writes).

// Kinds of keys a batch can give or take away.
const (
	keyEmail = iota
	keyPhone
	keyExternalID
	keyUsername
	keyCompanyName
	keyCompanyExternalID
	keyKinds
)

// dirty is what a batch wrote: the keys it gave or took away, by kind, and
// the records. The maps' keys are the records' own strings: no allocation.
type dirty struct {
	keys                [keyKinds]map[string]bool
	contacts, companies map[int64]bool
	// rows is the batch's: a map of what each contact holds is made for
	// as many, rather than grown to it.
	rows int
}

func mark[K comparable](m *map[K]bool, k K, size int) {
	var zero K
	if k == zero {
		return
	}
	if *m == nil {
		*m = make(map[K]bool, size)
	}
	(*m)[k] = true
}

func (d *dirty) contact(c *roster.Contact) {
	mark(&d.contacts, c.ID, d.rows)
	mark(&d.keys[keyEmail], c.Email, d.rows)
	for _, e := range c.OtherEmails {
		mark(&d.keys[keyEmail], e, d.rows)
	}
	mark(&d.keys[keyPhone], c.Phone, d.rows)
	mark(&d.keys[keyPhone], c.Mobile, d.rows)
	mark(&d.keys[keyExternalID], c.ExternalID, d.rows)
	mark(&d.keys[keyUsername], c.Username, d.rows)
}

func (d *dirty) company(co *roster.Company) {
	mark(&d.companies, co.ID, 0)
	mark(&d.keys[keyCompanyName], roster.NameKey(co.Name), 0)
	mark(&d.keys[keyCompanyExternalID], co.ExternalID, 0)
}

// dirtyLog keeps, for each key and record that recent batches wrote, the
// number of the last batch that wrote it. Batches are numbered as they
// are written, committed or still in the open group; a plan made on a
// snapshot that held the first n batches looks again at what the batches
// after n wrote (since). One map a kind, not one a batch: a group of 20
// batches is then no slower to check against than a single one.
type dirtyLog struct {
	written int   // batches written
	commits []int // batches written as of each commit not yet forgotten
	floor   int   // what the first floor batches wrote is forgotten

	keys                [keyKinds]map[string]int
	contacts, companies map[int64]int
}

// dirtyKept is how many batches a plan may be made ahead of the writer
// and still be brought up to date key by key: planners and the writer's
// look-ahead. An older plan is looked up afresh.
const dirtyKept = 4

func logged[K comparable](m *map[K]int, set map[K]bool, n int) {
	if len(set) == 0 {
		return
	}
	if *m == nil {
		*m = map[K]int{}
	}
	for k := range set {
		(*m)[k] = n
	}
}

// add records what the next batch wrote.
func (l *dirtyLog) add(d *dirty) {
	l.written++
	for kind := range d.keys {
		logged(&l.keys[kind], d.keys[kind], l.written)
	}
	logged(&l.contacts, d.contacts, l.written)
	logged(&l.companies, d.companies, l.written)
}

// commit records that every batch written is committed, and forgets
// what no plan can still need: a plan is made on a snapshot at most
// dirtyKept batches before the batch it serves, after the last commit
// before that.
func (l *dirtyLog) commit() {
	l.commits = append(l.commits, l.written)
	floor := l.floor
	for len(l.commits) > 0 && l.commits[0] < l.written-dirtyKept {
		floor = l.commits[0]
		l.commits = l.commits[1:]
	}
	if floor == l.floor {
		return
	}
	l.floor = floor
	for kind := range l.keys {
		forget(l.keys[kind], floor)
	}
	forget(l.contacts, floor)
	forget(l.companies, floor)
}

func forget[K comparable](m map[K]int, floor int) {
	for k, n := range m {
		if n <= floor {
			delete(m, k)
		}
	}
}

// committed is how many batches the last commit made visible.
func (l *dirtyLog) committed() int {
	if len(l.commits) == 0 {
		return l.floor
	}
	return l.commits[len(l.commits)-1]
}

// since is what the batches after the first n wrote, or ok false if the
// log no longer holds them all.
func (l *dirtyLog) since(n int) (dirtySince, bool) {
	return dirtySince{l, n}, n >= l.floor
}

// dirtySince is what the batches after the first after wrote.
type dirtySince struct {
	l     *dirtyLog
	after int
}

func (d dirtySince) none() bool { return d.l.written <= d.after }

func (d dirtySince) has(kind int, k string) bool { return newer(d.l.keys[kind], k, d.after) }
func (d dirtySince) hasContact(id int64) bool    { return newer(d.l.contacts, id, d.after) }
func (d dirtySince) hasCompany(id int64) bool    { return newer(d.l.companies, id, d.after) }

// newer reports whether a batch after the first after wrote k.
func newer[K comparable](m map[K]int, k K, after int) bool {
	n, ok := m[k]
	return ok && n > after
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
func (b *batch) refresh(recs []*record, d dirtySince) error {
	if d.none() {
		return nil
	}
	var again lookupKeys
	for _, e := range b.keys.emails {
		if d.has(keyEmail, e) || d.hasContact(b.emailOwner[e]) {
			delete(b.emailOwner, e)
			again.emails = append(again.emails, e)
		}
	}
	for _, p := range b.keys.phones {
		if d.has(keyPhone, p) || slices.ContainsFunc(b.phoneOwner[p], d.hasContact) {
			delete(b.phoneOwner, p)
			again.phones = append(again.phones, p)
		}
	}
	for _, x := range b.keys.exts {
		if d.has(keyExternalID, x) || d.hasContact(b.extOwner[x]) {
			delete(b.extOwner, x)
			again.exts = append(again.exts, x)
		}
	}
	for _, u := range b.keys.users {
		if d.has(keyUsername, u) || d.hasContact(b.userOwner[u]) {
			delete(b.userOwner, u)
			again.users = append(again.users, u)
		}
	}
	for _, n := range b.keys.names {
		key := roster.NameKey(n)
		if co := b.companyByKey[key]; d.has(keyCompanyName, key) || co != nil && d.hasCompany(co.ID) {
			delete(b.companyByKey, key)
			again.names = append(again.names, n)
		}
	}
	for _, x := range b.keys.companyExts {
		if co := b.companyByExt[x]; d.has(keyCompanyExternalID, x) || co != nil && d.hasCompany(co.ID) {
			delete(b.companyByExt, x)
			again.companyExts = append(again.companyExts, x)
		}
	}
	for id := range b.contacts {
		if d.hasContact(id) {
			delete(b.contacts, id) // reloaded by lookUp if still wanted
		}
	}
	if err := b.lookUp(again); err != nil {
		return err
	}
	// A row settled by the digest of a contact written since, or that
	// links a company written since, is planned as any other.
	for _, r := range recs {
		if r.kept != 0 && (d.hasContact(r.kept) || slices.ContainsFunc(r.refs, func(ref companyRef) bool {
			co := b.findCompany(ref)
			return co == nil || d.hasCompany(co.ID) || d.has(keyCompanyName, roster.NameKey(ref.name)) || d.has(keyCompanyExternalID, ref.externalID) ||
				d.has(keyCompanyExternalID, salesforceAlt(ref.externalID))
		})) {
			if err := b.unkeep(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// unkeep plans r, which its digest had settled, as any other row: the
// keys only it holds are looked up and its contacts loaded.
func (b *batch) unkeep(r *record) error {
	r.kept = 0
	return b.lookUp(contactKeysOf([]*record{r}))
}

// testHooks let tests force the cases planning ahead must handle (see
// also Options.beforeBatch).
var testHooks struct {
	// stalePlans makes the writer wait, before each batch, until the next
	// chunk has been planned: every plan then predates the batch before it.
	stalePlans bool
}

// planners make the plans. Two keep the writer busy on a re-import,
// where planning (looking up and loading every matched contact) is most
// of the work, and cost a new-rows import nothing on two cores.
const planners = 2

type planSlot struct {
	p    *planned
	done chan struct{}
}

// planAhead starts the planners and returns the function that hands the
// writer each chunk's plan in file order, once made.
func (im *Importer) planAhead(ctx context.Context, run *run, imp *roster.Import, next func() (*chunk, bool), committed *atomic.Int64, wg *sync.WaitGroup, n int) func() (*planned, bool) {
	slots := make(chan *planSlot, n) // in file order, for the writer
	tasks := make(chan *planSlot, n) // for the planners
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(slots)
		defer close(tasks)
		for c, ok := next(); ok; c, ok = next() {
			s := &planSlot{p: &planned{chunk: c}, done: make(chan struct{})}
			select {
			case slots <- s:
			case <-ctx.Done():
				return
			}
			select {
			case tasks <- s:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range tasks {
				p := s.p
				p.after = int(committed.Load()) // before the snapshot: those batches are in it
				b := &batch{run: run}
				w, err := im.Store.ReadImportBatch(ctx, imp.TenantID, imp.ID, func(tx roster.ImportTx) error {
					b.tx = tx
					return b.prefetchContacts(p.chunk.recs)
				})
				if err == nil { // else the batch looks up in its own transaction
					b.tx = nil
					b.prepareNew(p.chunk.recs)
					p.b, p.writes = b, w
				}
				close(s.done)
			}
		}()
	}
	take := func() (*planSlot, bool) {
		select {
		case s, ok := <-slots:
			return s, ok
		case <-ctx.Done():
			return nil, false
		}
	}
	var lookahead *planSlot
	return func() (*planned, bool) {
		s := lookahead
		lookahead = nil
		if s == nil {
			var ok bool
			if s, ok = take(); !ok {
				return nil, false
			}
		}
		select {
		case <-s.done:
		case <-ctx.Done():
			return nil, false
		}
		if testHooks.stalePlans {
			// The next chunk's plan is made before this batch commits.
			if n, ok := take(); ok {
				lookahead = n
				select {
				case <-n.done:
				case <-ctx.Done():
				}
			}
		}
		return s.p, true
	}
}
