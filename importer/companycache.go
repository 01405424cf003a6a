package importer

import (
	"sync"

	"roster"
)

// companyCache keeps, across a contacts import's batches, the companies
// its rows named (id, name and external id: all linking needs). Twenty
// contacts a company means each company is otherwise looked up again by
// most batches of the file.
//
// Only the writer fills it, after each batch it writes, from that batch's
// look-ups, which were exact in its transaction. So the cache is never
// older than the last commit the planner's snapshot saw (it may be newer,
// within a group of batches), and a plan refreshes what later batches
// wrote as it does for any look-up. It holds
// only while nothing outside the import writes to the directory: its
// stamp is the lock's count of outside writes (ImportTx.Writes) it is
// exact for, and a batch that sees another count does not use it.
type companyCache struct {
	mu           sync.Mutex
	stamp        int64
	byKey, byExt map[string]cachedCompany
}

// cachedCompany is what the cache keeps of a company, small for its memory.
type cachedCompany struct {
	id        int64
	name, ext string
}

func (r cachedCompany) company() *roster.Company {
	return &roster.Company{ID: r.id, Name: r.name, ExternalID: r.ext}
}

// companyCacheMax bounds the cache's entries (about 100 bytes each);
// past it, it starts over from the last batch's.
const companyCacheMax = 100_000

// take moves the keys the cache holds from k into byKey and byExt, as
// CompanyRefs would have found them, and leaves k with the others.
func (c *companyCache) take(writes int64, k *lookupKeys, byKey, byExt map[string]*roster.Company) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil || c.stamp != writes {
		return
	}
	found := func(key string, r cachedCompany) {
		co := r.company()
		byKey[key] = co
		if co.ExternalID != "" {
			byExt[co.ExternalID] = co
		}
	}
	names := k.names[:0:0]
	for _, n := range k.names {
		key := roster.NameKey(n)
		if r, ok := c.byKey[key]; ok {
			found(key, r)
		} else {
			names = append(names, n)
		}
	}
	exts := k.companyExts[:0:0]
	for _, x := range k.companyExts {
		if r, ok := c.byExt[x]; ok {
			found(roster.NameKey(r.name), r)
		} else {
			exts = append(exts, x)
		}
	}
	k.names, k.companyExts = names, exts
}

// put records what a batch just written knew of companies: it drops every
// key the batch wrote, then keeps the batch's entries.
func (c *companyCache) put(writes int64, b *batch) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil || c.stamp != writes || len(c.byKey) > companyCacheMax || len(c.byExt) > companyCacheMax {
		c.stamp = writes
		c.byKey, c.byExt = map[string]cachedCompany{}, map[string]cachedCompany{}
	}
	for k := range b.dirty.keys[keyCompanyName] {
		delete(c.byKey, k)
	}
	for k := range b.dirty.keys[keyCompanyExternalID] {
		delete(c.byExt, k)
	}
	keep := func(m map[string]cachedCompany, k string, co *roster.Company) {
		m[k] = cachedCompany{co.ID, co.Name, co.ExternalID}
	}
	for k, co := range b.companyByKey {
		keep(c.byKey, k, co)
	}
	for k, co := range b.companyByExt {
		keep(c.byExt, k, co)
	}
}
