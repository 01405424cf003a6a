package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"roster"
	"roster/storetest"
)

// syncBuffer is an io.Writer the server goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var tokenRE = regexp.MustCompile(`roster_[a-z2-7]{52}`)

// apiServer is a running `roster serve` and the first-start token.
type apiServer struct {
	backend, db, base, token string
	client                   *http.Client

	mu   *sync.Mutex
	seen map[[3]string]bool // method, path, status of every response

	stdout *syncBuffer // what serve printed
}

// inTenant creates a tenant and a token for it with the CLI and returns
// the server as that tenant sees it. Tests that delete records and then
// check the id is gone use one: SQLite reuses the id of the newest row
// once it is deleted, so a parallel test of the same tenant could get it.
func (s *apiServer) inTenant(t *testing.T, name string) *apiServer {
	t.Helper()
	if code, out, errOut := cli(t, "tenants", "create", name, "--db", s.db); code != exitOK {
		t.Fatalf("tenants create %s: exit %d\n%s%s", name, code, out, errOut)
	}
	code, out, errOut := cli(t, "tokens", "create", "--tenant", name, "--db", s.db)
	if code != exitOK || tokenRE.FindString(out) == "" {
		t.Fatalf("tokens create --tenant %s: exit %d\n%s%s", name, code, out, errOut)
	}
	c := *s
	c.token = tokenRE.FindString(out)
	return &c
}

// startServe runs the real program's serve command on db until t ends,
// then stops it and checks it shut down cleanly.
func startServe(t *testing.T, backend, db string) *apiServer {
	t.Helper()
	s := startServeEnv(t, backend, db, nil)
	if !strings.Contains(s.stdout.String(), `Created tenant "default"`) {
		t.Errorf("first start does not say it created the default tenant:\n%s", s.stdout)
	}
	// The curl it suggests goes to the address it listens on.
	if want := s.base + "/api/v1/contacts"; !strings.Contains(s.stdout.String(), want) {
		t.Errorf("first start does not name %s:\n%s", want, s.stdout)
	}
	return s
}

// response is one HTTP response, read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not the JSON expected: %v\n%s", r.status, err, r.body)
	}
}

// do sends a request with token (none if ""). body may be nil, a string
// (sent as is) or a value to encode as JSON.
func (s *apiServer) do(t *testing.T, token, method, path string, body any) *response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	s.mu.Lock()
	s.seen[[3]string{method, req.URL.Path, strconv.Itoa(res.StatusCode)}] = true
	s.mu.Unlock()
	return &response{status: res.StatusCode, header: res.Header, body: data}
}

// call sends a request with the first-start token and wants status.
func (s *apiServer) call(t *testing.T, method, path string, body any, status int) *response {
	t.Helper()
	return s.callAs(t, s.token, method, path, body, status)
}

func (s *apiServer) callAs(t *testing.T, token, method, path string, body any, status int) *response {
	t.Helper()
	r := s.do(t, token, method, path, body)
	if r.status != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", method, path, r.status, status, r.body)
	}
	return r
}

// apiError is the body of every error response.
type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// wantError checks an error response: its status, code and (if not "") details.field.
func wantError(t *testing.T, r *response, status int, code, field string) apiError {
	t.Helper()
	var e apiError
	if r.status != status {
		t.Fatalf("status %d, want %d (%s)\n%s", r.status, status, code, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want JSON", ct)
	}
	r.decode(t, &e)
	if e.Error.Code != code {
		t.Errorf("error code %q, want %q: %s", e.Error.Code, code, r.body)
	}
	if e.Error.Message == "" {
		t.Errorf("error without a message: %s", r.body)
	}
	if field != "" && e.Error.Details["field"] != field {
		t.Errorf("error details.field = %v, want %q: %s", e.Error.Details["field"], field, r.body)
	}
	return e
}

func (s *apiServer) createContact(t *testing.T, c any) *roster.Contact {
	t.Helper()
	var out roster.Contact
	s.call(t, "POST", "/api/v1/contacts", c, http.StatusCreated).decode(t, &out)
	if out.ID <= 0 {
		t.Fatalf("created contact has id %d", out.ID)
	}
	return &out
}

func (s *apiServer) createCompany(t *testing.T, c any) *roster.Company {
	t.Helper()
	var out roster.Company
	s.call(t, "POST", "/api/v1/companies", c, http.StatusCreated).decode(t, &out)
	if out.ID <= 0 {
		t.Fatalf("created company has id %d", out.ID)
	}
	return &out
}

func (s *apiServer) getContact(t *testing.T, id int64) *roster.Contact {
	t.Helper()
	var out roster.Contact
	s.call(t, "GET", fmt.Sprintf("/api/v1/contacts/%d", id), nil, http.StatusOK).decode(t, &out)
	return &out
}

// listIDs lists every page of path?query with the given token, checking
// that pages hold at most limit records, ids ascend and next_cursor stops.
func (s *apiServer) listIDs(t *testing.T, token, path string, q url.Values, limit int) []int64 {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	q = cloneValues(q)
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var ids []int64
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("%s: more than 100 pages; does next_cursor advance?", path)
		}
		var page struct {
			Data []struct {
				ID int64 `json:"id"`
			} `json:"data"`
			NextCursor *string `json:"next_cursor"`
		}
		s.callAs(t, token, "GET", path+"?"+q.Encode(), nil, http.StatusOK).decode(t, &page)
		if page.Data == nil {
			t.Fatalf("%s: data is null or missing, want a list", path)
		}
		if limit > 0 && len(page.Data) > limit {
			t.Fatalf("%s: page of %d records with limit %d", path, len(page.Data), limit)
		}
		for _, d := range page.Data {
			if len(ids) > 0 && d.ID <= ids[len(ids)-1] {
				t.Fatalf("%s: id %d after %d: not in id order or repeated", path, d.ID, ids[len(ids)-1])
			}
			ids = append(ids, d.ID)
		}
		if page.NextCursor == nil {
			return ids
		}
		if *page.NextCursor == "" {
			t.Fatalf("%s: next_cursor is present but empty", path)
		}
		if len(page.Data) != limit && limit > 0 {
			t.Fatalf("%s: a page of %d records (limit %d) that is not the last", path, len(page.Data), limit)
		}
		q.Set("cursor", *page.NextCursor)
	}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// cli runs the program with args and returns its exit code and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), stdout, stderr
	m.Getenv = func(string) string { return "" }
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// checkDocumented fails for any response whose status the served OpenAPI
// document does not list for that operation.
func (s *apiServer) checkDocumented(t *testing.T) {
	res, err := s.client.Get(s.base + "/api/v1/openapi.json")
	if err != nil {
		t.Errorf("GET /api/v1/openapi.json: %v", err)
		return
	}
	defer res.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Errorf("the OpenAPI document: %v", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.seen {
		method, path, status := k[0], k[1], k[2]
		for tmpl, item := range doc.Paths {
			if !matchTemplate(tmpl, path) {
				continue
			}
			raw, ok := item[strings.ToLower(method)]
			if !ok {
				continue // not a documented operation (unknown endpoint tests)
			}
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Errorf("%s %s: %v", method, tmpl, err)
				continue
			}
			if _, ok := op.Responses[status]; !ok {
				t.Errorf("%s %s answered %s, which the OpenAPI document does not list for %s %s", method, path, status, method, tmpl)
			}
		}
	}
}

