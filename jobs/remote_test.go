package jobs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"roster"
	"roster/importer"
)

// TestJobRunsWhereItsFileIsNot: the database keeps a copy of a job's file,
// so a worker on another machine (here: the original file is gone) runs it.
func TestJobRunsWhereItsFileIsNot(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		ctx := context.Background()
		tn := tenant(t, s, "acme")
		content := people("far", 50)
		path := filepath.Join(t.TempDir(), "upload.csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		imp := &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: "upload.csv", FilePath: path,
			FileSHA256: hex.EncodeToString(sum[:]), Header: []string{"name", "email", "company"},
			Options: importer.Defaults(roster.ImportOptions{CreateCompanies: true})}
		if err := s.EnqueueImport(ctx, imp, false); err != nil {
			t.Fatal(err)
		}
		var kept bytes.Buffer
		if err := s.ReadImportFile(ctx, tn.ID, imp.ID, &kept); err != nil || kept.String() != content {
			t.Fatalf("kept copy: %d bytes, %v; want the file", kept.Len(), err)
		}
		os.Remove(path) // the worker runs elsewhere

		end := newEnded()
		stop := start(t, worker(s, "far-away", end))
		end.wait(t, imp.ID)
		stop()
		got := find(t, s, imp)
		if got.Status != roster.ImportDone || got.Counts.Created != 50 || len(contacts(t, s, tn)) != 50 {
			t.Fatalf("job %s %+v, %d contacts", got.Status, got.Counts, len(contacts(t, s, tn)))
		}
		if got.FilePath != path {
			t.Fatalf("the journal's file path changed to %q", got.FilePath)
		}
		if len(got.Header) != 3 {
			t.Fatalf("header not kept: %v", got.Header)
		}
	})
}
