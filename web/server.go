// Package web is Roster's HTTP face: the JSON API under /api/v1 and the
// health check. Handlers translate HTTP to calls on roster.Store and
// domain errors back to HTTP; they hold no business rules.
package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"roster"
	"roster/normalize"
)

// Server serves the API of one store.
type Server struct {
	store  roster.Store
	log    *slog.Logger
	mux    *http.ServeMux
	phones *normalize.Phones
	cfg    Config
}

// New returns a Server over store with the default Config.
func New(store roster.Store, log *slog.Logger) *Server {
	return NewWithConfig(store, log, Config{})
}

// NewWithConfig returns a Server over store; unset parts of cfg take their defaults.
func NewWithConfig(store roster.Store, log *slog.Logger, cfg Config) *Server {
	phones, _ := normalize.NewPhones("") // API phones carry their country code
	s := &Server{store: store, log: log, mux: http.NewServeMux(), phones: phones, cfg: cfg.WithDefaults()}
	s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// route is one API endpoint; the list is also what the OpenAPI test checks.
type route struct {
	method, path string
	handle       func(*Server, http.ResponseWriter, *http.Request, *caller)
}

// apiRoutes are the authenticated endpoints under /api/v1.
var apiRoutes = []route{
	{"GET", "/api/v1/contacts", (*Server).contactList},
	{"POST", "/api/v1/contacts", (*Server).contactCreate},
	{"GET", "/api/v1/contacts/{id}", (*Server).contactGet},
	{"PATCH", "/api/v1/contacts/{id}", (*Server).contactUpdate},
	{"DELETE", "/api/v1/contacts/{id}", (*Server).contactDelete},

	{"GET", "/api/v1/companies", (*Server).companyList},
	{"POST", "/api/v1/companies", (*Server).companyCreate},
	{"GET", "/api/v1/companies/{id}", (*Server).companyGet},
	{"PATCH", "/api/v1/companies/{id}", (*Server).companyUpdate},
	{"DELETE", "/api/v1/companies/{id}", (*Server).companyDelete},

	{"GET", "/api/v1/fields/{kind}", (*Server).fieldList},
	{"POST", "/api/v1/fields/{kind}", (*Server).fieldCreate},
	{"DELETE", "/api/v1/fields/{kind}/{key}", (*Server).fieldDelete},

	{"POST", "/api/v1/imports/preview", (*Server).importPreview},
	{"GET", "/api/v1/imports", (*Server).importList},
	{"POST", "/api/v1/imports", (*Server).importCreate},
	{"GET", "/api/v1/imports/{id}", (*Server).importGet},
	{"GET", "/api/v1/imports/{id}/errors", (*Server).importErrors},
	{"GET", "/api/v1/imports/{id}/events", (*Server).importEvents},
	{"POST", "/api/v1/imports/{id}/cancel", (*Server).importCancel},
	{"POST", "/api/v1/imports/{id}/undo", (*Server).importUndo},

	{"GET", "/api/v1/import-profiles", (*Server).profileList},
	{"POST", "/api/v1/import-profiles", (*Server).profileCreate},
	{"GET", "/api/v1/import-profiles/{name}", (*Server).profileGet},
	{"PUT", "/api/v1/import-profiles/{name}", (*Server).profilePut},
	{"DELETE", "/api/v1/import-profiles/{name}", (*Server).profileDelete},
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	for _, rt := range apiRoutes {
		h := rt.handle
		s.mux.Handle(rt.method+" "+rt.path, s.authenticated(func(w http.ResponseWriter, r *http.Request, c *caller) { h(s, w, r, c) }))
	}
	// The catch-all answers what ServeMux would have: 405 with the methods
	// the path takes, else 404, in the API's error shape.
	known := http.NewServeMux()
	for _, rt := range apiRoutes {
		known.HandleFunc(rt.method+" "+rt.path, http.NotFound)
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(known, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.error(w, r, roster.Errorf(roster.EMETHOD, "%s %s is not an endpoint; %s takes %s", r.Method, r.URL.Path, r.URL.Path, strings.Join(allow, ", ")))
			return
		}
		s.error(w, r, roster.Errorf(roster.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})
}

// allowed lists the methods mux routes r's path for.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.ListTenants(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// caller is who a request acts for.
type caller struct {
	tenant *roster.Tenant
	token  *roster.Token
}

// authenticated checks the bearer token; read-only tokens may only read.
func (s *Server) authenticated(h func(http.ResponseWriter, *http.Request, *caller)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The scheme is case-insensitive (RFC 9110).
		scheme, secret, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="roster"`)
			s.error(w, r, roster.Errorf(roster.EUNAUTHORIZED, "missing API token: send Authorization: Bearer <token>"))
			return
		}
		tok, tenant, err := s.store.Authenticate(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="roster", error="invalid_token"`)
			s.error(w, r, err)
			return
		}
		if tok.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.error(w, r, roster.Errorf(roster.EFORBIDDEN, "this API token is read-only"))
			return
		}
		h(w, r, &caller{tenant: tenant, token: tok})
	})
}