func matchTemplate(tmpl, path string) bool {
	a, b := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.HasPrefix(a[i], "{") && a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAPI(t *testing.T) {
	t.Parallel()
	for _, backend := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "roster.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresSchema(t) }},
	} {
		t.Run(backend.name, func(t *testing.T) {
			t.Parallel()
			s := startServe(t, backend.name, backend.db(t))
			for _, tc := range []struct {
				name string
				run  func(t *testing.T, s *apiServer)
			}{
				{"Health", testHealth},
				{"ContactCRUD", testContactCRUD},
				{"CompanyCRUD", testCompanyCRUD},
				{"Pagination", testPagination},
				{"ContactFilters", testContactFilters},
				{"CompanyFilters", testCompanyFilters},
				{"TagFilterIgnoresCase", testTagFilterIgnoresCase},
				{"CustomFields", testCustomFields},
				{"Validation", testValidation},
				{"Conflicts", testConflicts},
				{"Auth", testAuth},
				{"CrossTenant", testCrossTenant},
				{"BadRequests", testBadRequests},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, s)
				})
			}
		})
	}
}

func testHealth(t *testing.T, s *apiServer) {
	r := s.do(t, "", "GET", "/healthz", nil)
	if r.status != http.StatusOK || string(r.body) != "ok\n" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\\n\"", r.status, r.body)
	}
	r = s.do(t, "", "GET", "/api/v1/openapi.json", nil)
	var doc map[string]any
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json without a token: %d", r.status)
	}
	r.decode(t, &doc)
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
}

func testContactCRUD(t *testing.T, s *apiServer) {
	s = s.inTenant(t, "contact-crud")
	acme := s.createCompany(t, map[string]any{"name": "CRUD Acme"})
	globex := s.createCompany(t, map[string]any{"name": "CRUD Globex"})

	created := s.createContact(t, map[string]any{
		"first_name": " Ann ", "last_name": "Archer",
		"email": "Ann.Archer@CRUD.example", "other_emails": []string{"ann@home.crud.example"},
		"phone": "+44 20 7946 0958", "mobile": "0049 1511 2345678",
		"job_title": "Engineer", "tags": []string{"vip", "VIP", " beta "},
		"companies": []map[string]any{
			{"company_id": globex.ID, "view_all_tickets": true},
			{"company_id": acme.ID},
		},
	})
	if created.Name != "Ann Archer" {
		t.Errorf("name = %q, want it derived from first and last name", created.Name)
	}
	if created.Email != "ann.archer@crud.example" {
		t.Errorf("email = %q, want it lower-cased", created.Email)
	}
	if created.Phone != "+442079460958" || created.Mobile != "+4915112345678" {
		t.Errorf("phone, mobile = %q, %q; want E.164", created.Phone, created.Mobile)
	}
	if created.Role != roster.RoleCustomer {
		t.Errorf("role = %q, want the default customer", created.Role)
	}
	if !reflect.DeepEqual(created.Tags, []string{"vip", "beta"}) {
		t.Errorf("tags = %q, want [vip beta]", created.Tags)
	}
	wantMs := []roster.Membership{
		{CompanyID: globex.ID, CompanyName: "CRUD Globex", ViewAllTickets: true},
		{CompanyID: acme.ID, CompanyName: "CRUD Acme"},
	}
	if !reflect.DeepEqual(created.Companies, wantMs) {
		t.Errorf("companies = %+v, want %+v", created.Companies, wantMs)
	}
	if created.CreatedAt.IsZero() || !created.UpdatedAt.Equal(created.CreatedAt) {
		t.Errorf("created_at %v, updated_at %v", created.CreatedAt, created.UpdatedAt)
	}

	path := fmt.Sprintf("/api/v1/contacts/%d", created.ID)
	got := s.getContact(t, created.ID)
	if !reflect.DeepEqual(got, created) {
		t.Errorf("GET returns\n%+v\nPOST returned\n%+v", got, created)
	}
	var raw map[string]any
	s.call(t, "GET", path, nil, http.StatusOK).decode(t, &raw)
	for _, k := range []string{"id", "name", "other_emails", "role", "tags", "companies", "custom_fields", "created_at", "updated_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("GET contact has no %q: %v", k, raw)
		}
	}
	if ms, _ := raw["companies"].([]any); len(ms) != 2 || ms[0].(map[string]any)["company_name"] != "CRUD Globex" {
		t.Errorf("companies on read = %v, want company_name filled in order", raw["companies"])
	}

	// PATCH merges: only the fields sent change; lists are replaced whole.
	// The first membership now names acme without view_all_tickets: it must
	// not inherit globex's true from the same position.
	var patched roster.Contact
	s.call(t, "PATCH", path, map[string]any{
		"job_title": "CTO",
		"companies": []map[string]any{{"company_id": acme.ID}},
	}, http.StatusOK).decode(t, &patched)
	want := *created
	want.JobTitle = "CTO"
	want.Companies = []roster.Membership{{CompanyID: acme.ID, CompanyName: "CRUD Acme"}}
	want.UpdatedAt = patched.UpdatedAt
	if !reflect.DeepEqual(&patched, &want) {
		t.Errorf("PATCH returned\n%+v\nwant\n%+v", patched, want)
	}
	if patched.UpdatedAt.Before(created.UpdatedAt) || !patched.CreatedAt.Equal(created.CreatedAt) {
		t.Errorf("after PATCH created_at %v updated_at %v (before: %v, %v)", patched.CreatedAt, patched.UpdatedAt, created.CreatedAt, created.UpdatedAt)
	}
	if got := s.getContact(t, created.ID); !reflect.DeepEqual(got, &patched) {
		t.Errorf("GET after PATCH\n%+v\nwant\n%+v", got, patched)
	}
	// An empty list clears, a new email replaces, and the old one is free again.
	s.call(t, "PATCH", path, map[string]any{"companies": []any{}, "other_emails": []string{}, "email": "ann2@crud.example"}, http.StatusOK)
	got = s.getContact(t, created.ID)
	if len(got.Companies) != 0 || len(got.OtherEmails) != 0 || got.Email != "ann2@crud.example" || got.JobTitle != "CTO" {
		t.Errorf("after the second PATCH: %+v", got)
	}
	s.createContact(t, map[string]any{"name": "Ann's successor", "email": "ann.archer@crud.example"})

	// DELETE answers 204 with no body; the contact is gone.
	r := s.call(t, "DELETE", path, nil, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("DELETE body = %q, want none", r.body)
	}
	wantError(t, s.do(t, s.token, "GET", path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "PATCH", path, map[string]any{"job_title": "x"}), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "DELETE", path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
}

