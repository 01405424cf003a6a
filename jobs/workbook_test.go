package jobs_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"roster"
)

// A job of a workbook reads it twice, counting and then importing, the
// second pass from the first's reader reopened; stopped and resumed, it
// skips the rows it committed and imports the rest once.
func TestWorkbookJobResumes(t *testing.T) {
	each(t, func(t *testing.T, s roster.Store) {
		tn := tenant(t, s, "acme")
		const rows = 60_000 // three of SQLite's groups
		f := excelize.NewFile()
		defer f.Close()
		sheet := f.GetSheetName(0)
		f.SetSheetRow(sheet, "A1", &[]any{"Name", "E-mail", "Company"})
		for i := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow(sheet, cell, &[]any{fmt.Sprintf("Person %d", i), fmt.Sprintf("w%d@example.com", i), fmt.Sprintf("Company %d", i%7)})
		}
		path := filepath.Join(t.TempDir(), "people.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		imp := enqueueFile(t, s, tn, path)
		end := newEnded()
		interrupt(t, s, imp, end)
		if got := find(t, s, imp); got.Status != roster.ImportRunning || got.Counts.Rows >= rows {
			t.Fatalf("after the shutdown the job is %s with %d rows; want still running, part done", got.Status, got.Counts.Rows)
		}

		resume(t, s, imp, end)
		got := find(t, s, imp)
		if c := got.Counts; got.Status != roster.ImportDone || c.Rows != rows || c.Created != rows || c.Failed != 0 {
			t.Fatalf("resumed job: %s (%s), %+v; want done, %d created", got.Status, got.Message, c, rows)
		}
		cs := contacts(t, s, tn)
		if len(cs) != rows {
			t.Fatalf("%d contacts stored, want %d", len(cs), rows)
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if seen[c.Email] || len(c.Companies) != 1 {
				t.Fatalf("contact %s: doubled, or %d companies", c.Email, len(c.Companies))
			}
			seen[c.Email] = true
		}
	})
}