// statuses maps each error code to its HTTP status: the one table.
var statuses = map[string]int{
	roster.EINVALID:      http.StatusBadRequest,
	roster.ENOTFOUND:     http.StatusNotFound,
	roster.ECONFLICT:     http.StatusConflict,
	roster.EUNAUTHORIZED: http.StatusUnauthorized,
	roster.EFORBIDDEN:    http.StatusForbidden,
	roster.EINPROGRESS:   http.StatusConflict,
	roster.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	roster.ELIMIT:        http.StatusTooManyRequests,
	roster.EMETHOD:       http.StatusMethodNotAllowed,
	roster.EINTERNAL:     http.StatusInternalServerError,
}

// error writes err as {"error": {code, message, details}}; internal errors
// are logged and shown only as "internal error".
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	code := roster.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := &roster.Error{Code: code, Message: roster.ErrorMessage(err)}
	var e *roster.Error
	if errors.As(err, &e) {
		body.Details = e.Details
	}
	if code == roster.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maxBody bounds JSON request bodies; imports upload files elsewhere.
const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields so typos surface.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return roster.Errorf(roster.ETOOLARGE, "request body is larger than %d bytes", maxBody)
		}
		return jsonError(err)
	}
	if dec.More() {
		return roster.Errorf(roster.EINVALID, "invalid JSON body: more than one value")
	}
	return nil
}

// jsonError says what is wrong with a JSON body in the API's words, not
// in Go's ("cannot unmarshal array into Go value of type struct {…}").
func jsonError(err error) error {
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &typ) && typ.Field == "":
		return roster.Errorf(roster.EINVALID, "invalid JSON body: want an object, not %s", typ.Value)
	case errors.As(err, &typ):
		return roster.Errorf(roster.EINVALID, "%s: want %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value).With("field", typ.Field)
	case errors.As(err, &syn):
		return roster.Errorf(roster.EINVALID, "invalid JSON body at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.Is(err, io.EOF):
		return roster.Errorf(roster.EINVALID, "invalid JSON body: it is empty")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return roster.Errorf(roster.EINVALID, "unknown field %q", name).With("field", name)
	}
	return roster.Errorf(roster.EINVALID, "invalid JSON body: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names a Go type as JSON writes its values.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// pathID reads the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, roster.Errorf(roster.EINVALID, "invalid id %q", r.PathValue("id"))
	}
	return id, nil
}

// page reads cursor and limit query parameters.
func page(r *http.Request) (roster.Page, error) {
	p := roster.Page{Cursor: r.URL.Query().Get("cursor")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > roster.MaxLimit {
			return p, roster.Errorf(roster.EINVALID, "limit must be a number from 1 to %d", roster.MaxLimit)
		}
		p.Limit = n
	}
	return p, nil
}

// list is the shape of every list response.
type list[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// phone turns what a client sent into E.164, as the import does.
func (s *Server) phone(field, v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	p, err := s.phones.E164(v)
	if err != nil {
		return "", roster.Errorf(roster.EINVALID, "%s: %s", field, err.Error()).With("field", field)
	}
	return p, nil
}

// email checks an address with the full syntax rules the import applies.
func email(field, v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	e, err := normalize.Email(v)
	if err != nil {
		return "", roster.Errorf(roster.EINVALID, "%s: %s", field, err.Error()).With("field", field)
	}
	return e, nil
}
