package tabular

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Documents sent for a spreadsheet are named, not read as text with one
// odd column; a CSV that merely mentions them is read.
func TestOpenNamesDocumentsThatAreNotSheets(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"report.pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"},
		{"table.rtf", "{\\rtf1\\ansi\\deff0 {\\fonttbl}", "RTF"},
		{"export.xls", "\ufeff\r\n<!DOCTYPE html><html><body><table><tr><td>Name</td></tr></table>", "HTML"},
		{"export2.xls", "<table border=1><tr><th>Email</th></tr></table>", "HTML"},
		{"fine.csv", "name,note\nAnn,%PDF-1.4 is a version\n", ""},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path, Options{})
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			} else {
				r.Close()
			}
			continue
		}
		var fe *FatalError
		if !errors.As(err, &fe) || fe.Code != CodeNotText || !strings.Contains(fe.Message, tc.want) {
			t.Errorf("%s: %v, want %s naming %s", tc.name, err, CodeNotText, tc.want)
		}
	}
}
