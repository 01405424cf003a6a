package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"roster"
	"roster/storetest"
)

// spec is the part of an OpenAPI document the tests read; everything else
// stays raw.
type spec struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]*schema         `json:"schemas"`
		Parameters      map[string]*parameter      `json:"parameters"`
		Responses       map[string]json.RawMessage `json:"responses"`
		SecuritySchemes map[string]struct {
			Type, Scheme string
		} `json:"securitySchemes"`
	} `json:"components"`
	Security []map[string][]string `json:"security"`
}

type schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Enum       []string           `json:"enum"`
	Properties map[string]*schema `json:"properties"`
	Items      *schema            `json:"items"`
	Required   []string           `json:"required"`
}

type parameter struct {
	Ref      string  `json:"$ref"`
	Name     string  `json:"name"`
	In       string  `json:"in"`
	Required bool    `json:"required"`
	Schema   *schema `json:"schema"`
}

type operation struct {
	Parameters  []*parameter               `json:"parameters"`
	RequestBody json.RawMessage            `json:"requestBody"`
	Responses   map[string]json.RawMessage `json:"responses"`
	Security    *[]map[string][]string     `json:"security"`
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// served fetches the document the way clients do and parses it.
func served(t *testing.T) (*spec, []byte) {
	t.Helper()
	srv := New(storetest.OpenSQLite(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var doc spec
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the served OpenAPI document is not JSON: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	return &doc, rec.Body.Bytes()
}

// operations returns "METHOD /path" -> operation for every documented operation.
func (d *spec) operations(t *testing.T) map[string]*operation {
	t.Helper()
	out := map[string]*operation{}
	for path, item := range d.Paths {
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			op := &operation{}
			if err := json.Unmarshal(raw, op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			out[strings.ToUpper(key)+" "+path] = op
		}
	}
	return out
}

// pathParameters returns the parameters declared on a path item.
func (d *spec) pathParameters(t *testing.T, path string) []*parameter {
	t.Helper()
	raw, ok := d.Paths[path]["parameters"]
	if !ok {
		return nil
	}
	var ps []*parameter
	if err := json.Unmarshal(raw, &ps); err != nil {
		t.Fatalf("%s parameters: %v", path, err)
	}
	return ps
}

func (d *spec) resolveParam(t *testing.T, p *parameter) *parameter {
	t.Helper()
	if p.Ref == "" {
		return p
	}
	name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/")
	if !ok || d.Components.Parameters[name] == nil {
		t.Fatalf("unresolvable parameter $ref %q", p.Ref)
	}
	return d.Components.Parameters[name]
}

// params returns the resolved parameters an operation has, its own and its path's.
func (d *spec) params(t *testing.T, path string, op *operation) []*parameter {
	t.Helper()
	var out []*parameter
	for _, p := range append(d.pathParameters(t, path), op.Parameters...) {
		out = append(out, d.resolveParam(t, p))
	}
	return out
}

func TestOpenAPIRoutesParity(t *testing.T) {
	doc, _ := served(t)
	ops := doc.operations(t)

	implemented := map[string]bool{}
	for _, rt := range apiRoutes {
		key := rt.method + " " + rt.path
		implemented[key] = true
		if ops[key] == nil {
			t.Errorf("%s is in apiRoutes but not documented", key)
		}
	}
	for key := range ops {
		_, path, _ := strings.Cut(key, " ")
		if !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.json" {
			continue
		}
		if !implemented[key] {
			t.Errorf("%s is documented but not in apiRoutes", key)
		}
	}
	// The two endpoints outside apiRoutes are documented and need no token.
	for _, key := range []string{"GET /healthz", "GET /api/v1/openapi.json"} {
		op := ops[key]
		if op == nil {
			t.Errorf("%s is not documented", key)
			continue
		}
		if op.Security == nil || len(*op.Security) != 0 {
			t.Errorf("%s must declare security: [] (it needs no token)", key)
		}
	}
	if doc.Components.SecuritySchemes["bearerAuth"].Scheme != "bearer" {
		t.Errorf("components.securitySchemes.bearerAuth is not an http bearer scheme")
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Errorf("the document's security = %v, want bearerAuth for every operation by default", doc.Security)
	}
}

func TestOpenAPIOperations(t *testing.T) {
	doc, _ := served(t)
	ops := doc.operations(t)
	for _, rt := range apiRoutes {
		key := rt.method + " " + rt.path
		op := ops[key]
		if op == nil {
			continue // reported by TestOpenAPIRoutesParity
		}
		// Every {name} in the path is a required path parameter, and no other.
		declared := map[string]bool{}
		for _, p := range doc.params(t, rt.path, op) {
			if p.In == "path" {
				if !p.Required {
					t.Errorf("%s: path parameter %q must be required", key, p.Name)
				}
				declared[p.Name] = true
			}
		}
		inPath := map[string]bool{}
		for _, seg := range strings.Split(rt.path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				inPath[strings.TrimSuffix(name, "}")] = true
			}
		}
		if !reflect.DeepEqual(declared, inPath) {
			t.Errorf("%s: path parameters %v, want %v", key, keys(declared), keys(inPath))
		}
		// The statuses the handlers give for sure. An action on a record
		// (POST .../{id}/cancel) has no body; an upload may answer 200
		// (preview) or 202 (queued) instead of 201.
		action := rt.method == "POST" && strings.Contains(rt.path, "}/")
		want := map[string][]string{
			"GET":    {"200", "401"},
			"POST":   {"400", "401", "403", "413"},
			"PATCH":  {"200", "400", "401", "403", "404", "413"},
			"PUT":    {"200", "400", "401", "403", "413"},
			"DELETE": {"204", "400", "401", "403", "404"},
		}[rt.method]
		if action {
			want = []string{"200", "400", "401", "403", "404"}
		}
		if rt.method == "POST" {
			n := 0
			for _, ok := range []string{"200", "201", "202"} {
				if _, has := op.Responses[ok]; has {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s documents %d of the success statuses 200, 201, 202; want one", key, n)
			}
		}
		if strings.Contains(rt.path, "{") {
			want = append(want, "400") // a bad id or kind
		}
		if strings.HasSuffix(rt.path, "/{id}") && rt.method == "GET" {
			want = append(want, "404")
		}
		for _, status := range want {
			if _, ok := op.Responses[status]; !ok {
				t.Errorf("%s does not document status %s", key, status)
			}
		}
		for status := range op.Responses {
			if rt.method == "GET" && status == "403" {
				t.Errorf("%s documents 403, but read-only tokens may read", key)
			}
		}
		hasBody := len(op.RequestBody) > 0
		if wantBody := (rt.method == "POST" || rt.method == "PATCH" || rt.method == "PUT") && !action; hasBody != wantBody {
			t.Errorf("%s: documents a request body: %v, want %v", key, hasBody, wantBody)
		}
	}
	// Every error status documented anywhere is one some code maps to.
	byStatus := map[string]bool{}
	for _, status := range statuses {
		byStatus[strconv.Itoa(status)] = true
	}
	for key, op := range ops {
		for status := range op.Responses {
			if status[0] >= '4' && !byStatus[status] && key != "GET /healthz" {
				t.Errorf("%s documents status %s, which no error code maps to", key, status)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jsonNames returns the JSON names of the exported fields of struct type t.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestOpenAPISchemasMatchStructs(t *testing.T) {
	doc, _ := served(t)
	for name, typ := range map[string]reflect.Type{
		"Contact":       reflect.TypeFor[roster.Contact](),
		"ContactInput":  reflect.TypeFor[roster.Contact](), // the body is decoded into the struct
		"Membership":    reflect.TypeFor[roster.Membership](),
		"Company":       reflect.TypeFor[roster.Company](),
		"CompanyInput":  reflect.TypeFor[roster.Company](),
		"FieldDef":      reflect.TypeFor[roster.FieldDef](),
		"FieldDefInput": reflect.TypeFor[roster.FieldDef](),
		"ContactList":   reflect.TypeFor[list[*roster.Contact]](),
		"CompanyList":   reflect.TypeFor[list[*roster.Company]](),
		"FieldList":     reflect.TypeFor[list[*roster.FieldDef]](),
		"Import":        reflect.TypeFor[roster.Import](),
		"ImportOptions": reflect.TypeFor[roster.ImportOptions](),
		"ImportCounts":  reflect.TypeFor[roster.ImportCounts](),
		"ImportList":    reflect.TypeFor[list[*roster.Import]](),
		"RowError":      reflect.TypeFor[roster.RowError](),
		"Profile":       reflect.TypeFor[roster.Profile](),
		"ProfileInput":  reflect.TypeFor[profileInput](),
		"ProfileList":   reflect.TypeFor[list[*roster.Profile]](),
		"UndoResult":    reflect.TypeFor[undoResponse](),
	} {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("schema %s is missing", name)
			continue
		}
		if got, want := keys(s.Properties), jsonNames(typ); !reflect.DeepEqual(got, want) {
			t.Errorf("schema %s has properties %v; %s has JSON fields %v", name, got, typ, want)
		}
		for _, r := range s.Required {
			if s.Properties[r] == nil {
				t.Errorf("schema %s requires %q, which it does not define", name, r)
			}
		}
	}
	// Fields without omitempty are always in responses: required.
	for name, typ := range map[string]reflect.Type{
		"Contact":  reflect.TypeFor[roster.Contact](),
		"Company":  reflect.TypeFor[roster.Company](),
		"FieldDef": reflect.TypeFor[roster.FieldDef](),
		"Import":   reflect.TypeFor[roster.Import](),
		"Profile":  reflect.TypeFor[roster.Profile](),
	} {
		s := doc.Components.Schemas[name]
		if s == nil {
			continue
		}
		var always []string
		for i := 0; i < typ.NumField(); i++ {
			if n, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); n != "-" && !strings.Contains(opts, "omitempty") {
				always = append(always, n)
			}
		}
		sort.Strings(always)
		got := slices.Sorted(slices.Values(s.Required))
		if !reflect.DeepEqual(got, always) {
			t.Errorf("schema %s requires %v, want the fields without omitempty %v", name, got, always)
		}
	}
	env := doc.Components.Schemas["Error"]
	if env == nil || env.Properties["error"] == nil {
		t.Fatal(`schema Error must be {"error": {...}}`)
	}
	if got, want := keys(env.Properties), []string{"error"}; !reflect.DeepEqual(got, want) {
		t.Errorf("schema Error has properties %v, want %v", got, want)
	}
	if got, want := keys(env.Properties["error"].Properties), jsonNames(reflect.TypeFor[roster.Error]()); !reflect.DeepEqual(got, want) {
		t.Errorf("schema Error.error has properties %v; roster.Error has %v", got, want)
	}
	fd := doc.Components.Schemas["FieldDef"]
	if fd != nil {
		var types []string
		for _, ft := range roster.FieldTypes {
			types = append(types, string(ft))
		}
		if got := fd.Properties["type"].Enum; !reflect.DeepEqual(got, types) {
			t.Errorf("FieldDef.type enum = %v, want roster.FieldTypes %v", got, types)
		}
		kinds := []string{string(roster.KindContacts), string(roster.KindCompanies)}
		if got := fd.Properties["kind"].Enum; !reflect.DeepEqual(got, kinds) {
			t.Errorf("FieldDef.kind enum = %v, want %v", got, kinds)
		}
	}
}

func TestOpenAPIErrorCodes(t *testing.T) {
	doc, _ := served(t)
	env := doc.Components.Schemas["Error"]
	if env == nil || env.Properties["error"] == nil || env.Properties["error"].Properties["code"] == nil {
		t.Fatal("schema Error.error.code is missing")
	}
	enum := env.Properties["error"].Properties["code"].Enum
	if len(enum) == 0 {
		t.Fatal("schema Error.error.code has no enum")
	}
	for _, code := range enum {
		if _, ok := statuses[code]; !ok {
			t.Errorf("error code %q is documented but has no HTTP status in statuses", code)
		}
	}
	for code := range statuses {
		if !slices.Contains(enum, code) {
			t.Errorf("error code %q has a status but is not in the documented enum", code)
		}
	}
}

// TestOpenAPIRefsResolve walks the whole document: every $ref names
// something that exists.
func TestOpenAPIRefsResolve(t *testing.T) {
	_, raw := served(t)
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				target := doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := target.(map[string]any)
					target = m[part]
				}
				if !strings.HasPrefix(ref, "#/") || target == nil {
					t.Errorf("%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
}

// TestOpenAPIListFiltersAreRead proves each documented query parameter of
// the list endpoints is one the handler reads: a value that matches the
// record finds it, one that does not leaves the page empty.
func TestOpenAPIListFiltersAreRead(t *testing.T) {
	doc, _ := served(t)
	ctx := context.Background()
	store := storetest.OpenSQLite(t)
	tenant, err := store.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	secret := roster.NewTokenSecret()
	if err := store.CreateToken(ctx, &roster.Token{TenantID: tenant.ID, Name: "t"}, secret); err != nil {
		t.Fatal(err)
	}
	co := &roster.Company{Name: "Initech", ExternalID: "co-1", Tags: []string{"vip"}}
	if err := store.CreateCompany(ctx, tenant.ID, co); err != nil {
		t.Fatal(err)
	}
	ct := &roster.Contact{Name: "Peter Gibbons", Email: "peter@initech.example", OtherEmails: []string{"pg@home.example"},
		Phone: "+420601123456", Tags: []string{"tps"}, ExternalID: "c-1", Username: "peterg",
		Companies: []roster.Membership{{CompanyID: co.ID}}}
	if err := store.CreateContact(ctx, tenant.ID, ct); err != nil {
		t.Fatal(err)
	}
	// A second record so that "found" is never just "the whole list".
	if err := store.CreateCompany(ctx, tenant.ID, &roster.Company{Name: "Chotchkie's"}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateContact(ctx, tenant.ID, &roster.Contact{Name: "Joanna", Email: "joanna@chotchkies.example"}); err != nil {
		t.Fatal(err)
	}
	coID := strconv.FormatInt(co.ID, 10)
	values := map[string]map[string][2]string{ // param -> {matching, not matching}
		"/api/v1/contacts": {
			"q": {"gibb", "lumbergh"}, "email": {"PG@home.example", "bill@initech.example"},
			"phone": {"+420 601 123 456", "+420 601 123 457"}, "tag": {"TPS", "flair"},
			"company_id": {coID, strconv.FormatInt(co.ID+100, 10)}, "external_id": {"c-1", "c-2"},
			"username": {"peterg", "milton"},
		},
		"/api/v1/companies": {
			"q": {"nitec", "initrode"}, "name": {"INITECH", "Initec"}, "tag": {"vip", "vendor"},
			"external_id": {"co-1", "co-2"},
		},
	}
	srv := New(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	count := func(path string, q url.Values) int {
		t.Helper()
		req := httptest.NewRequest("GET", path+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s?%s: %d %s", path, q.Encode(), rec.Code, rec.Body)
		}
		var l struct{ Data []json.RawMessage }
		if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		return len(l.Data)
	}
	ops := doc.operations(t)
	for path, vals := range values {
		op := ops["GET "+path]
		if op == nil {
			t.Errorf("GET %s is not documented", path)
			continue
		}
		documented := map[string]bool{}
		for _, p := range doc.params(t, path, op) {
			if p.In != "query" || p.Name == "cursor" || p.Name == "limit" {
				continue
			}
			documented[p.Name] = true
			v, ok := vals[p.Name]
			if !ok {
				t.Errorf("GET %s documents filter %q, which this test does not know", path, p.Name)
				continue
			}
			if n := count(path, url.Values{p.Name: {v[0]}}); n != 1 {
				t.Errorf("GET %s?%s=%s found %d records, want 1", path, p.Name, v[0], n)
			}
			if n := count(path, url.Values{p.Name: {v[1]}}); n != 0 {
				t.Errorf("GET %s?%s=%s found %d records, want 0: is the filter read?", path, p.Name, v[1], n)
			}
		}
		for name := range vals {
			if !documented[name] {
				t.Errorf("GET %s reads filter %q, which is not documented", path, name)
			}
		}
		for _, name := range []string{"cursor", "limit"} {
			found := false
			for _, p := range doc.params(t, path, op) {
				found = found || p.In == "query" && p.Name == name
			}
			if !found {
				t.Errorf("GET %s does not document %q", path, name)
			}
		}
		if n := count(path, url.Values{"limit": {"1"}}); n != 1 {
			t.Errorf("GET %s?limit=1 gave %d records", path, n)
		}
	}
}
