package main

// End-to-end tests of 'roster import', 'roster imports', 'roster undo' and
// 'roster profiles' on SQLite, through NewMain().Run as a user runs them.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"roster"
	"roster/importer"
)

// czechExport is a Czech Excel export: windows-1250, semicolons, CRLF;
// rows 3 and 5 fail (a bad email, a bad phone).
const czechExport = "Jméno a příjmení;E-mail;Telefon;Společnost;Oblíbená barva\r\n" +
	"Jan Novák;jan@example.cz;601 123 456;Acme s.r.o.;modrá\r\n" +
	"Špatný E-mail;spatny-at-example.cz;;Acme s.r.o.;červená\r\n" +
	"Eva Svobodová;eva@example.cz;777 111 222;Beta a.s.;\r\n" +
	"Špatný Telefon;telefon@example.cz;12;Gama spol. s r.o.;\r\n"

func writeTestFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func win1250(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1250.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importOutput is the --json output as scripts read it.
type importOutput struct {
	Job       int64             `json:"job"`
	Status    string            `json:"status"`
	DryRun    bool              `json:"dry_run"`
	Rows      int               `json:"rows"`
	Created   int               `json:"created"`
	Updated   int               `json:"updated"`
	Unchanged int               `json:"unchanged"`
	Failed    int               `json:"failed"`
	Warnings  []string          `json:"warnings"`
	Errors    []roster.RowError `json:"errors"`
}

// importJSONRun runs roster import --json with args, wants exit 0 and
// exactly one JSON object on stdout with the documented keys.
func importJSONRun(t *testing.T, args ...string) importOutput {
	t.Helper()
	args = append([]string{"import", "--json"}, args...)
	code, out, errOut := cli(t, args...)
	if code != exitOK {
		t.Fatalf("roster %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("--json printed %q: %v", out, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("--json printed more than one JSON value: %q", out)
	}
	for _, k := range []string{"job", "rows", "created", "updated", "unchanged", "failed", "warnings", "errors"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("--json output has no %q key: %s", k, out)
		}
	}
	if string(raw["warnings"]) == "null" || string(raw["errors"]) == "null" {
		t.Errorf("--json warnings and errors must be arrays, even empty: %s", out)
	}
	var errs []map[string]json.RawMessage
	if err := json.Unmarshal(raw["errors"], &errs); err != nil {
		t.Fatalf("errors: %v", err)
	}
	for _, e := range errs {
		for _, k := range []string{"row", "column", "cell", "code", "message"} {
			if _, ok := e[k]; !ok {
				t.Errorf("an error of the --json output has no %q key: %s", k, out)
			}
		}
	}
	var res importOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func wantCounts(t *testing.T, res importOutput, rows, created, updated, unchanged, failed int) {
	t.Helper()
	if res.Rows != rows || res.Created != created || res.Updated != updated || res.Unchanged != unchanged || res.Failed != failed {
		t.Fatalf("rows %d, created %d, updated %d, unchanged %d, failed %d; want %d, %d, %d, %d, %d\nerrors %+v",
			res.Rows, res.Created, res.Updated, res.Unchanged, res.Failed, rows, created, updated, unchanged, failed, res.Errors)
	}
}

// directory returns the names of the default tenant's contacts and companies, sorted.
func directory(t *testing.T, db string) (contacts map[string]*roster.Contact, companies []string) {
	t.Helper()
	ctx := context.Background()
	s := openStore(t, db)
	defer s.Close()
	tn, err := s.FindTenant(ctx, roster.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := s.ListContacts(ctx, tn.ID, roster.ContactFilter{Page: roster.Page{Limit: roster.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	contacts = map[string]*roster.Contact{}
	for _, c := range cs {
		contacts[c.Email] = c
	}
	cos, _, err := s.ListCompanies(ctx, tn.ID, roster.CompanyFilter{Page: roster.Page{Limit: roster.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, co := range cos {
		companies = append(companies, co.Name)
	}
	sort.Strings(companies)
	return contacts, companies
}

func journal(t *testing.T, db string) []*roster.Import {
	t.Helper()
	var list []*roster.Import
	out := mustCLI(t, "imports", "list", "--json", "--db", db)
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("imports list --json: %v\n%s", err, out)
	}
	return list
}

func emailOf(cells []string) string { return cells[1] }

func TestCLIImportFixAndReimport(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	people := writeTestFile(t, dir, "people.csv", win1250(t, czechExport))

	// A dry run reports what a real run would do, and writes nothing.
	dry := importJSONRun(t, "--dry-run", "--region", "CZ", "--db", db, people)
	wantCounts(t, dry, 4, 2, 0, 0, 2)
	if !dry.DryRun {
		t.Errorf("dry run output says dry_run false")
	}
	if cs, cos := directory(t, db); len(cs) != 0 || len(cos) != 0 {
		t.Fatalf("--dry-run wrote %d contacts, %d companies", len(cs), len(cos))
	}
	if l := journal(t, db); len(l) != 1 || !l[0].DryRun || l[0].Counts.Failed != 2 {
		t.Fatalf("--dry-run journaled %+v; want one dry run", l)
	}
	if out := mustCLI(t, "imports", "list", "--db", db); !strings.Contains(out, "done (dry run)") {
		t.Errorf("imports list does not mark the dry run:\n%s", out)
	}
	if code, _, errOut := cli(t, "undo", strconv.FormatInt(dry.Job, 10), "--db", db); code == exitOK || !strings.Contains(errOut, "dry run") {
		t.Errorf("undo of a dry run: exit %d\n%s", code, errOut)
	}

	// The real run: exit 0 with failed rows, which go to --errors.
	failedPath := filepath.Join(dir, "failed.csv")
	res := importJSONRun(t, "--region", "CZ", "--errors", failedPath, "--db", db, people) // flags before FILE
	wantCounts(t, res, 4, 2, 0, 0, 2)
	if res.Job == 0 || res.Status != roster.ImportDone || res.DryRun {
		t.Errorf("job %d status %q dry_run %v", res.Job, res.Status, res.DryRun)
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, strconv.Itoa(e.Row)+" "+e.Column+" "+e.Code+" "+e.Cell)
	}
	if want := []string{"3 E-mail invalid_email ", "5 Telefon invalid_phone "}; !reflect.DeepEqual(got, want) {
		t.Errorf("errors %q, want %q", got, want)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, `"Oblíbená barva"`) }) {
		t.Errorf("warnings %q do not name the unmapped column", res.Warnings)
	}
	contacts, companies := directory(t, db)
	if len(contacts) != 2 || contacts["jan@example.cz"] == nil || contacts["jan@example.cz"].Name != "Jan Novák" ||
		contacts["jan@example.cz"].Phone != "+420601123456" || contacts["eva@example.cz"] == nil {
		t.Fatalf("contacts after the import: %v", contacts)
	}
	if want := []string{"Acme s.r.o.", "Beta a.s."}; !reflect.DeepEqual(companies, want) {
		t.Fatalf("companies %q, want %q (a failed row creates no company)", companies, want)
	}

	// The failed rows file: UTF-8 with a BOM, the original header and cells, and an error column.
	b, err := os.ReadFile(failedPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatalf("--errors file does not start with a UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("--errors file is not CSV: %v\n%s", err, b)
	}
	if want := []string{"Jméno a příjmení", "E-mail", "Telefon", "Společnost", "Oblíbená barva", "error"}; len(recs) != 3 || !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("--errors file:\n%s\nwant the header %q and 2 rows", b, want)
	}
	if want := []string{"Špatný E-mail", "spatny-at-example.cz", "", "Acme s.r.o.", "červená"}; !reflect.DeepEqual(recs[1][:5], want) ||
		!strings.HasPrefix(recs[1][5], "E-mail: ") {
		t.Errorf("failed row %q, want %q and an error naming E-mail", recs[1], want)
	}
	if emailOf(recs[2]) != "telefon@example.cz" || recs[2][2] != "12" || !strings.HasPrefix(recs[2][5], "Telefon: ") {
		t.Errorf("failed row %q", recs[2])
	}

	// imports list, show, errors.
	list := journal(t, db) // newest first: the real run, then the dry run
	if len(list) != 2 || list[0].ID != res.Job || list[0].Counts.Created != 2 || list[0].Counts.Failed != 2 || list[0].FileName != "people.csv" {
		t.Fatalf("imports list %+v", list)
	}
	out := mustCLI(t, "imports", "list", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || strings.Fields(lines[1])[0] != strconv.FormatInt(res.Job, 10) {
		t.Errorf("imports list:\n%s", out)
	}
	var shown roster.Import
	out = mustCLI(t, "imports", "show", strconv.FormatInt(res.Job, 10), "--db", db)
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("imports show: %v\n%s", err, out)
	}
	if shown.ID != res.Job || shown.Status != roster.ImportDone || shown.Counts.Rows != 4 || shown.Options.Region != "CZ" || shown.FileSHA256 == "" {
		t.Errorf("imports show %+v", shown)
	}
	// imports errors gives the --errors file again, ready to fix and import.
	if out = mustCLI(t, "imports", "errors", strconv.FormatInt(res.Job, 10), "--db", db); out != string(b) {
		t.Errorf("imports errors:\n%s\nwant the --errors file:\n%s", out, b)
	}

	// Fix the failed rows in the file and import it again, error column and all.
	recs[1][1] = "spatny@example.cz"
	recs[2][2] = "603 999 888"
	var fixed bytes.Buffer
	fixed.WriteString("\uFEFF")
	w := csv.NewWriter(&fixed)
	w.WriteAll(recs)
	fixedPath := writeTestFile(t, dir, "fixed.csv", fixed.Bytes())
	again := importJSONRun(t, fixedPath, "--db", db, "--region", "CZ") // flags after FILE
	wantCounts(t, again, 2, 2, 0, 0, 0)
	// The file's own unmapped column is reported; the error column Roster
	// added is its own, and ignored without a word.
	if want := []string{`column "Oblíbená barva" is not mapped to a field and was ignored`}; !reflect.DeepEqual(again.Warnings, want) {
		t.Errorf("warnings %q, want %q", again.Warnings, want)
	}
	contacts, companies = directory(t, db)
	if c := contacts["telefon@example.cz"]; len(contacts) != 4 || c == nil || c.Name != "Špatný Telefon" || c.Phone != "+420603999888" ||
		len(c.Companies) != 1 || c.Companies[0].CompanyName != "Gama spol. s r.o." {
		t.Fatalf("contacts after the fixed import: %v", contacts)
	}
	if c := contacts["spatny@example.cz"]; c == nil || len(c.Companies) != 1 || c.Companies[0].CompanyName != "Acme s.r.o." {
		t.Fatalf("fixed row: %+v", c)
	}
	if want := []string{"Acme s.r.o.", "Beta a.s.", "Gama spol. s r.o."}; !reflect.DeepEqual(companies, want) {
		t.Fatalf("companies %q, want %q", companies, want)
	}
	if out := mustCLI(t, "imports", "errors", strconv.FormatInt(again.Job, 10), "--db", db); out != "\uFEFF"+strings.Join(recs[0], ",")+"\n" {
		t.Errorf("imports errors of a clean import printed %q, want the header alone", out)
	}

	// Importing the original file again changes nothing.
	wantCounts(t, importJSONRun(t, "--region", "CZ", "--db", db, people), 4, 0, 0, 2, 2)

	// Undo the fixed import: its two contacts and the company it made go.
	out = mustCLI(t, "undo", strconv.FormatInt(again.Job, 10), "--db", db)
	if !strings.HasPrefix(out, "undid import "+strconv.FormatInt(again.Job, 10)+": 3 records deleted") {
		t.Errorf("undo printed %q, want 3 records deleted (2 contacts, 1 company)", out)
	}
	contacts, companies = directory(t, db)
	if len(contacts) != 2 || contacts["spatny@example.cz"] != nil || contacts["telefon@example.cz"] != nil {
		t.Errorf("contacts after undo: %v", contacts)
	}
	if want := []string{"Acme s.r.o.", "Beta a.s."}; !reflect.DeepEqual(companies, want) {
		t.Errorf("companies after undo %q, want %q", companies, want)
	}
	for _, imp := range journal(t, db) {
		if imp.ID == again.Job && imp.Status != roster.ImportUndone {
			t.Errorf("undone import listed as %q", imp.Status)
		}
	}
	if code, _, errOut := cli(t, "undo", strconv.FormatInt(again.Job, 10), "--db", db); code != exitFatal || errOut == "" {
		t.Errorf("undoing twice: exit %d %q, want 1", code, errOut)
	}
	// And the first import: the directory is empty again.
	mustCLI(t, "undo", strconv.FormatInt(res.Job, 10), "--db", db)
	if contacts, companies := directory(t, db); len(contacts) != 0 || len(companies) != 0 {
		t.Errorf("after undoing every import: %d contacts, companies %q", len(contacts), companies)
	}
}

func TestCLIImportErrorsFileIsTheInput(t *testing.T) {
	// "fix them and import that file again": the admin recalls the last
	// command and edits only the file name, so --errors names the file
	// being imported. The file must not be destroyed before it is read.
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	content := []byte("\uFEFFName,Email,error\nAnn Fixed,ann@example.com,Email: not a valid email address\n")
	path := writeTestFile(t, dir, "failed.csv", content)
	code, out, errOut := cli(t, "import", "--json", "--errors", path, "--db", db, path)
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	contacts, _ := directory(t, db)
	switch {
	case code == exitOK && contacts["ann@example.com"] != nil:
		// Imported; the failed rows file now holds what failed (nothing).
	case code != exitOK && bytes.Equal(after, content):
		// Refused, input intact.
	default:
		t.Errorf("import --errors FILE FILE: exit %d, %d contacts; the input is now %q (was %q)\nstdout %s\nstderr %s",
			code, len(contacts), after, content, out, errOut)
	}
}

func TestCLIImportExitCodes(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	good := writeTestFile(t, dir, "good.csv", []byte("Name,Email\nAnn,ann@example.com\n"))
	noID := writeTestFile(t, dir, "noid.csv", []byte("Name,Job Title\nAnn,CEO\n"))
	empty := writeTestFile(t, dir, "empty.csv", nil)
	xls := writeTestFile(t, dir, "old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0})
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"import", filepath.Join(dir, "missing.csv")}, exitFatal, "missing.csv"},
		{[]string{"import", dir}, exitFatal, ""},
		{[]string{"import", empty}, exitFatal, "empty"},
		{[]string{"import", xls}, exitFatal, ".xls"},
		{[]string{"import", noID}, exitFatal, "no email or phone column"},
		{[]string{"import", "--merge", "x", good}, exitFatal, "--merge"},
		{[]string{"import", "--kind", "widgets", good}, exitFatal, "--kind"},
		{[]string{"import", "--match", "shoe_size", good}, exitFatal, "--match"},
		{[]string{"import", "--region", "XX", good}, exitFatal, "region"},
		{[]string{"import", "--profile", "nope", good}, exitFatal, "nope"},
		{[]string{"import", "--map", "Name", good}, exitUsage, "--map"},
		{[]string{"import", "--bogus", good}, exitUsage, "flag provided but not defined"},
		{[]string{"import", "--max-rows", "many", good}, exitUsage, "max-rows"},
		{[]string{"import", "--json"}, exitUsage, "FILE"},
		{[]string{"import", good, good}, exitUsage, "FILE"},
		{[]string{"imports", "show", "abc"}, exitUsage, "not an id"},
		{[]string{"imports", "show", "999"}, exitFatal, "not found"},
		{[]string{"undo"}, exitUsage, "ID"},
		{[]string{"undo", "999"}, exitFatal, "not found"},
	} {
		args := append(tc.args, "--db", db)
		code, out, errOut := cli(t, args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("roster %s: exit %d, stderr %q; want %d and %q\nstdout %s", strings.Join(tc.args, " "), code, errOut, tc.code, tc.msg, out)
		}
		if code != exitOK && strings.Contains(strings.Join(tc.args, " "), "--json") && out != "" {
			t.Errorf("roster %s printed %q on stdout", strings.Join(tc.args, " "), out)
		}
	}
	if l := journal(t, db); len(l) != 0 {
		t.Errorf("refused imports were journaled: %+v", l)
	}
	if contacts, _ := directory(t, db); len(contacts) != 0 {
		t.Errorf("refused imports wrote %d contacts", len(contacts))
	}
	// The human summary, for completeness: the counts and where the failed rows are.
	bad := writeTestFile(t, dir, "bad.csv", []byte("Name,Email\nAnn,ann@example.com\nBob,bob-at-example.com\n"))
	out := mustCLI(t, "import", bad, "--db", db)
	for _, want := range []string{"rows 2: 1 created, 0 updated, 0 unchanged, 1 failed", "row 3, Email: ", "roster imports errors "} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestCLIImportProfile(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	// Headers no synonym knows; the national numbers need the region.
	week := writeTestFile(t, dir, "week.csv", []byte("Osoba,Adresa pro zprávy,Spojení,Organizační složka\n"+
		"Petra Malá,Petra@Example.cz,731 555 666,Úřad práce\n"+
		"Karel Velký,karel@example.cz,602 000 111,\n"))
	if code, _, errOut := cli(t, "import", week, "--db", db); code != exitFatal || !strings.Contains(errOut, "column") {
		t.Fatalf("import without the profile: exit %d %q, want 1: no column maps", code, errOut)
	}
	out := mustCLI(t, "profiles", "save", "weekly", "--map", "Osoba=name,Adresa pro zprávy=email,Spojení=phone,Organizační složka=company",
		"--region", "cz", "--create-companies=false", "--db", db)
	if !strings.Contains(out, `saved profile "weekly"`) {
		t.Errorf("profiles save printed %q", out)
	}
	// A profile no import could use is not saved.
	for _, bad := range [][]string{{"--region", "XX"}, {"--map", "Osoba=nickname"}, {"--encoding", "bogus"}, {"--date-format", "YY"}} {
		if code, _, errOut := cli(t, append([]string{"profiles", "save", "bad", "--db", db}, bad...)...); code != exitFatal || !strings.Contains(errOut, bad[0]) {
			t.Errorf("profiles save %q: exit %d %q, want 1 naming %s", bad, code, errOut, bad[0])
		}
	}
	out = mustCLI(t, "profiles", "list", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || strings.Fields(lines[1])[0] != "weekly" {
		t.Errorf("profiles list:\n%s", out)
	}

	res := importJSONRun(t, "--profile", "weekly", week, "--db", db)
	// Úřad práce does not exist and the profile says not to create companies.
	wantCounts(t, res, 2, 1, 0, 0, 1)
	if e := res.Errors[0]; e.Row != 2 || e.Column != "Organizační složka" || e.Code != "company_not_found" {
		t.Errorf("error %+v", e)
	}
	contacts, companies := directory(t, db)
	if c := contacts["karel@example.cz"]; c == nil || c.Name != "Karel Velký" || c.Phone != "+420602000111" {
		t.Fatalf("contacts %v: the profile's map and region were not applied", contacts)
	}
	if len(companies) != 0 {
		t.Errorf("companies %q", companies)
	}
	var shown roster.Import
	if err := json.Unmarshal([]byte(mustCLI(t, "imports", "show", strconv.FormatInt(res.Job, 10), "--db", db)), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Options.Region != "CZ" || shown.Options.Map["Spojení"] != "phone" || shown.Options.CreateCompanies {
		t.Errorf("journaled options %+v", shown.Options)
	}

	// A flag given with the profile overrides it.
	res = importJSONRun(t, "--profile", "weekly", "--create-companies", week, "--db", db)
	wantCounts(t, res, 2, 1, 0, 1, 0)
	if c := directory2(t, db, "petra@example.cz"); c == nil || c.Phone != "+420731555666" || len(c.Companies) != 1 || c.Companies[0].CompanyName != "Úřad práce" {
		t.Errorf("petra %+v", c)
	}

	// --map given with the profile changes the columns it names and keeps
	// the profile's others (alone, no synonym would map them): here the
	// company column is left out, and the rows are as they were.
	res = importJSONRun(t, "--profile", "weekly", "--map", "Organizační složka=-", "--dry-run", week, "--db", db)
	wantCounts(t, res, 2, 0, 0, 2, 0)

	mustCLI(t, "profiles", "delete", "weekly", "--db", db)
	if code, _, errOut := cli(t, "import", "--profile", "weekly", week, "--db", db); code != exitFatal || !strings.Contains(errOut, "weekly") {
		t.Errorf("import with a deleted profile: exit %d %q", code, errOut)
	}
}

func directory2(t *testing.T, db, email string) *roster.Contact {
	t.Helper()
	contacts, _ := directory(t, db)
	return contacts[email]
}

func TestCLIImportCompaniesDefaultMatch(t *testing.T) {
	// README: companies match by name unless --match says otherwise, so
	// 'roster import --kind companies FILE' needs no --match.
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	orgs := writeTestFile(t, dir, "orgs.csv", []byte("Company Name,Website,Industry\nAcme,https://acme.example,Tools\nBeta,,\n"))
	res := importJSONRun(t, "--kind", "companies", orgs, "--db", db)
	wantCounts(t, res, 2, 2, 0, 0, 0)
	if _, companies := directory(t, db); !reflect.DeepEqual(companies, []string{"Acme", "Beta"}) {
		t.Errorf("companies %q", companies)
	}
	res = importJSONRun(t, "--kind", "companies", orgs, "--db", db)
	wantCounts(t, res, 2, 0, 0, 2, 0)
	// The same through a profile.
	mustCLI(t, "profiles", "save", "orgs", "--kind", "companies", "--db", db)
	wantCounts(t, importJSONRun(t, "--profile", "orgs", orgs, "--db", db), 2, 0, 0, 2, 0)
}

// roster import sets the runtime's soft memory limit for one import,
// unless GOMEMLIMIT is set (main then leaves limitMemory nil).
func TestImportLimitsMemory(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	mustCLI(t, "tenants", "create", "acme", "--db", db)
	file := writeTestFile(t, t.TempDir(), "people.csv", []byte("Name,Email\nAnn,ann@example.com\n"))
	var limit int64
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &syncBuffer{}, &syncBuffer{}
	m.Getenv = func(string) string { return "" }
	m.limitMemory = func(n int64) int64 { limit = n; return 0 }
	if code := m.Run(context.Background(), []string{"import", file, "--db", db, "--tenant", "acme"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, m.Stderr)
	}
	if want := importer.MemoryLimit(1); limit != want || want > 256<<20 {
		t.Fatalf("memory limit %d, want %d", limit, want)
	}
}

// README: a report's footer below the rows (Salesforce's copyright and
// "Generated By" lines) is named in a warning, not failed row by row.
func TestCLIImportReportFooter(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	report := writeTestFile(t, dir, "report.csv", []byte("\"Full Name\",\"Email\",\"Phone\"\r\n"+
		"\"Ann Lee\",\"ann@example.com\",\"\"\r\n"+
		"\"Bob Ray\",\"bob-at-example.com\",\"\"\r\n"+
		"\r\n"+
		"\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\r\n"+
		"\"Confidential Information - Do Not Distribute\"\r\n"))
	errs := filepath.Join(dir, "failed.csv")
	res := importJSONRun(t, report, "--errors", errs, "--db", db)
	wantCounts(t, res, 2, 1, 0, 0, 1)
	want := []string{`the 2 lines after row 3 (lines 5-6, from "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.") look like the report's footer (Salesforce) and were not imported`}
	if !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("warnings %q, want %q", res.Warnings, want)
	}
	b, err := os.ReadFile(errs)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll(); err != nil || len(recs) != 2 || recs[1][1] != "bob-at-example.com" {
		t.Errorf("failed rows file (%v):\n%s\nwant the header and Bob's row", err, b)
	}
}
