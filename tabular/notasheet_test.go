package tabular

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
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

// Notes above the header (LinkedIn's Connections.csv) are skipped; rows
// keep their line numbers. One-column files and files without notes read
// as before.
func TestPreambleIsSkipped(t *testing.T) {
	linkedin := "Notes:\r\n\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more about what is included in your data export here.\"\r\n\r\n" +
		"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n" +
		"Reid,Hoffman,https://www.linkedin.com/in/reidhoffman,reid@example.com,Greylock,Partner,03 Jan 2019\r\n"
	for _, tc := range []struct {
		name, content string
		header        []string
		row           int // the first row's line
	}{
		{"linkedin", linkedin, []string{"First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"}, 5},
		{"one column", "Email\na@x.com\nb@x.com\n", []string{"Email"}, 2},
		{"plain", "name,email\nAnn,a@x.com\n", []string{"name", "email"}, 2},
		{"sep line", "sep=;\nNotes about the file\nname;email;phone\nAnn;a@x.com;\n", []string{"name", "email", "phone"}, 4},
	} {
		r, err := NewCSV(strings.NewReader(tc.content), Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		row, err := r.Next()
		if err != nil || !slices.Equal(r.Header(), tc.header) || row.Number != tc.row || row.Err != nil {
			t.Errorf("%s: header %q, first row %+v (%v); want %q, line %d", tc.name, r.Header(), row, err, tc.header, tc.row)
		}
	}
}