func testCompanyCRUD(t *testing.T, s *apiServer) {
	s = s.inTenant(t, "company-crud")
	co := s.createCompany(t, map[string]any{
		"name": "  Umbrella Corp  ", "external_id": "umb-1", "domains": []string{"Umbrella.example", "umbrella.example", "umb.example"},
		"website": "https://umbrella.example", "phone": "+1 202 555 0143", "industry": "Pharma", "tags": []string{"evil"},
	})
	if co.Name != "Umbrella Corp" || co.Phone != "+12025550143" || !reflect.DeepEqual(co.Domains, []string{"umbrella.example", "umb.example"}) {
		t.Errorf("created company %+v: want a trimmed name, an E.164 phone and de-duplicated lower-case domains", co)
	}
	path := fmt.Sprintf("/api/v1/companies/%d", co.ID)
	var got roster.Company
	s.call(t, "GET", path, nil, http.StatusOK).decode(t, &got)
	if !reflect.DeepEqual(&got, co) {
		t.Errorf("GET returns\n%+v\nPOST returned\n%+v", got, co)
	}

	var patched roster.Company
	s.call(t, "PATCH", path, map[string]any{"industry": "Biotech", "tags": []string{"evil", "global"}}, http.StatusOK).decode(t, &patched)
	want := *co
	want.Industry, want.Tags, want.UpdatedAt = "Biotech", []string{"evil", "global"}, patched.UpdatedAt
	if !reflect.DeepEqual(&patched, &want) {
		t.Errorf("PATCH returned\n%+v\nwant\n%+v", patched, want)
	}
	got = roster.Company{}
	s.call(t, "GET", path, nil, http.StatusOK).decode(t, &got)
	if !reflect.DeepEqual(&got, &patched) {
		t.Errorf("GET after PATCH\n%+v\nwant\n%+v", got, patched)
	}

	// Deleting a company drops its memberships; its contacts stay.
	member := s.createContact(t, map[string]any{"name": "Albert Wesker", "email": "wesker@umbrella.example",
		"companies": []map[string]any{{"company_id": co.ID, "view_all_tickets": true}}})
	if len(member.Companies) != 1 || member.Companies[0].CompanyName != "Umbrella Corp" {
		t.Fatalf("membership = %+v", member.Companies)
	}
	if r := s.call(t, "DELETE", path, nil, http.StatusNoContent); len(r.body) != 0 {
		t.Errorf("DELETE body = %q, want none", r.body)
	}
	wantError(t, s.do(t, s.token, "GET", path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "DELETE", path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "PATCH", path, map[string]any{"industry": "x"}), http.StatusNotFound, roster.ENOTFOUND, "")
	if got := s.getContact(t, member.ID); len(got.Companies) != 0 {
		t.Errorf("contact of a deleted company still has memberships %+v", got.Companies)
	}
	// The name is free again.
	s.createCompany(t, map[string]any{"name": "umbrella corp"})
}

