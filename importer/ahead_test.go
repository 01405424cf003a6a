package importer_test

import (
	"slices"
	"testing"

	"roster/importer"
)

// A batch planned on a snapshot is planned again when someone else wrote
// to the directory meanwhile: an edit made through the API between the
// look-ups and the batch is neither lost nor overwritten with old values.
func TestPlanAheadSeesOutsideWrites(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.run("name,email,job_title\nAnn,ann@x.cz,CTO\nBob,bob@x.cz,\n")
		batches := 0
		before := importer.BeforeBatch(func() {
			batches++
			if batches != 2 {
				return
			}
			// Ann's row is the second batch, planned already.
			ann := e.byEmail("ann@x.cz")
			ann.JobTitle = "CEO"
			if err := e.s.UpdateContact(e.ctx, e.tenant.ID, ann); err != nil {
				t.Error(err)
			}
		})
		res := e.run("name,email,tags\nBob,bob@x.cz,\nAnn,ann@x.cz,vip\n", batchOf(1), before)
		e.counts(res, 0, 1, 1, 0)
		ann := e.byEmail("ann@x.cz")
		if ann.JobTitle != "CEO" || !slices.Equal(ann.Tags, []string{"vip"}) {
			t.Fatalf("Ann after the import: job %q, tags %q; want the API's CEO and the file's vip", ann.JobTitle, ann.Tags)
		}
	})
}
