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
		{[]string{"name", "email"}, []string{"name", "email", "error"}, []string{"Bob", "bad", "email: not a valid email address"}},
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