func testPagination(t *testing.T, s *apiServer) {
	var contacts, companies []int64
	for i := range 7 {
		c := s.createContact(t, map[string]any{"name": fmt.Sprintf("Page %d", i), "email": fmt.Sprintf("page%d@pages.example", i), "tags": []string{"paged"}})
		contacts = append(contacts, c.ID)
		co := s.createCompany(t, map[string]any{"name": fmt.Sprintf("Pages %d Ltd", i), "tags": []string{"paged"}})
		companies = append(companies, co.ID)
	}
	for _, limit := range []int{1, 2, 3, 7, 50} {
		if got := s.listIDs(t, s.token, "/api/v1/contacts", url.Values{"tag": {"paged"}}, limit); !reflect.DeepEqual(got, contacts) {
			t.Errorf("contacts with limit %d: visited %v, want each of %v once", limit, got, contacts)
		}
		if got := s.listIDs(t, s.token, "/api/v1/companies", url.Values{"tag": {"paged"}}, limit); !reflect.DeepEqual(got, companies) {
			t.Errorf("companies with limit %d: visited %v, want each of %v once", limit, got, companies)
		}
	}
	// Without a filter every record is visited too, ours among them.
	all := s.listIDs(t, s.token, "/api/v1/contacts", nil, 4)
	for _, id := range contacts {
		if !slices.Contains(all, id) {
			t.Errorf("contact %d missing from the unfiltered list", id)
		}
	}
	// The exact page shape: 7 records by 3 are pages of 3, 3 and 1.
	var page struct {
		Data       []json.RawMessage `json:"data"`
		NextCursor string            `json:"next_cursor"`
	}
	s.call(t, "GET", "/api/v1/contacts?tag=paged&limit=3", nil, http.StatusOK).decode(t, &page)
	if len(page.Data) != 3 || page.NextCursor == "" {
		t.Errorf("first page: %d records, next_cursor %q", len(page.Data), page.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=ten", "cursor=garbage"} {
		wantError(t, s.do(t, s.token, "GET", "/api/v1/contacts?"+q, nil), http.StatusBadRequest, roster.EINVALID, "")
		wantError(t, s.do(t, s.token, "GET", "/api/v1/companies?"+q, nil), http.StatusBadRequest, roster.EINVALID, "")
	}
}

func idsOf(t *testing.T, s *apiServer, path string, q url.Values) []int64 {
	t.Helper()
	return s.listIDs(t, s.token, path, q, 0)
}

func testContactFilters(t *testing.T, s *apiServer) {
	co := s.createCompany(t, map[string]any{"name": "Filter Works"})
	a := s.createContact(t, map[string]any{
		"name": "Zebulon Filterman", "email": "zeb@filter.example", "other_emails": []string{"Zeb.Other@Filter.example"},
		"phone": "+420 601 123 456", "external_id": "flt-a",
	})
	b := s.createContact(t, map[string]any{
		"name": "Yolanda Filterwoman", "email": "yolanda@filter.example", "mobile": "+420601123457",
		"tags": []string{"Filtered"}, "username": "yolanda.f",
		"companies": []map[string]any{{"company_id": co.ID}},
	})
	c := s.createContact(t, map[string]any{"name": "Xavier Filterless", "email": "xavier@filter.example"})
	d := s.createContact(t, map[string]any{"name": "Wim Filterbücher", "email": "Wim@XN--FILTERBCHER-ZHB.example"})
	if got := s.getContact(t, d.ID); got.Email != "wim@filterbücher.example" {
		t.Errorf("email given in punycode stored as %q, want its domain in Unicode", got.Email)
	}
	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"q=filterman", []int64{a.ID}},
		{"q=FILTER", []int64{a.ID, b.ID, c.ID, d.ID}},
		{"q=zeb.other", []int64{a.ID}}, // an other email is searched too
		{"q=nobody-by-that-name", nil},
		{"email=zeb.other@filter.example", []int64{a.ID}},
		{"email=ZEB@FILTER.EXAMPLE", []int64{a.ID}},
		{"email=zeb@filter", nil},
		{"email=wim@xn--filterbcher-zhb.example", []int64{d.ID}},
		{"email=" + url.QueryEscape("WIM@FILTERBÜCHER.EXAMPLE"), []int64{d.ID}},
		{"phone=" + url.QueryEscape("+420 601 123 456"), []int64{a.ID}},
		{"phone=00420601123456", []int64{a.ID}},
		{"phone=" + url.QueryEscape("+420601123457"), []int64{b.ID}}, // the mobile
		{"phone=" + url.QueryEscape("+420 601 123 458"), nil},
		{"tag=Filtered", []int64{b.ID}},
		{"tag=filter", nil},
		{"company_id=" + strconv.FormatInt(co.ID, 10), []int64{b.ID}},
		{"external_id=flt-a", []int64{a.ID}},
		{"external_id=flt", nil},
		{"username=yolanda.f", []int64{b.ID}},
		{"username=yolanda", nil},
		{"q=filter&tag=Filtered", []int64{b.ID}},
		{"q=zebulon&tag=filtered", nil},
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(t, s, "/api/v1/contacts", q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("GET /api/v1/contacts?%s = %v, want %v", tc.query, got, tc.want)
		}
	}
	wantError(t, s.do(t, s.token, "GET", "/api/v1/contacts?company_id=abc", nil), http.StatusBadRequest, roster.EINVALID, "")
	wantError(t, s.do(t, s.token, "GET", "/api/v1/contacts?phone=12", nil), http.StatusBadRequest, roster.EINVALID, "phone")
}

func testCompanyFilters(t *testing.T, s *apiServer) {
	a := s.createCompany(t, map[string]any{"name": "Sirius Cybernetics", "external_id": "cf-1", "tags": []string{"galactic"}})
	b := s.createCompany(t, map[string]any{"name": "Sirius Publishing"})
	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"q=sirius", []int64{a.ID, b.ID}},
		{"q=CYBER", []int64{a.ID}},
		{"name=sirius publishing", []int64{b.ID}},
		{"name=sirius", nil},
		{"tag=galactic", []int64{a.ID}},
		{"external_id=cf-1", []int64{a.ID}},
		{"external_id=cf-2", nil},
	} {
		q, _ := url.ParseQuery(tc.query)
		if got := idsOf(t, s, "/api/v1/companies", q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("GET /api/v1/companies?%s = %v, want %v", tc.query, got, tc.want)
		}
	}
}

// testTagFilterIgnoresCase: tags are de-duplicated case-insensitively
// (roster.NormalizeTags), so the tag filter should find them in any case.
func testTagFilterIgnoresCase(t *testing.T, s *apiServer) {
	c := s.createContact(t, map[string]any{"name": "Tag Case", "email": "tag@case.example", "tags": []string{"MixedCase"}})
	co := s.createCompany(t, map[string]any{"name": "Tag Case Co", "tags": []string{"MixedCase"}})
	for _, tag := range []string{"MixedCase", "mixedcase", "MIXEDCASE"} {
		if ids := idsOf(t, s, "/api/v1/contacts", url.Values{"tag": {tag}}); !reflect.DeepEqual(ids, []int64{c.ID}) {
			t.Errorf("contacts?tag=%s = %v, want [%d]", tag, ids, c.ID)
		}
		if ids := idsOf(t, s, "/api/v1/companies", url.Values{"tag": {tag}}); !reflect.DeepEqual(ids, []int64{co.ID}) {
			t.Errorf("companies?tag=%s = %v, want [%d]", tag, ids, co.ID)
		}
	}
}

