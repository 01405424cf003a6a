package importer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/importer"
)

// failures is what the journal keeps of an import's failed rows, with
// the records their errors name reduced to their kind.
func (e *env) failures(id int64) []roster.FailedRow {
	e.t.Helper()
	var out []roster.FailedRow
	if err := e.s.FailedRows(e.ctx, e.tenant.ID, id, func(f roster.FailedRow) error {
		f.Errors = withoutIDs(f.Errors)
		out = append(out, f)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// job queues content as an import job with opts and runs it, stopping it
// after stops[i] batches of its i-th run and resuming it, as workers do
// on a shutdown, until it ends.
func (e *env) job(content string, opts importer.Options, stops []int) *roster.Import {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), "job.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	imp := &roster.Import{TenantID: e.tenant.ID, Kind: opts.Kind, FileName: "job.csv", FilePath: path, Options: opts.ImportOptions}
	if err := e.s.EnqueueImport(e.ctx, imp, false); err != nil {
		e.t.Fatal(err)
	}
	for i := 0; ; i++ {
		claimed, err := e.s.ClaimImport(e.ctx, "worker", time.Minute)
		if err != nil || claimed.ID != imp.ID {
			e.t.Fatalf("claim: %+v, %v", claimed, err)
		}
		o := opts
		o.Holder = "worker"
		if i < len(stops) {
			stop, batches := make(chan struct{}), 0
			o.Stop = stop
			importer.BeforeBatch(func() {
				if batches++; batches == stops[i]+1 {
					close(stop)
				}
			})(&o)
		}
		im := &importer.Importer{Store: e.s}
		_, err = im.RunJob(e.ctx, e.tenant, claimed, o)
		if errors.Is(err, importer.ErrStopped) {
			continue
		}
		if err != nil {
			e.t.Fatalf("job: %v", err)
		}
		return claimed
	}
}

// A job stopped between batches and resumed, several times, ends as the
// same import run in one go: the same directory, counts and failed rows,
// over random files whose later rows update what earlier rows created,
// across the stops; and its undo puts back what was there before it.
func TestResumedJobsAgreeAtRandom(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.wideFields()
		other := wideEnv(t, e.s, "resumed")
		seed := testSeed(29)
		rng := rand.New(rand.NewPCG(seed, 4))
		for i := range 10 {
			w := wideOptionsOf(rng)
			file := wideRows(rng, 10+rng.IntN(40), 10)
			opts := importer.Options{ImportOptions: importer.Defaults(roster.ImportOptions{Kind: roster.KindContacts, CreateCompanies: true}),
				BatchSize: 1 + rng.IntN(4)}
			region("CZ")(&opts)
			w.apply(&opts)
			stops := make([]int, 1+rng.IntN(3))
			for k := range stops {
				stops[k] = 1 + rng.IntN(4)
			}
			one := e.run(file, func(o *importer.Options) { *o = opts })
			before := other.dump()
			resumed := other.job(file, opts, stops)
			x, y := e.dump(), other.dump()
			if !reflect.DeepEqual(x, y) {
				t.Fatalf("seed %d round %d (%s, batches of %d, stopped after %v):\n%s\nin one go:\n%s\nresumed:\n%s",
					seed, i, w, opts.BatchSize, stops, file, strings.Join(x, "\n"), strings.Join(y, "\n"))
			}
			if one.Import.Counts != resumed.Counts || !reflect.DeepEqual(e.failures(one.Import.ID), other.failures(resumed.ID)) {
				t.Fatalf("seed %d round %d (%s, batches of %d, stopped after %v):\n%s\nin one go: %+v %+v\nresumed: %+v %+v",
					seed, i, w, opts.BatchSize, stops, file, one.Import.Counts, e.failures(one.Import.ID), resumed.Counts, other.failures(resumed.ID))
			}
			if i%2 == 0 {
				other.undoes(resumed.ID, before, fmt.Sprintf("seed %d round %d: the resumed import", seed, i))
				other.run(file, func(o *importer.Options) { *o = opts })
			}
		}
	})
}
