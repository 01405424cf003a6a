package importer_test

import (
	"slices"
	"strings"
	"testing"

	"roster/importer"
)

// An option meant for the other kind of file is reported, and the file
// is read all the same.
func TestOptionsForTheOtherKindOfFileWarn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		res := e.run("name,email\nAnn,ann@x.cz\n", func(o *importer.Options) { o.Sheet = "Contacts" })
		e.counts(res, 1, 0, 0, 0)
		if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, `--sheet "Contacts" is for workbooks`) }) {
			t.Errorf("CSV with --sheet: warnings %q", res.Warnings)
		}
		res = e.importPath(writeXLSX(t, [][]any{{"name", "email"}, {"Bob", "bob@x.cz"}}), func(o *importer.Options) { o.Delimiter = ";" })
		e.counts(res, 1, 0, 0, 0)
		if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "--encoding and --delimiter are for CSV text") }) {
			t.Errorf("workbook with --delimiter: warnings %q", res.Warnings)
		}
	})
}
