package importer

import (
	"context"
	"hash/maphash"
	"math/bits"
	"sync/atomic"

	"roster"
)

// A new-rows import looks up each row's email, and its external id (which
// must be free), and finds nothing: on 1M rows, 2M B-tree descents on
// random keys, a large part of the work on both databases. Once the first
// look-ups show that most of a file's emails are new (see sampleEmails),
// the import reads the tenant's emails and external ids in one scan into
// a Bloom filter, to which the writer adds the keys of every batch it
// writes: a key the filter does not hold has no owner, and is not looked
// up. The filter is exact only while nothing outside the import writes to
// the directory: it keeps the lock's count of outside writes
// (ImportTx.Writes) as of its scan, and a batch that sees another count
// looks up every key.
//
// A planner's snapshot may miss batches written since, or hold batches
// whose keys the filter did not have yet; the writer then looks those
// keys up again in the batch's own transaction (batch.refresh), where the
// filter holds every batch written before. The filter answers only once
// the writer has adopted it, adding the keys of the batches written
// before it saw the filter: the scan's snapshot may miss those (SQLite
// holds a group's batches uncommitted), and a batch that asked the filter
// before would take a key an earlier batch gave for free.

const (
	// keyFilterBits is the filter's size per key it was made for: with
	// keyFilterProbes, about 1% of absent keys are looked up all the same.
	keyFilterBits   = 12
	keyFilterProbes = 5
	// keyFilterPerRow is how many keys the filter is made for per row of
	// the file, for the directory's keys and for the file's own (an
	// email and an external id each). A directory with more keys than
	// its share is not read: looking up the file's keys costs less.
	keyFilterPerRow = 2
)

// bloom is a blocked Bloom filter: a key's probes all fall in one 64-bit
// word, one cache miss a look-up. Adds and tests may run concurrently.
type bloom struct {
	words []atomic.Uint64
}

func newBloom(keys int) *bloom {
	return &bloom{words: make([]atomic.Uint64, max(1, keys*keyFilterBits/64))}
}

// bloomMask is the bits of h's word that h sets.
func bloomMask(h uint64) uint64 {
	p := h * 0x9e3779b97f4a7c15 // other bits than those that pick the word
	var m uint64
	for range keyFilterProbes {
		m |= 1 << (p >> 58)
		p <<= 6
	}
	return m
}

func (f *bloom) word(h uint64) *atomic.Uint64 {
	i, _ := bits.Mul64(h, uint64(len(f.words)))
	return &f.words[i]
}

func (f *bloom) add(h uint64) { f.word(h).Or(bloomMask(h)) }

func (f *bloom) may(h uint64) bool {
	m := bloomMask(h)
	return f.word(h).Load()&m == m
}

// keyFilter holds the emails and external ids that contacts of the
// tenant may have, while the import runs.
type keyFilter struct {
	seed    maphash.Seed
	f       *bloom
	scanned atomic.Bool // the directory's keys are in
	adopted atomic.Bool // so are those of every batch written (pipeline.go)
	writes  int64       // the count of outside writes it is exact for, set before scanned
}

// ready reports whether the filter holds every key a contact may have.
func (k *keyFilter) ready() bool { return k.scanned.Load() && k.adopted.Load() }

func (k *keyFilter) hash(kind int, key string) uint64 {
	return maphash.String(k.seed, key) + uint64(kind)*0x9e3779b97f4a7c15
}

// filteredKinds are the kinds of keys the filter holds.
var filteredKinds = [...]int{keyEmail, keyExternalID}

// addKeys adds the filtered kinds of keys: a batch's (dirty.keys) or
// those the log holds (dirtyLog.keys), every batch written since its
// last commit before the filter existed, which the scan's snapshot may
// not see.
func addKeys[V any](k *keyFilter, keys *[keyKinds]map[string]V) {
	for _, kind := range filteredKinds {
		for key := range keys[kind] {
			k.f.add(k.hash(kind, key))
		}
	}
}

// buildKeyFilter makes the run's key filter and reads the directory's keys
// into it, unless there are more than its share: then the run has none.
// From the moment the filter exists, the writer adds the keys of every
// batch it writes, and once those of the batches written since its last
// commit before that, which the scan's snapshot may not see: together
// they miss no key written. A filter made before the first batch is
// adopted at once: there is nothing to add.
func (im *Importer) buildKeyFilter(ctx context.Context, run *run, imp *roster.Import, rows int, adopted bool) {
	k := &keyFilter{seed: maphash.MakeSeed(), f: newBloom(2 * keyFilterPerRow * rows)}
	k.adopted.Store(adopted)
	run.keys.Store(k)
	n, limit := 0, keyFilterPerRow*rows // the most directory keys the scan takes
	add := func(kind int) func(string, int64) bool {
		return func(key string, _ int64) bool {
			n++
			k.f.add(k.hash(kind, key))
			return n <= limit
		}
	}
	writes, err := im.Store.ReadImportBatch(ctx, imp.TenantID, imp.ID, func(tx roster.ImportTx) error {
		if err := tx.EachEmail(add(keyEmail)); err != nil || n > limit {
			return err
		}
		return tx.EachExternalID(add(keyExternalID))
	})
	if err != nil || n > limit {
		run.keys.Store(nil)
		return
	}
	k.writes = writes
	k.scanned.Store(true)
}

// mayBeHeld returns the keys of kind that a contact may hold, dropping
// those the run's key filter shows none does. The filter answers only
// once it is ready, and only batches that see no outside write since.
func (b *batch) mayBeHeld(kind int, keys []string) []string {
	k := b.run.keys.Load()
	if k == nil || !k.ready() || k.writes != b.tx.Writes() {
		return keys
	}
	out := keys[:0:0]
	for _, key := range keys {
		if k.f.may(k.hash(kind, key)) {
			out = append(out, key)
		}
	}
	if b.run.filteredKeys != nil {
		b.run.filteredKeys(len(keys) - len(out))
	}
	return out
}
