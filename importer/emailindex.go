package importer

import (
	"cmp"
	"context"
	"hash/maphash"
	"slices"
	"sync"

	"roster"
)

// A large import looks up most of the directory's emails one B-tree
// descent at a time, each a page read on a random key: on a re-import of
// 1M contacts that is most of the work. Like a query planner switching
// from index look-ups to a hash join, such an import reads the tenant's
// emails once, in one scan, into an index of their hashes. The index is
// only a hint, built on one snapshot: an email it names is checked on the
// contact it points to (ImportTx.ContactStamps) in each batch's own
// snapshot, which is cheap (ids come in file order, near each other), and
// only emails it does not know, or that moved, are looked up as before.
// Emails are unique in a tenant, so a contact that holds one is its owner.

const (
	// emailIndexMinRows: smaller imports look up each email.
	emailIndexMinRows = 10_000
	// emailIndexMax bounds the index: 16 bytes an email and 2 a bucket,
	// 36 MB at most.
	emailIndexMax = 2_000_000
	// emailIndexRatio: a directory this many times larger than the file
	// costs more to read whole than to look up the file's rows.
	emailIndexRatio = 4
	// emailIndexSample is how many emails are looked up one by one
	// before the index may be built (see sampleEmails).
	emailIndexSample = 1000
)

type emailEntry struct {
	hash uint64
	id   int64
}

// emailIndex maps hashes of a tenant's emails to their contacts, sorted
// by hash. Read-only once built. A binary search over millions of
// entries misses the CPU cache at every step: the top bits of a hash
// find its bucket (about 8 entries) first.
type emailIndex struct {
	seed    maphash.Seed
	entries []emailEntry
	shift   uint     // 64 minus the bits that pick a bucket
	buckets []uint32 // where each bucket starts in entries, and the end
}

// candidate is the contact that held email when the index was built.
func (ix *emailIndex) candidate(email string) (int64, bool) {
	h := maphash.String(ix.seed, email)
	b := h >> ix.shift
	bucket := ix.entries[ix.buckets[b]:ix.buckets[b+1]]
	i, ok := slices.BinarySearchFunc(bucket, h, func(e emailEntry, h uint64) int { return cmp.Compare(e.hash, h) })
	if !ok {
		return 0, false
	}
	return bucket[i].id, true
}

// index sorts the entries and finds the buckets.
func (ix *emailIndex) index() {
	ix.entries = slices.Clip(ix.entries)
	slices.SortFunc(ix.entries, func(a, b emailEntry) int { return cmp.Compare(a.hash, b.hash) })
	bits := uint(1)
	for len(ix.entries)>>bits > 8 {
		bits++
	}
	ix.shift = 64 - bits
	ix.buckets = make([]uint32, 1<<bits+1)
	i := 0
	for b := range ix.buckets {
		for i < len(ix.entries) && ix.entries[i].hash>>ix.shift < uint64(b) {
			i++
		}
		ix.buckets[b] = uint32(i)
	}
}

// buildEmailIndex reads the tenant's emails, in a snapshot beside the
// import, unless there are more than limit: then it returns nil.
func (im *Importer) buildEmailIndex(ctx context.Context, imp *roster.Import, limit int) (*emailIndex, error) {
	ix := &emailIndex{seed: maphash.MakeSeed()}
	over := false
	_, err := im.Store.ReadImportBatch(ctx, imp.TenantID, imp.ID, func(tx roster.ImportTx) error {
		return tx.EachEmail(func(email string, id int64) bool {
			if len(ix.entries) == limit {
				over = true
				return false
			}
			ix.entries = append(ix.entries, emailEntry{maphash.String(ix.seed, email), id})
			return true
		})
	})
	if err != nil || over {
		return nil, err
	}
	ix.index()
	return ix, nil
}

// prepareScans prepares, for an import of rows rows, the run's email index
// or key filter (keyfilter.go) if the import is large enough to gain from
// one. The first look-ups decide which (see sampleEmails): the index if
// most of the file's emails are in the directory, the filter (only where
// batches are planned ahead) if most are new. Either is built in the
// background; batches use it from the moment it is ready, and a failure
// only means they go on without it. Tests build them whatever the size,
// before the first batch (Options.indexedEmails, Options.filteredKeys).
func (im *Importer) prepareScans(ctx context.Context, run *run, imp *roster.Import, rows int, ahead bool, o *Options, wg *sync.WaitGroup) {
	build := func() {
		if ix, err := im.buildEmailIndex(ctx, imp, min(emailIndexRatio*max(rows, 1), emailIndexMax)); err == nil && ix != nil {
			run.emails.Store(ix)
		}
	}
	if o.indexedEmails != nil {
		build()
		run.indexedEmails = o.indexedEmails
	}
	if o.filteredKeys != nil && ahead {
		if o.filterAt <= 1 {
			im.buildKeyFilter(ctx, run, imp, max(rows, 1), true) // no batch written yet
		}
		run.filteredKeys = o.filteredKeys
	}
	if o.indexedEmails != nil || o.filteredKeys != nil || rows < emailIndexMinRows {
		return
	}
	var index, filter sync.Once
	run.sampled = func(mostFound bool) {
		once, fn := &index, build
		if !mostFound {
			if !ahead {
				return
			}
			once, fn = &filter, func() { im.buildKeyFilter(ctx, run, imp, rows, false) }
		}
		once.Do(func() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fn()
			}()
		})
	}
}

// sampleEmails counts emails looked up (or found absent by the key
// filter) and found, and once enough were looked up, starts building the
// email index if half of them or more were found, or else the key filter.
// A file of new people followed by known ones may get both.
func (run *run) sampleEmails(looked, found int) {
	if run.sampled == nil {
		return
	}
	l, f := run.emailsLooked.Add(int64(looked)), run.emailsFound.Add(int64(found))
	if l >= emailIndexSample {
		run.sampled(2*f >= l)
	}
}

// knownOwners sets in the batch the owners of the emails that the run's
// email index names, as checked on the contacts it names, and returns the
// emails left to look up.
func (b *batch) knownOwners(emails []string) ([]string, error) {
	ix := b.run.emails.Load()
	if ix == nil || len(emails) == 0 {
		return emails, nil
	}
	cands := make([]int64, len(emails))
	var ids []int64
	for i, e := range emails {
		if id, ok := ix.candidate(e); ok {
			cands[i] = id
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return emails, nil
	}
	slices.Sort(ids)
	stamps, err := b.tx.ContactStamps(slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	b.addStamps(stamps)
	var rest []string
	for i, e := range emails {
		if id := cands[i]; id != 0 && slices.Contains(stamps[id].Emails, e) {
			b.emailOwner[e] = id
		} else {
			rest = append(rest, e)
		}
	}
	if b.run.indexedEmails != nil {
		b.run.indexedEmails(len(emails) - len(rest))
	}
	return rest, nil
}
