package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"roster"
	"roster/sqlite"
)

// runExport runs the real program with args and returns its exit code and output.
func runExport(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &stdout, &stderr
	m.Getenv = func(string) string { return "" }
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// seedExport stores a company and two contacts in a new SQLite file.
func seedExport(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "export.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tn, err := s.CreateTenant(ctx, roster.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateField(ctx, tn.ID, &roster.FieldDef{Kind: roster.KindContacts, Key: "score", Type: roster.FieldNumber}); err != nil {
		t.Fatal(err)
	}
	co := &roster.Company{Name: "Initech", ExternalID: "co-1", Tags: []string{"software"}}
	if err := s.CreateCompany(ctx, tn.ID, co); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*roster.Contact{
		{Name: "Peter Gibbons", Email: "peter@initech.example", Phone: "+420601123456", Tags: []string{"tps"},
			Companies: []roster.Membership{{CompanyID: co.ID, ViewAllTickets: true}}, Custom: map[string]any{"score": int64(3)}},
		{Name: "=HYPERLINK(\"x\")", Email: "michael@initech.example"},
	} {
		if err := s.CreateContact(ctx, tn.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func readExportCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte("\ufeff"))
	if !ok {
		t.Fatalf("no UTF-8 BOM: %q", b)
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// onlyFiles fails unless dir holds exactly names (no temporary files left).
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("files in %s = %q, want %q", dir, got, names)
	}
}

func TestExportCLI(t *testing.T) {
	t.Parallel()
	db := seedExport(t)
	dir := t.TempDir()

	file := filepath.Join(dir, "contacts.csv")
	code, out, errOut := runExport(t, "export", "--db", db, "--kind", "contacts", "--out", file)
	if code != exitOK || out != "" || !strings.Contains(errOut, "exported 2 contacts to "+file) {
		t.Fatalf("export: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows := readExportCSV(t, b)
	header := append(append([]string{}, roster.ContactKeys...), "score")
	want := [][]string{
		header,
		{"Peter Gibbons", "", "", "peter@initech.example", "", "'+420601123456", "", "Initech", "co-1", "yes", "", "tps",
			"", "", "customer", "", "", "", "", "3"},
		{`'=HYPERLINK("x")`, "", "", "michael@initech.example", "", "", "", "", "", "", "", "",
			"", "", "customer", "", "", "", "", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("contacts.csv =\n%q\nwant\n%q", rows, want)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode of %s: %v %v", file, st.Mode(), err)
	}

	// The format follows the file's extension; the sheet is named after the kind.
	xfile := filepath.Join(dir, "companies.XLSX")
	if code, out, errOut := runExport(t, "export", "--kind", "companies", "--out", xfile, "--db", db, "--fields", "name,external_id"); code != exitOK {
		t.Fatalf("export xlsx: exit %d\n%s%s", code, out, errOut)
	}
	f, err := excelize.OpenFile(xfile)
	if err != nil {
		t.Fatalf("open %s: %v", xfile, err)
	}
	xrows, err := f.GetRows("companies")
	f.Close()
	if err != nil || !reflect.DeepEqual(xrows, [][]string{{"name", "external_id"}, {"Initech", "co-1"}}) {
		t.Errorf("companies.xlsx = %q, %v", xrows, err)
	}

	// To standard output, with --fields and --tag.
	code, out, errOut = runExport(t, "export", "--db", db, "--kind", "contacts", "--fields", "email, name", "--tag", "TPS")
	if code != exitOK || errOut != "" {
		t.Fatalf("export to stdout: exit %d\n%s", code, errOut)
	}
	if rows := readExportCSV(t, []byte(out)); !reflect.DeepEqual(rows, [][]string{{"email", "name"}, {"peter@initech.example", "Peter Gibbons"}}) {
		t.Errorf("stdout = %q", rows)
	}

	// --format wins over the extension.
	tfile := filepath.Join(dir, "contacts.txt")
	if code, _, errOut := runExport(t, "export", "--db", db, "--kind", "contacts", "--format", "xlsx", "--out", tfile); code != exitOK {
		t.Fatalf("export --format xlsx: exit %d\n%s", code, errOut)
	}
	if b, _ := os.ReadFile(tfile); !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("%s is not an XLSX (zip) file: %q", tfile, b[:min(len(b), 8)])
	}
	onlyFiles(t, dir, "companies.XLSX", "contacts.csv", "contacts.txt")
}

func TestExportCLIErrors(t *testing.T) {
	t.Parallel()
	db := seedExport(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "contacts.csv")
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--db", db}, exitUsage, "--kind contacts or companies is required"},
		{[]string{"--db", db, "--kind", "people"}, exitUsage, `"people"`},
		{[]string{"--db", db, "--kind", "contacts", "--format", "ods"}, exitUsage, `"ods"`},
		{[]string{"--db", db, "--kind", "contacts", "extra"}, exitUsage, `"extra"`},
		{[]string{"--db", db, "--kind", "contacts", "--fields", ","}, exitUsage, "names no field"},
		{[]string{"--db", db, "--kind", "contacts", "--out", file, "--fields", "name,nope"}, exitFatal, `unknown field "nope"`},
		{[]string{"--db", db, "--kind", "contacts", "--out", file, "--tenant", "nobody"}, exitFatal, "nobody"},
	} {
		code, out, errOut := runExport(t, append([]string{"export"}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.msg) || out != "" {
			t.Errorf("export %q: exit %d, stdout %q, stderr %q; want exit %d and %s", c.args, code, out, errOut, c.code, c.msg)
		}
	}
	// A failed export leaves the old file alone and no temporary file.
	if b, _ := os.ReadFile(file); string(b) != "old" {
		t.Errorf("%s = %q after failed exports, want the old content", file, b)
	}
	onlyFiles(t, dir, "contacts.csv")
}