func testCustomFields(t *testing.T, s *apiServer) {
	defs := []map[string]any{
		{"key": "cf_text", "type": "text", "max_length": 5},
		{"key": "cf_para", "type": "paragraph"},
		{"key": "cf_number", "label": "Seats", "type": "number"},
		{"key": "cf_decimal", "type": "decimal"},
		{"key": "cf_date", "type": "date"},
		{"key": "cf_plan", "label": "Plan", "type": "dropdown", "choices": []string{"Free", "Pro"}},
		{"key": "cf_check", "type": "checkbox"},
		{"key": "cf_tags", "type": "tags"},
		{"key": "cf_url", "type": "url"},
		{"key": "cf_email", "type": "email"},
		{"key": "cf_phone", "type": "phone"},
	}
	for _, d := range defs {
		var f roster.FieldDef
		s.call(t, "POST", "/api/v1/fields/contacts", d, http.StatusCreated).decode(t, &f)
		if f.ID <= 0 || f.Kind != roster.KindContacts || f.Key != d["key"] || string(f.Type) != d["type"] {
			t.Errorf("created field %+v from %v", f, d)
		}
		if d["label"] == nil && f.Label != f.Key {
			t.Errorf("field %s: label %q, want the key", f.Key, f.Label)
		}
	}
	var list struct {
		Data []roster.FieldDef `json:"data"`
	}
	s.call(t, "GET", "/api/v1/fields/contacts", nil, http.StatusOK).decode(t, &list)
	byKey := map[string]roster.FieldDef{}
	for _, f := range list.Data {
		byKey[f.Key] = f
	}
	if len(byKey) != len(defs) {
		t.Errorf("GET /api/v1/fields/contacts lists %d fields, want %d", len(byKey), len(defs))
	}
	if f := byKey["cf_plan"]; f.Label != "Plan" || !reflect.DeepEqual(f.Choices, []string{"Free", "Pro"}) {
		t.Errorf("cf_plan = %+v", f)
	}
	if byKey["cf_text"].MaxLength != 5 || byKey["cf_number"].MaxLength != roster.DefaultMaxLength || byKey["cf_para"].MaxLength != roster.MaxParagraph {
		t.Errorf("max lengths: %d %d %d", byKey["cf_text"].MaxLength, byKey["cf_number"].MaxLength, byKey["cf_para"].MaxLength)
	}
	var companyFields struct {
		Data []roster.FieldDef `json:"data"`
	}
	s.call(t, "GET", "/api/v1/fields/companies", nil, http.StatusOK).decode(t, &companyFields)
	for _, f := range companyFields.Data {
		if strings.HasPrefix(f.Key, "cf_") {
			t.Errorf("contact field %q listed for companies", f.Key)
		}
	}

	// Field definition errors.
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", map[string]any{"key": "cf_plan", "type": "text"}), http.StatusConflict, roster.ECONFLICT, "key")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", map[string]any{"key": "Plan", "type": "text"}), http.StatusBadRequest, roster.EINVALID, "key")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", map[string]any{"key": "email", "type": "text"}), http.StatusBadRequest, roster.EINVALID, "key")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", map[string]any{"key": "cf_x", "type": "colour"}), http.StatusBadRequest, roster.EINVALID, "type")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", map[string]any{"key": "cf_x", "type": "dropdown"}), http.StatusBadRequest, roster.EINVALID, "choices")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", map[string]any{"key": "cf_x", "type": "text", "choices": []string{"a"}}), http.StatusBadRequest, roster.EINVALID, "choices")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/widgets", map[string]any{"key": "cf_x", "type": "text"}), http.StatusBadRequest, roster.EINVALID, "")
	wantError(t, s.do(t, s.token, "GET", "/api/v1/fields/widgets", nil), http.StatusBadRequest, roster.EINVALID, "")

	// Valid values, stored in canonical form.
	c := s.createContact(t, map[string]any{"name": "Custom Carl", "email": "carl@custom.example", "custom_fields": map[string]any{
		"cf_text": " abc ", "cf_para": "long\ntext", "cf_number": 42, "cf_decimal": 2.5, "cf_date": "2024-02-29",
		"cf_plan": "pro", "cf_check": true, "cf_tags": []string{"a", "A", "b"}, "cf_url": "https://carl.example/x",
		"cf_email": "Carl@Work.example", "cf_phone": "+4915112345678",
	}})
	want := map[string]any{
		"cf_text": "abc", "cf_para": "long\ntext", "cf_number": 42.0, "cf_decimal": 2.5, "cf_date": "2024-02-29",
		"cf_plan": "Pro", "cf_check": true, "cf_tags": []any{"a", "b"}, "cf_url": "https://carl.example/x",
		"cf_email": "carl@work.example", "cf_phone": "+4915112345678",
	}
	if !reflect.DeepEqual(c.Custom, want) {
		t.Errorf("custom_fields on create = %v\nwant %v", c.Custom, want)
	}
	if got := s.getContact(t, c.ID); !reflect.DeepEqual(got.Custom, want) {
		t.Errorf("custom_fields on read = %v\nwant %v", got.Custom, want)
	}

	// Invalid values, one per type: 400 naming the field.
	path := fmt.Sprintf("/api/v1/contacts/%d", c.ID)
	for key, bad := range map[string]any{
		"cf_text": "toolong", "cf_number": 1.5, "cf_decimal": "many", "cf_date": "2023-02-29",
		"cf_plan": "Enterprise", "cf_check": "yes", "cf_tags": "a,b", "cf_url": "ftp://carl.example",
		"cf_email": "carl-at-work", "cf_phone": "0601 123 456", "cf_unknown": "x",
	} {
		body := map[string]any{"name": "Bad " + key, "email": key + "@custom.example", "custom_fields": map[string]any{key: bad}}
		wantError(t, s.do(t, s.token, "POST", "/api/v1/contacts", body), http.StatusBadRequest, roster.EINVALID, key)
		wantError(t, s.do(t, s.token, "PATCH", path, map[string]any{"custom_fields": map[string]any{key: bad}}), http.StatusBadRequest, roster.EINVALID, key)
	}
	// The failed PATCHes changed nothing.
	if got := s.getContact(t, c.ID); !reflect.DeepEqual(got.Custom, want) {
		t.Errorf("custom_fields after refused PATCHes = %v\nwant %v", got.Custom, want)
	}

	// PATCH merges custom_fields key by key; null removes one.
	var patched roster.Contact
	s.call(t, "PATCH", path, map[string]any{"custom_fields": map[string]any{"cf_plan": nil, "cf_number": 7}}, http.StatusOK).decode(t, &patched)
	delete(want, "cf_plan")
	want["cf_number"] = 7.0
	if !reflect.DeepEqual(patched.Custom, want) {
		t.Errorf("custom_fields after merge PATCH = %v\nwant %v", patched.Custom, want)
	}

	// Removing a field removes its values.
	s.call(t, "DELETE", "/api/v1/fields/contacts/cf_number", nil, http.StatusNoContent)
	wantError(t, s.do(t, s.token, "DELETE", "/api/v1/fields/contacts/cf_number", nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "DELETE", "/api/v1/fields/widgets/cf_number", nil), http.StatusBadRequest, roster.EINVALID, "")
	delete(want, "cf_number")
	if got := s.getContact(t, c.ID); !reflect.DeepEqual(got.Custom, want) {
		t.Errorf("custom_fields after removing cf_number = %v\nwant %v", got.Custom, want)
	}
	wantError(t, s.do(t, s.token, "PATCH", path, map[string]any{"custom_fields": map[string]any{"cf_number": 1}}), http.StatusBadRequest, roster.EINVALID, "cf_number")

	// Company fields work the same way.
	s.call(t, "POST", "/api/v1/fields/companies", map[string]any{"key": "cf_tier", "type": "number"}, http.StatusCreated)
	co := s.createCompany(t, map[string]any{"name": "Custom Co", "custom_fields": map[string]any{"cf_tier": "3"}})
	if co.Custom["cf_tier"] != 3.0 {
		t.Errorf("company custom_fields = %v", co.Custom)
	}
	wantError(t, s.do(t, s.token, "POST", "/api/v1/companies", map[string]any{"name": "Custom Co 2", "custom_fields": map[string]any{"cf_tier": "three"}}),
		http.StatusBadRequest, roster.EINVALID, "cf_tier")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/companies", map[string]any{"name": "Custom Co 3", "custom_fields": map[string]any{"cf_plan": "Pro"}}),
		http.StatusBadRequest, roster.EINVALID, "cf_plan")
}

