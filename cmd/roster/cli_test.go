package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/sqlite"
	"roster/sqlstore"
)

// runEnv runs the program with args and an environment.
func runEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), stdout, stderr
	m.Getenv = func(k string) string { return env[k] }
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// mustCLI runs args and fails unless they exit 0.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := cli(t, args...)
	if code != exitOK {
		t.Fatalf("roster %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// openStore opens the SQLite file the CLI works on, for the test's own
// reads and writes; it is closed before the CLI runs again.
func openStore(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tempDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "cli.db")
}

// A fresh database gets its default tenant from the first command that
// needs it, as from serve, so the README's first import just works.
func TestCLIFreshDatabaseGetsDefaultTenant(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	if code, _, errOut := cli(t, "contacts", "list", "--db", db, "--tenant", "acme"); code != exitFatal || !strings.Contains(errOut, `tenant "acme" not found`) {
		t.Fatalf("a named tenant on a fresh database: exit %d %q; want not found, and no tenant made", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(file, []byte("Name,Email\nAda Lovelace,ada@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "import", "--db", db, file)
	if code != exitOK || !strings.Contains(out, "1 created") {
		t.Fatalf("first import: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, `created tenant "default"`) {
		t.Errorf("the first import did not say it made the tenant: %q", errOut)
	}
	code, out, errOut = cli(t, "contacts", "list", "--db", db)
	if code != exitOK || !strings.Contains(out, "ada@example.com") || strings.Contains(errOut, "created tenant") {
		t.Errorf("the next command: exit %d %q %q; want the contact, and no new tenant", code, out, errOut)
	}
	s := openStore(t, db)
	defer s.Close()
	if ts, err := s.ListTenants(context.Background()); err != nil || len(ts) != 1 || ts[0].Name != roster.DefaultTenant {
		t.Errorf("tenants %v (%v), want only default", ts, err)
	}
}

func TestCLIMigrate(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	out := mustCLI(t, "migrate", "--db", db)
	if !strings.Contains(out, "database "+db+" is up to date") {
		t.Errorf("migrate printed %q", out)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("migrate made no database: %v", err)
	}
	// The schema is there: the store opens it and it holds no tenant.
	s := openStore(t, db)
	ts, err := s.ListTenants(context.Background())
	s.Close()
	if err != nil || len(ts) != 0 {
		t.Errorf("after migrate: tenants %v, %v", ts, err)
	}
	// Migrating again is a no-op.
	mustCLI(t, "migrate", "--db", db)

	// ROSTER_DB is the default for --db.
	db2 := tempDB(t)
	code, out, errOut := runEnv(t, map[string]string{"ROSTER_DB": db2}, "migrate")
	if code != exitOK || !strings.Contains(out, db2) {
		t.Fatalf("migrate with ROSTER_DB: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(db2); err != nil {
		t.Errorf("migrate with ROSTER_DB made no database: %v", err)
	}
	// A postgres URL with a password is printed redacted.
	if got := redact("postgres://u:secret@h/db"); strings.Contains(got, "secret") {
		t.Errorf("redact kept the password: %s", got)
	}
}

func TestCLITenants(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	out := mustCLI(t, "tenants", "list", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "ID") {
		t.Errorf("tenants list on a new database:\n%s", out)
	}
	out = mustCLI(t, "tenants", "create", "acme", "--db", db)
	if !regexp.MustCompile(`^created tenant "acme" \(id \d+\)\n$`).MatchString(out) {
		t.Errorf("tenants create printed %q", out)
	}
	mustCLI(t, "tenants", "--db", db, "create", "zeta") // flags before the subcommand too
	out = mustCLI(t, "tenants", "--db", db)             // list is the default
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		names = append(names, strings.Fields(line)[1])
	}
	if !reflect.DeepEqual(names, []string{"acme", "zeta"}) {
		t.Errorf("tenants list shows %v, want [acme zeta]:\n%s", names, out)
	}

	code, _, errOut := cli(t, "tenants", "create", "acme", "--db", db)
	if code != exitFatal || !strings.Contains(errOut, "already exists") {
		t.Errorf("a second tenant acme: exit %d %q, want 1 and 'already exists'", code, errOut)
	}
	for _, args := range [][]string{
		{"tenants", "create", "--db", db},
		{"tenants", "create", "a", "b", "--db", db},
		{"tenants", "rename", "--db", db},
	} {
		if code, _, errOut := cli(t, args...); code != exitUsage || !strings.Contains(errOut, "tenants: want") {
			t.Errorf("roster %s: exit %d %q, want 2", strings.Join(args, " "), code, errOut)
		}
	}
}

func TestCLITokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := tempDB(t)
	mustCLI(t, "tenants", "create", "default", "--db", db)
	mustCLI(t, "tenants", "create", "acme", "--db", db)

	out := mustCLI(t, "tokens", "create", "--db", db)
	secret := strings.TrimSpace(out)
	if !tokenRE.MatchString(secret) || tokenRE.FindString(secret) != secret {
		t.Fatalf("tokens create printed %q, want one roster_ token", out)
	}
	roOut := mustCLI(t, "tokens", "create", "--db", db, "--tenant", "acme", "--read-only", "--name", "dashboard")
	roSecret := strings.TrimSpace(roOut)
	if roSecret == secret {
		t.Fatal("two tokens with the same secret")
	}

	s := openStore(t, db)
	defer s.Close()
	tok, tenant, err := s.Authenticate(ctx, secret)
	if err != nil {
		t.Fatalf("the printed token does not authenticate: %v", err)
	}
	if tenant.Name != "default" || tok.ReadOnly || tok.Name != "cli" {
		t.Errorf("token %+v of tenant %q, want a writable 'cli' token of default", tok, tenant.Name)
	}
	tok, tenant, err = s.Authenticate(ctx, roSecret)
	if err != nil {
		t.Fatalf("the read-only token does not authenticate: %v", err)
	}
	if tenant.Name != "acme" || !tok.ReadOnly || tok.Name != "dashboard" {
		t.Errorf("token %+v of tenant %q, want read-only 'dashboard' of acme", tok, tenant.Name)
	}
	if _, _, err := s.Authenticate(ctx, secret+"x"); roster.ErrorCode(err) != roster.EUNAUTHORIZED {
		t.Errorf("a wrong secret authenticates: %v", err)
	}

	code, _, errOut := cli(t, "tokens", "create", "--db", db, "--tenant", "nobody")
	if code != exitFatal || !strings.Contains(errOut, `tenant "nobody" not found`) {
		t.Errorf("tokens create for a missing tenant: exit %d %q", code, errOut)
	}
	if code, _, _ := cli(t, "tokens", "--db", db); code != exitUsage {
		t.Errorf("tokens without create: exit %d, want 2", code)
	}
	if code, _, _ := cli(t, "tokens", "revoke", "--db", db); code != exitUsage {
		t.Errorf("tokens revoke: exit %d, want 2", code)
	}
}

func TestCLIFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := tempDB(t)
	mustCLI(t, "tenants", "create", "default", "--db", db)

	out := mustCLI(t, "fields", "add", "--kind", "contacts", "--name", "plan", "--label", "Plan", "--type", "dropdown", "--choices", "free,pro", "--db", db)
	if out != "added contacts field \"plan\" (dropdown)\n" {
		t.Errorf("fields add printed %q", out)
	}
	mustCLI(t, "fields", "add", "--db", db, "--kind", "companies", "--name", "seats", "--type", "number", "--required")
	mustCLI(t, "fields", "add", "--db", db, "--name", "nickname", "--max-length", "20") // contacts and text by default

	out = mustCLI(t, "fields", "list", "--kind", "contacts", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !reflect.DeepEqual(strings.Fields(lines[0]), []string{"KEY", "LABEL", "TYPE", "REQUIRED", "CHOICES"}) {
		t.Fatalf("fields list:\n%s", out)
	}
	if got := strings.Fields(lines[1]); !reflect.DeepEqual(got, []string{"plan", "Plan", "dropdown", "false", "free,pro"}) {
		t.Errorf("fields list row %q", lines[1])
	}
	if got := strings.Fields(lines[2]); !reflect.DeepEqual(got, []string{"nickname", "nickname", "text", "false"}) {
		t.Errorf("fields list row %q", lines[2])
	}
	out = mustCLI(t, "fields", "list", "--kind", "companies", "--db", db)
	if !strings.Contains(out, "seats") || strings.Contains(out, "plan") {
		t.Errorf("fields list --kind companies:\n%s", out)
	}

	s := openStore(t, db)
	tenant, err := s.FindTenant(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := s.ListFields(ctx, tenant.ID, roster.KindContacts)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 2 || defs[0].Key != "plan" || !reflect.DeepEqual(defs[0].Choices, []string{"free", "pro"}) || defs[1].MaxLength != 20 {
		t.Errorf("stored fields %+v %+v", defs[0], defs[len(defs)-1])
	}

	out = mustCLI(t, "fields", "remove", "--kind", "contacts", "--name", "plan", "--db", db)
	if out != "removed contacts field \"plan\"\n" {
		t.Errorf("fields remove printed %q", out)
	}
	if out := mustCLI(t, "fields", "list", "--db", db); strings.Contains(out, "plan") {
		t.Errorf("plan still listed after remove:\n%s", out)
	}
	code, _, errOut := cli(t, "fields", "remove", "--name", "plan", "--db", db)
	if code != exitFatal || !strings.Contains(errOut, "not found") {
		t.Errorf("removing plan twice: exit %d %q", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"fields", "add", "--name", "colour", "--type", "rgb", "--db", db}, exitFatal, "unknown field type"},
		{[]string{"fields", "add", "--name", "size", "--type", "dropdown", "--db", db}, exitFatal, "needs choices"},
		{[]string{"fields", "add", "--name", "email", "--db", db}, exitFatal, "built-in"},
		{[]string{"fields", "add", "--name", "nickname", "--db", db}, exitFatal, "already exists"},
		{[]string{"fields", "list", "--kind", "widgets", "--db", db}, exitUsage, "contacts or companies"},
		{[]string{"fields", "rename", "--db", db}, exitUsage, "want add, list or remove"},
		{[]string{"fields", "add", "--colour", "red", "--db", db}, exitUsage, "flag provided but not defined"},
	} {
		code, _, errOut := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("roster %s: exit %d %q, want %d and %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.msg)
		}
	}
}

// seedRecords stores two companies and three contacts through the store.
func seedRecords(t *testing.T, db string) (cos []*roster.Company, cts []*roster.Contact) {
	t.Helper()
	ctx := context.Background()
	s := openStore(t, db)
	defer s.Close()
	tenant, err := s.CreateTenant(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*roster.Company{
		{Name: "Initech", ExternalID: "co-1", Website: "https://initech.example", Domains: []string{"initech.example"}, Tags: []string{"software"}},
		{Name: "Initrode", Tags: []string{"hardware"}},
	} {
		if err := s.CreateCompany(ctx, tenant.ID, c); err != nil {
			t.Fatal(err)
		}
		cos = append(cos, c)
	}
	for _, c := range []*roster.Contact{
		{Name: "Peter Gibbons", Email: "peter@initech.example", Phone: "+420601123456", Tags: []string{"tps"},
			Companies: []roster.Membership{{CompanyID: cos[0].ID, ViewAllTickets: true}}},
		{Name: "Michael Bolton", Email: "michael@initech.example", ExternalID: "mb-1"},
		{Name: "Samir Nagheenanajar", Mobile: "+4915112345678", Tags: []string{"tps"}},
	} {
		if err := s.CreateContact(ctx, tenant.ID, c); err != nil {
			t.Fatal(err)
		}
		cts = append(cts, c)
	}
	return cos, cts
}

func TestCLIContacts(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	cos, cts := seedRecords(t, db)

	out := mustCLI(t, "contacts", "list", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !reflect.DeepEqual(strings.Fields(lines[0]), []string{"ID", "NAME", "EMAIL", "PHONE", "COMPANY"}) {
		t.Fatalf("contacts list:\n%s", out)
	}
	if f := strings.Fields(lines[1]); !reflect.DeepEqual(f, []string{strconv.FormatInt(cts[0].ID, 10), "Peter", "Gibbons", "peter@initech.example", "+420601123456", "Initech"}) {
		t.Errorf("contacts list row %q", lines[1])
	}
	if f := strings.Fields(lines[3]); !reflect.DeepEqual(f, []string{strconv.FormatInt(cts[2].ID, 10), "Samir", "Nagheenanajar", "+4915112345678"}) {
		t.Errorf("contacts list row (mobile as phone) %q", lines[3])
	}

	// Filters.
	for _, tc := range []struct {
		args []string
		want []int64
	}{
		{[]string{"--q", "bolton"}, []int64{cts[1].ID}},
		{[]string{"--q", "initech.example"}, []int64{cts[0].ID, cts[1].ID}},
		{[]string{"--tag", "tps"}, []int64{cts[0].ID, cts[2].ID}},
		{[]string{"--external-id", "mb-1"}, []int64{cts[1].ID}},
		{[]string{"--q", "nobody"}, nil},
	} {
		var page struct {
			Data       []*roster.Contact `json:"data"`
			NextCursor string            `json:"next_cursor"`
		}
		out := mustCLI(t, append([]string{"contacts", "list", "--json", "--db", db}, tc.args...)...)
		if err := json.Unmarshal([]byte(out), &page); err != nil {
			t.Fatalf("contacts list --json: %v\n%s", err, out)
		}
		var ids []int64
		for _, c := range page.Data {
			ids = append(ids, c.ID)
		}
		if !reflect.DeepEqual(ids, tc.want) || page.NextCursor != "" {
			t.Errorf("contacts list %v = %v (next %q), want %v", tc.args, ids, page.NextCursor, tc.want)
		}
	}

	// Pages: --limit, then --cursor from the "more:" line.
	seen := []int64{}
	args := []string{"contacts", "list", "--db", db, "--limit", "2"}
	for range 5 {
		out := mustCLI(t, args...)
		for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			if strings.HasPrefix(line, "more:") {
				continue
			}
			id, err := strconv.ParseInt(strings.Fields(line)[0], 10, 64)
			if err != nil {
				t.Fatalf("row %q", line)
			}
			seen = append(seen, id)
		}
		m := regexp.MustCompile(`(?m)^more: --cursor (\S+)$`).FindStringSubmatch(out)
		if m == nil {
			break
		}
		args = []string{"contacts", "list", "--db", db, "--limit", "2", "--cursor", m[1]}
	}
	if want := []int64{cts[0].ID, cts[1].ID, cts[2].ID}; !reflect.DeepEqual(seen, want) {
		t.Errorf("paging with --limit 2 saw %v, want %v", seen, want)
	}

	// get prints the contact as the API does.
	out = mustCLI(t, "contacts", "get", strconv.FormatInt(cts[0].ID, 10), "--db", db)
	var got roster.Contact
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("contacts get: %v\n%s", err, out)
	}
	if got.ID != cts[0].ID || got.Email != "peter@initech.example" || len(got.Companies) != 1 ||
		got.Companies[0] != (roster.Membership{CompanyID: cos[0].ID, CompanyName: "Initech", ViewAllTickets: true}) {
		t.Errorf("contacts get = %+v", got)
	}
	code, out, errOut := cli(t, "contacts", "get", "999", "--db", db)
	if code != exitFatal || out != "" || !strings.Contains(errOut, "contact 999 not found") {
		t.Errorf("contacts get 999: exit %d, stdout %q, stderr %q; want 1 and a message", code, out, errOut)
	}
	for _, args := range [][]string{
		{"contacts", "get", "abc", "--db", db},
		{"contacts", "get", "--db", db},
		{"contacts", "delete", "1", "--db", db},
		{"contacts", "list", "--limit", "many", "--db", db},
	} {
		if code, _, _ := cli(t, args...); code != exitUsage {
			t.Errorf("roster %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if code, _, errOut := cli(t, "contacts", "list", "--db", db, "--tenant", "nobody"); code != exitFatal || !strings.Contains(errOut, "not found") {
		t.Errorf("contacts list for a missing tenant: exit %d %q", code, errOut)
	}
}

func TestCLICompanies(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	cos, _ := seedRecords(t, db)

	out := mustCLI(t, "companies", "--db", db) // list is the default
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !reflect.DeepEqual(strings.Fields(lines[0]), []string{"ID", "NAME", "EXTERNAL", "ID", "WEBSITE", "DOMAINS"}) {
		t.Fatalf("companies list:\n%s", out)
	}
	if f := strings.Fields(lines[1]); !reflect.DeepEqual(f, []string{strconv.FormatInt(cos[0].ID, 10), "Initech", "co-1", "https://initech.example", "initech.example"}) {
		t.Errorf("companies list row %q", lines[1])
	}
	for _, tc := range []struct {
		args []string
		want []int64
	}{
		{[]string{"--q", "INIT"}, []int64{cos[0].ID, cos[1].ID}},
		{[]string{"--q", "rode"}, []int64{cos[1].ID}},
		{[]string{"--tag", "software"}, []int64{cos[0].ID}},
		{[]string{"--external-id", "co-1"}, []int64{cos[0].ID}},
	} {
		var page struct {
			Data []*roster.Company `json:"data"`
		}
		out := mustCLI(t, append([]string{"companies", "list", "--json", "--db", db}, tc.args...)...)
		if err := json.Unmarshal([]byte(out), &page); err != nil {
			t.Fatalf("companies list --json: %v\n%s", err, out)
		}
		var ids []int64
		for _, c := range page.Data {
			ids = append(ids, c.ID)
		}
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("companies list %v = %v, want %v", tc.args, ids, tc.want)
		}
	}
	out = mustCLI(t, "companies", "list", "--limit", "1", "--db", db)
	if !strings.Contains(out, "more: --cursor ") || strings.Contains(out, "Initrode") {
		t.Errorf("companies list --limit 1:\n%s", out)
	}

	out = mustCLI(t, "companies", "get", strconv.FormatInt(cos[1].ID, 10), "--db", db)
	var got roster.Company
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("companies get: %v\n%s", err, out)
	}
	if got.ID != cos[1].ID || got.Name != "Initrode" || !reflect.DeepEqual(got.Tags, []string{"hardware"}) {
		t.Errorf("companies get = %+v", got)
	}
	code, out, errOut := cli(t, "companies", "get", "999", "--db", db)
	if code != exitFatal || out != "" || !strings.Contains(errOut, "company 999 not found") {
		t.Errorf("companies get 999: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, _ := cli(t, "companies", "get", "x1", "--db", db); code != exitUsage {
		t.Errorf("companies get x1: exit %d, want 2", code)
	}
}

func TestCLIUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, errOut := cli(t, args...)
		if code != exitOK || !strings.Contains(errOut, "Usage: roster <command>") {
			t.Errorf("roster %s: exit %d, stderr %q", args[0], code, errOut)
		}
		for _, name := range []string{"serve", "migrate", "tenants", "tokens", "fields", "contacts", "companies"} {
			if !strings.Contains(errOut, "  "+name+" ") {
				t.Errorf("roster %s does not list %s", args[0], name)
			}
		}
		if out != "" {
			t.Errorf("roster %s wrote %q to stdout", args[0], out)
		}
	}
	if code, _, errOut := cli(t); code != exitUsage || !strings.Contains(errOut, "Usage:") {
		t.Errorf("roster without arguments: exit %d %q, want 2 and the usage", code, errOut)
	}
	code, _, errOut := cli(t, "frobnicate")
	if code != exitUsage || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("roster frobnicate: exit %d %q, want 2", code, errOut)
	}
	db := tempDB(t)
	for _, args := range [][]string{
		{"contacts", "--help"},
		{"tenants", "--help"},
		{"fields", "add", "--help"},
		{"serve", "-h"},
	} {
		code, _, errOut := cli(t, args...)
		if code != exitOK || !strings.Contains(errOut, "Usage: roster "+args[0]) {
			t.Errorf("roster %s: exit %d %q, want 0 and its usage", strings.Join(args, " "), code, errOut)
		}
	}
	for _, args := range [][]string{
		{"migrate", "--bogus"},
		{"migrate", "--db"},
		{"serve", "--addr"},
		{"contacts", "list", "--limit", "x"},
		{"tokens", "create", "--read-only=maybe", "--db", db},
	} {
		code, _, errOut := cli(t, args...)
		if code != exitUsage || !strings.Contains(errOut, "roster:") {
			t.Errorf("roster %s: exit %d %q, want 2", strings.Join(args, " "), code, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a command with bad flags opened the database")
	}
	// A database that cannot be opened is a fatal error, not a usage one.
	code, _, errOut = cli(t, "migrate", "--db", filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	if code != exitFatal || errOut == "" {
		t.Errorf("migrate on an unopenable path: exit %d %q, want 1", code, errOut)
	}
}

// --db and --tenant, which every command takes, may come before the
// command too, as many tools have them.
func TestCLIGlobalFlagsBeforeTheCommand(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "--db", db, "tenants", "create", "acme")
	in := writeTestFile(t, dir, "in.csv", []byte("name,email\nAnn,ann@x.cz\n"))
	mustCLI(t, "--db="+db, "--tenant", "acme", "import", in)
	if out := mustCLI(t, "--tenant=acme", "--db", db, "contacts", "list"); !strings.Contains(out, "ann@x.cz") {
		t.Errorf("contacts list printed %q", out)
	}
	if code, _, errOut := cli(t, "--db", db); code != exitUsage || !strings.Contains(errOut, "Usage") {
		t.Errorf("no command: exit %d, %q", code, errOut)
	}
}

// The first start's curl names the address serve listens on; one that
// listens on every interface is reached at localhost.
func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:18231": "http://127.0.0.1:18231",
		"[::]:8080":       "http://localhost:8080",
		"0.0.0.0:9000":    "http://localhost:9000",
		"[::1]:8080":      "http://[::1]:8080",
	} {
		addr, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := baseURL(addr); got != want {
			t.Errorf("baseURL(%s) = %s, want %s", in, got, want)
		}
	}
}

// Undo names what it leaves alone by the record's noun.
func TestCLIUndoNamesWhatItKeeps(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	mustCLI(t, "import", "--kind", "companies", "--db", db, writeTestFile(t, dir, "co.csv", []byte("name\nAcme\n")))
	mustCLI(t, "import", "--db", db, writeTestFile(t, dir, "people.csv", []byte("name,email,company\nAnn,ann@x.cz,Acme\n")))
	out := mustCLI(t, "undo", "1", "--db", db)
	if !strings.Contains(out, "  kept: company 1: ") {
		t.Errorf("undo said:\n%s", out)
	}
}

// The progress bar's ETA counts the seconds left, fractions included: 23
// of 100 rows in 0.24 s leave 0.8 s: about 1 s, not 0.
func TestProgressETA(t *testing.T) {
	var out bytes.Buffer
	p := &progress{w: &out, on: true, start: time.Now().Add(-240 * time.Millisecond)}
	p.update(23, 100)
	if !strings.Contains(out.String(), "ETA 1s") {
		t.Errorf("progress %q", out.String())
	}
}

// The CLI names an import option by its flag where the API says its key.
func TestFlagWords(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{roster.Errorf(roster.EINVALID, "date_format: unknown date format \"YY\"").With("field", "date_format"), `--date-format: unknown date format "YY"`},
		{roster.Errorf(roster.ETOOLARGE, "the file has 3 rows; this import allows at most 2 (max_rows)").With("max_rows", 2), "the file has 3 rows; this import allows at most 2 (--max-rows)"},
		{roster.Errorf(roster.EINVALID, "name: a profile needs a name").With("field", "name"), "name: a profile needs a name"},
		{errors.New("merge: plain"), "merge: plain"},
	} {
		if got := flagWords(tc.err); got != tc.want {
			t.Errorf("flagWords(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// With --json, an import that cannot run says why on stdout too, as the
// API's error object, for the script reading it.
func TestCLIImportJSONFatal(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	noID := filepath.Join(dir, "noid.csv")
	os.WriteFile(noID, []byte("name,job_title\nAnn,CEO\n"), 0o644)
	for _, tc := range []struct {
		args        []string
		code, field string
	}{
		{[]string{"import", "--json", filepath.Join(dir, "missing.csv")}, roster.EINVALID, ""},
		{[]string{"import", "--json", "--merge", "x", noID}, roster.EINVALID, "merge"},
		{[]string{"import", "--json", noID}, roster.EINVALID, ""},
	} {
		code, out, _ := cli(t, append(tc.args, "--db", db)...)
		var got struct{ Error roster.Error }
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitFatal || got.Error.Code != tc.code || got.Error.Message == "" {
			t.Errorf("%q: exit %d, stdout %q (%v)", tc.args, code, out, err)
			continue
		}
		if field, _ := got.Error.Details["field"].(string); field != tc.field {
			t.Errorf("%q: field %q, want %q", tc.args, field, tc.field)
		}
	}
	// Usage errors stay on stderr: the command line itself is wrong.
	if code, out, _ := cli(t, "import", "--json", "--db", db); code != exitUsage || out != "" {
		t.Errorf("usage: exit %d, stdout %q", code, out)
	}
}
