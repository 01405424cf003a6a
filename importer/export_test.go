package importer

// Every test of the package runs with plans made a batch ahead of a
// batch that has not committed yet, so each batch must bring its plan up
// to date: the hardest case for planning ahead, and otherwise a matter of
// timing.
func init() { testHooks.stalePlans = true }

// BeforeBatch sets a function run before each batch's transaction.
func BeforeBatch(f func()) func(*Options) { return func(o *Options) { o.beforeBatch = f } }