func testValidation(t *testing.T, s *apiServer) {
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]any{}, "name"},
		{map[string]any{"name": "No Way To Reach"}, "email"},
		{map[string]any{"name": "V", "email": "not-an-email"}, "email"},
		{map[string]any{"name": "V", "email": "v@valid.example", "other_emails": []string{"nope@"}}, "other_emails"},
		{map[string]any{"name": "V", "phone": "12"}, "phone"},
		{map[string]any{"name": "V", "mobile": "+999 1"}, "mobile"},
		{map[string]any{"name": "V", "email": "v@valid.example", "role": "boss"}, "role"},
		{map[string]any{"name": strings.Repeat("n", 256), "email": "v@valid.example"}, "name"},
		{map[string]any{"name": "V", "email": "v@valid.example", "companies": []map[string]any{{"company_id": 999999999}}}, "companies"},
		{map[string]any{"name": "V", "email": "v@valid.example", "companies": []map[string]any{{"view_all_tickets": true}}}, "companies"},
		{map[string]any{"name": "V", "email": "v0@valid.example", "other_emails": []string{
			"v1@valid.example", "v2@valid.example", "v3@valid.example", "v4@valid.example", "v5@valid.example",
			"v6@valid.example", "v7@valid.example", "v8@valid.example", "v9@valid.example", "v10@valid.example"}}, "other_emails"},
	} {
		wantError(t, s.do(t, s.token, "POST", "/api/v1/contacts", tc.body), http.StatusBadRequest, roster.EINVALID, tc.field)
	}
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]any{"industry": "No name"}, "name"},
		{map[string]any{"name": "V Co", "website": "ftp://v.example"}, "website"},
		{map[string]any{"name": "V Co", "phone": "555"}, "phone"},
		{map[string]any{"name": "V Co", "domains": []string{"not a domain"}}, "domains"},
	} {
		wantError(t, s.do(t, s.token, "POST", "/api/v1/companies", tc.body), http.StatusBadRequest, roster.EINVALID, tc.field)
	}
	// A refused PATCH leaves the record as it was.
	c := s.createContact(t, map[string]any{"name": "Valid Val", "email": "val@valid.example"})
	path := fmt.Sprintf("/api/v1/contacts/%d", c.ID)
	wantError(t, s.do(t, s.token, "PATCH", path, map[string]any{"email": "", "name": "Changed"}), http.StatusBadRequest, roster.EINVALID, "email")
	wantError(t, s.do(t, s.token, "PATCH", path, map[string]any{"role": "boss"}), http.StatusBadRequest, roster.EINVALID, "role")
	if got := s.getContact(t, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("after refused PATCHes\n%+v\nwant\n%+v", got, c)
	}
	// Nothing was created by the refused requests.
	if ids := idsOf(t, s, "/api/v1/contacts", url.Values{"q": {"valid.example"}}); !reflect.DeepEqual(ids, []int64{c.ID}) {
		t.Errorf("contacts matching valid.example: %v, want only %d", ids, c.ID)
	}
}

func testConflicts(t *testing.T, s *apiServer) {
	a := s.createContact(t, map[string]any{"name": "Conflict A", "email": "a@conflict.example",
		"other_emails": []string{"a.other@conflict.example", "jan@xn--konflikt-mller-psb.example"}, "external_id": "cx-a", "username": "conflict.a"})
	b := s.createContact(t, map[string]any{"name": "Conflict B", "email": "b@conflict.example"})
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "C", "email": "a@conflict.example"}, "email"},
		{map[string]any{"name": "C", "email": "A.Other@Conflict.example"}, "email"}, // primary vs other, any case
		{map[string]any{"name": "C", "email": "c@conflict.example", "other_emails": []string{"a@conflict.example"}}, "email"},
		{map[string]any{"name": "C", "email": "JAN@KONFLIKT-MÜLLER.example"}, "email"},                         // A gave it in punycode
		{map[string]any{"name": "C", "other_emails": []string{"jan@xn--konflikt-mller-psb.example"}}, "email"}, // as A gave it
		{map[string]any{"name": "C", "email": "c@conflict.example", "external_id": "cx-a"}, "external_id"},
		{map[string]any{"name": "C", "email": "c@conflict.example", "username": "conflict.a"}, "username"},
	} {
		e := wantError(t, s.do(t, s.token, "POST", "/api/v1/contacts", tc.body), http.StatusConflict, roster.ECONFLICT, tc.field)
		if tc.field == "email" && e.Error.Details["contact_id"] != float64(a.ID) {
			t.Errorf("email conflict names contact %v, want %d", e.Error.Details["contact_id"], a.ID)
		}
	}
	pathB := fmt.Sprintf("/api/v1/contacts/%d", b.ID)
	wantError(t, s.do(t, s.token, "PATCH", pathB, map[string]any{"other_emails": []string{"a.other@conflict.example"}}), http.StatusConflict, roster.ECONFLICT, "email")
	wantError(t, s.do(t, s.token, "PATCH", pathB, map[string]any{"external_id": "cx-a"}), http.StatusConflict, roster.ECONFLICT, "external_id")
	// A contact keeps its own emails when it is updated.
	s.call(t, "PATCH", fmt.Sprintf("/api/v1/contacts/%d", a.ID), map[string]any{"email": "a.other@conflict.example", "other_emails": []string{"a@conflict.example"}}, http.StatusOK)
	if got := s.getContact(t, a.ID); got.Email != "a.other@conflict.example" || !reflect.DeepEqual(got.OtherEmails, []string{"a@conflict.example"}) {
		t.Errorf("swapped emails: %q %q", got.Email, got.OtherEmails)
	}

	co := s.createCompany(t, map[string]any{"name": "Conflict Corp", "external_id": "cc-1"})
	wantError(t, s.do(t, s.token, "POST", "/api/v1/companies", map[string]any{"name": "  CONFLICT corp "}), http.StatusConflict, roster.ECONFLICT, "name")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/companies", map[string]any{"name": "Other Corp", "external_id": "cc-1"}), http.StatusConflict, roster.ECONFLICT, "external_id")
	other := s.createCompany(t, map[string]any{"name": "Conflict Corp 2"})
	wantError(t, s.do(t, s.token, "PATCH", fmt.Sprintf("/api/v1/companies/%d", other.ID), map[string]any{"name": "conflict CORP"}), http.StatusConflict, roster.ECONFLICT, "name")
	// Renaming a company to a new spelling of its own name is no conflict.
	s.call(t, "PATCH", fmt.Sprintf("/api/v1/companies/%d", co.ID), map[string]any{"name": "CONFLICT CORP"}, http.StatusOK)
}

