package importer

import "sync/atomic"

// Every test of the package runs with plans made a batch ahead of a
// batch that has not committed yet, so each batch must bring its plan up
// to date: the hardest case for planning ahead, and otherwise a matter of
// timing.
func init() { testHooks.stalePlans = true }

// BeforeBatch sets a function run before each batch's transaction.
func BeforeBatch(f func()) func(*Options) { return func(o *Options) { o.beforeBatch = f } }

// BeforeStart sets a function run between reading the file and taking
// the import lock.
func BeforeStart(f func()) func(*Options) { return func(o *Options) { o.beforeStart = f } }

// GroupRows sets how many rows one transaction holds over several
// batches (negative: each batch commits on its own).
func GroupRows(n int) func(*Options) { return func(o *Options) { o.groupRows = n } }

// IndexEmails builds the email index (emailindex.go) before the first
// batch, whatever the file's size, and adds to found the emails that
// look-ups found through it.
func IndexEmails(found *atomic.Int64) func(*Options) {
	return func(o *Options) { o.indexedEmails = func(n int) { found.Add(int64(n)) } }
}

// FilterKeys builds the key filter (keyfilter.go) before the first batch,
// whatever the file's size, and adds to absent the keys it spared a
// look-up.
func FilterKeys(absent *atomic.Int64) func(*Options) {
	return func(o *Options) { o.filteredKeys = func(n int) { absent.Add(int64(n)) } }
}

// FilterKeysAt is FilterKeys, with the filter built just before batch n
// (counted from 1) instead of the first.
func FilterKeysAt(n int, absent *atomic.Int64) func(*Options) {
	return func(o *Options) { FilterKeys(absent)(o); o.filterAt = n }
}
