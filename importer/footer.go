package importer

import (
	"fmt"

	"roster/tabular"
)

// footerWarning names the lines a report's footer took below the rows:
// they are not imported, and not failed rows either, but never dropped
// without a word.
func footerWarning(f *tabular.Footer) string {
	what := "the file's footer"
	if f.Source != "" {
		what = fmt.Sprintf("the report's footer (%s)", f.Source)
	}
	lines := fmt.Sprintf("lines %d-%d", f.From, f.To)
	if f.From == f.To {
		lines = fmt.Sprintf("line %d", f.From)
	}
	if f.Lines == 1 {
		return fmt.Sprintf("the line after row %d (%s: %q) looks like %s and was not imported", f.After, lines, f.First, what)
	}
	return fmt.Sprintf("the %d lines after row %d (%s, from %q) look like %s and were not imported", f.Lines, f.After, lines, f.First, what)
}