func testAuth(t *testing.T, s *apiServer) {
	c := s.createContact(t, map[string]any{"name": "Auth Alice", "email": "alice@auth.example"})
	path := fmt.Sprintf("/api/v1/contacts/%d", c.ID)

	r := s.do(t, "", "GET", "/api/v1/contacts", nil)
	wantError(t, r, http.StatusUnauthorized, roster.EUNAUTHORIZED, "")
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without WWW-Authenticate: Bearer: %q", r.header.Get("WWW-Authenticate"))
	}
	wantError(t, s.do(t, "", "POST", "/api/v1/contacts", map[string]any{"name": "x", "email": "x@auth.example"}), http.StatusUnauthorized, roster.EUNAUTHORIZED, "")
	wantError(t, s.do(t, "roster_wrong", "GET", path, nil), http.StatusUnauthorized, roster.EUNAUTHORIZED, "")
	wantError(t, s.do(t, roster.NewTokenSecret(), "GET", path, nil), http.StatusUnauthorized, roster.EUNAUTHORIZED, "")
	wantError(t, s.do(t, s.token+"x", "DELETE", path, nil), http.StatusUnauthorized, roster.EUNAUTHORIZED, "")
	req, _ := http.NewRequest("GET", s.base+path, nil)
	req.Header.Set("Authorization", "Basic "+s.token)
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("Authorization: Basic: status %d, want 401", res.StatusCode)
	}

	// A read-only token made with the CLI may read but not write.
	code, out, errOut := cli(t, "tokens", "create", "--db", s.db, "--read-only", "--name", "reader")
	if code != exitOK {
		t.Fatalf("tokens create --read-only: exit %d\n%s", code, errOut)
	}
	ro := tokenRE.FindString(out)
	if ro == "" || strings.TrimSpace(out) != ro {
		t.Fatalf("tokens create printed %q, want just the token", out)
	}
	var got roster.Contact
	s.callAs(t, ro, "GET", path, nil, http.StatusOK).decode(t, &got)
	if got.ID != c.ID {
		t.Errorf("read-only GET returned contact %d", got.ID)
	}
	if ids := s.listIDs(t, ro, "/api/v1/contacts", url.Values{"email": {"alice@auth.example"}}, 0); !reflect.DeepEqual(ids, []int64{c.ID}) {
		t.Errorf("read-only list = %v", ids)
	}
	s.callAs(t, ro, "GET", "/api/v1/fields/contacts", nil, http.StatusOK)
	for _, w := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/contacts", map[string]any{"name": "RO", "email": "ro@auth.example"}},
		{"PATCH", path, map[string]any{"name": "Changed by a reader"}},
		{"DELETE", path, nil},
		{"POST", "/api/v1/companies", map[string]any{"name": "RO Corp"}},
		{"POST", "/api/v1/fields/contacts", map[string]any{"key": "ro_field", "type": "text"}},
		{"DELETE", "/api/v1/fields/contacts/ro_field", nil},
	} {
		wantError(t, s.do(t, ro, w.method, w.path, w.body), http.StatusForbidden, roster.EFORBIDDEN, "")
	}
	if got := s.getContact(t, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("the contact changed under read-only requests:\n%+v\nwant\n%+v", got, c)
	}
	if ids := idsOf(t, s, "/api/v1/contacts", url.Values{"email": {"ro@auth.example"}}); len(ids) != 0 {
		t.Errorf("a read-only POST created contact %v", ids)
	}
}

