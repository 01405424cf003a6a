package importer

import (
	"fmt"

	"roster/tabular"
)

// footerWarning names the lines a report's footer took below the rows:
// they are not imported, and not failed rows either, but never dropped
// without a word. A workbook's lines are rows, as Excel numbers them.
func footerWarning(f *tabular.Footer, format string) string {
	what := "the file's footer"
	if f.Source != "" {
		what = fmt.Sprintf("the report's footer (%s)", f.Source)
	}
	line := "line"
	if format == "xlsx" {
		line = "row"
	}
	lines := fmt.Sprintf("%ss %d-%d", line, f.From, f.To)
	if f.From == f.To {
		lines = fmt.Sprintf("%s %d", line, f.From)
	}
	// A report with no rows is its header and footer.
	after := fmt.Sprintf("after row %d", f.After)
	if f.After == 0 {
		after = "after the header"
	}
	if f.Lines == 1 {
		return fmt.Sprintf("the %s %s (%s: %q) looks like %s and was not imported", line, after, lines, f.First, what)
	}
	return fmt.Sprintf("the %d %ss %s (%s, from %q) look like %s and were not imported", f.Lines, line, after, lines, f.First, what)
}
