package roster_test

import (
	"reflect"
	"testing"

	"roster"
)

// A failed-rows file adds its error column after the file's columns,
// unless the file is itself a failed-rows file, whose last column "error"
// then takes the new reasons; an "error" column elsewhere is the file's.
func TestFailedRowsFile(t *testing.T) {
	row := roster.FailedRow{Row: 2, Cells: []string{"Bob", "bad", "old reason"},
		Errors: []roster.RowError{{Column: "email", Message: "not a valid email address"}}}
	for _, tc := range []struct {
		header, wantHeader, wantCells []string
	}{
		// A cell past the header's (a row with too many) follows the reasons.
		{[]string{"name", "email"}, []string{"name", "email", "error"}, []string{"Bob", "bad", "email: not a valid email address", "old reason"}},
		{[]string{"name", "email", " Error "}, []string{"name", "email", " Error "}, []string{"Bob", "bad", "email: not a valid email address"}},
		{[]string{"error", "email", "x"}, []string{"error", "email", "x", "error"}, []string{"Bob", "bad", "old reason", "email: not a valid email address"}},
	} {
		layout := roster.NewFailedRowsFile(tc.header)
		if !reflect.DeepEqual(layout.Header, tc.wantHeader) {
			t.Errorf("NewFailedRowsFile(%q).Header = %q, want %q", tc.header, layout.Header, tc.wantHeader)
		}
		if cells := layout.Cells(row); !reflect.DeepEqual(cells, tc.wantCells) {
			t.Errorf("header %q: cells %q, want %q", tc.header, cells, tc.wantCells)
		}
	}
}

// The failed-rows file is made to be opened in a spreadsheet: its cells
// are neutralized as an export's are, and import back as the row read them.
func TestFailedRowsFileNeutralizesFormulas(t *testing.T) {
	layout := roster.NewFailedRowsFile([]string{"name", "email", "phone", "note"})
	row := roster.FailedRow{Row: 2, Cells: []string{"=cmd|' /C calc'!A0", "@SUM(1)", "'+420601123456", "''=x"},
		Errors: []roster.RowError{{Column: "email", Message: "not a valid email address"}}}
	got := layout.Cells(row)
	want := []string{"'=cmd|' /C calc'!A0", "'@SUM(1)", "'+420601123456", "''=x", "email: not a valid email address"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cells %q, want %q", got, want)
	}
	for i, c := range got[:4] {
		if back, read := roster.UnneutralizeCell(c), roster.UnneutralizeCell(row.Cells[i]); back != read {
			t.Errorf("cell %q imports back as %q; the row read %q", c, back, read)
		}
	}
	// A header starting like a formula makes reasons that do too.
	row.Errors[0].Column = "=HYPERLINK(x)"
	if got := layout.Cells(row)[4]; got != "'=HYPERLINK(x): not a valid email address" {
		t.Errorf("error cell %q", got)
	}
}