func testCrossTenant(t *testing.T, s *apiServer) {
	mine := s.createContact(t, map[string]any{"name": "Tenant Tom", "email": "tom@tenant.example"})
	myCo := s.createCompany(t, map[string]any{"name": "Tenant Co"})
	path := fmt.Sprintf("/api/v1/contacts/%d", mine.ID)

	if code, out, errOut := cli(t, "tenants", "create", "other", "--db", s.db); code != exitOK || !strings.Contains(out, `created tenant "other"`) {
		t.Fatalf("tenants create other: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := cli(t, "tokens", "create", "--db", s.db, "--tenant", "other")
	theirs := tokenRE.FindString(out)
	if code != exitOK || theirs == "" {
		t.Fatalf("tokens create --tenant other: exit %d\n%s%s", code, out, errOut)
	}

	// The other tenant sees none of the first tenant's records.
	wantError(t, s.do(t, theirs, "GET", path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, theirs, "PATCH", path, map[string]any{"name": "Stolen"}), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, theirs, "DELETE", path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	coPath := fmt.Sprintf("/api/v1/companies/%d", myCo.ID)
	wantError(t, s.do(t, theirs, "GET", coPath, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, theirs, "PATCH", coPath, map[string]any{"name": "Stolen Co"}), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, theirs, "DELETE", coPath, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	// It cannot link to the first tenant's company either.
	wantError(t, s.do(t, theirs, "POST", "/api/v1/contacts", map[string]any{"name": "Link", "email": "link@tenant.example",
		"companies": []map[string]any{{"company_id": myCo.ID}}}), http.StatusBadRequest, roster.EINVALID, "companies")

	// Uniqueness is per tenant: the same email and company name are free there.
	var theirContact roster.Contact
	s.callAs(t, theirs, "POST", "/api/v1/contacts", map[string]any{"name": "Other Tom", "email": "tom@tenant.example"}, http.StatusCreated).decode(t, &theirContact)
	s.callAs(t, theirs, "POST", "/api/v1/companies", map[string]any{"name": "tenant co"}, http.StatusCreated)
	if ids := s.listIDs(t, theirs, "/api/v1/contacts", nil, 0); !reflect.DeepEqual(ids, []int64{theirContact.ID}) {
		t.Errorf("the other tenant lists contacts %v, want only its own %d", ids, theirContact.ID)
	}
	if ids := s.listIDs(t, theirs, "/api/v1/contacts", url.Values{"email": {"tom@tenant.example"}}, 0); !reflect.DeepEqual(ids, []int64{theirContact.ID}) {
		t.Errorf("the other tenant's email filter finds %v", ids)
	}
	if ids := s.listIDs(t, theirs, "/api/v1/companies", url.Values{"q": {"tenant co"}}, 0); len(ids) != 1 || ids[0] == myCo.ID {
		t.Errorf("the other tenant's companies %v", ids)
	}
	if ids := idsOf(t, s, "/api/v1/contacts", url.Values{"email": {"tom@tenant.example"}}); !reflect.DeepEqual(ids, []int64{mine.ID}) {
		t.Errorf("the first tenant's email filter finds %v, want %d", ids, mine.ID)
	}
	// The first tenant's contact is untouched, and the other's is hidden from it.
	if got := s.getContact(t, mine.ID); !reflect.DeepEqual(got, mine) {
		t.Errorf("the contact changed:\n%+v\nwant\n%+v", got, mine)
	}
	wantError(t, s.do(t, s.token, "GET", fmt.Sprintf("/api/v1/contacts/%d", theirContact.ID), nil), http.StatusNotFound, roster.ENOTFOUND, "")
}

func testBadRequests(t *testing.T, s *apiServer) {
	c := s.createContact(t, map[string]any{"name": "Bad Bob", "email": "bob@bad.example"})
	path := fmt.Sprintf("/api/v1/contacts/%d", c.ID)
	for _, body := range []string{
		`{"name": "Bob", "nmae": "typo"}`,
		`{"name": "Bob", "companies": [{"company_id": 1, "admin": true}]}`,
		`{"name": `,
		`not json`,
		`{"name": "Bob"} {"name": "Bob"}`,
		`{"name": 42}`,
		`{"companies": "acme"}`,
		`[]`,
		``,
	} {
		wantError(t, s.do(t, s.token, "POST", "/api/v1/contacts", body), http.StatusBadRequest, roster.EINVALID, "")
		wantError(t, s.do(t, s.token, "PATCH", path, body), http.StatusBadRequest, roster.EINVALID, "")
	}
	wantError(t, s.do(t, s.token, "POST", "/api/v1/companies", `{"name": "Bad Co", "website_url": "x"}`), http.StatusBadRequest, roster.EINVALID, "")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/fields/contacts", `{"key": "bad", "type": "text", "options": []}`), http.StatusBadRequest, roster.EINVALID, "")
	if got := s.getContact(t, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("the contact changed under bad PATCHes:\n%+v\nwant\n%+v", got, c)
	}

	// Bodies over 1 MiB.
	big := `{"name": "Big", "description": "` + strings.Repeat("x", 1<<20) + `"}`
	wantError(t, s.do(t, s.token, "POST", "/api/v1/contacts", big), http.StatusRequestEntityTooLarge, roster.ETOOLARGE, "")

	for _, id := range []string{"abc", "0", "-1", "1.5", "99999999999999999999"} {
		for _, kind := range []string{"contacts", "companies"} {
			p := "/api/v1/" + kind + "/" + id
			wantError(t, s.do(t, s.token, "GET", p, nil), http.StatusBadRequest, roster.EINVALID, "")
			wantError(t, s.do(t, s.token, "PATCH", p, map[string]any{"name": "x"}), http.StatusBadRequest, roster.EINVALID, "")
			wantError(t, s.do(t, s.token, "DELETE", p, nil), http.StatusBadRequest, roster.EINVALID, "")
		}
	}
	wantError(t, s.do(t, s.token, "GET", "/api/v1/contacts/999999999", nil), http.StatusNotFound, roster.ENOTFOUND, "")

	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/nope"},
		{"GET", "/api/v2/contacts"},
		{"POST", "/api/v1/contacts/1/merge"},
	} {
		wantError(t, s.do(t, s.token, r.method, r.path, nil), http.StatusNotFound, roster.ENOTFOUND, "")
	}
	// Unknown endpoints answer 404 even without a token.
	wantError(t, s.do(t, "", "GET", "/api/v1/nope", nil), http.StatusNotFound, roster.ENOTFOUND, "")
	// A known endpoint asked with another method answers 405 and says which it takes.
	for _, r := range []struct{ method, path, allow string }{
		{"PUT", path, "GET, PATCH, DELETE"},
		{"DELETE", "/api/v1/contacts", "GET, POST"},
		{"DELETE", "/api/v1/imports/22", "GET"},
	} {
		resp := s.do(t, s.token, r.method, r.path, nil)
		wantError(t, resp, http.StatusMethodNotAllowed, roster.EMETHOD, "")
		if got := resp.header.Get("Allow"); got != r.allow {
			t.Errorf("%s %s: Allow %q, want %q", r.method, r.path, got, r.allow)
		}
	}
	// The Bearer scheme is case-insensitive.
	req, _ := http.NewRequest("GET", s.base+"/api/v1/contacts", nil)
	req.Header.Set("Authorization", "bearer "+s.token)
	if resp, err := s.client.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("lower-case bearer: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
