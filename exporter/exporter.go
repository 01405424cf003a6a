// Package exporter writes a tenant's contacts or companies as CSV or XLSX,
// in the very layout the importer reads: canonical keys, then custom field
// keys, lists joined the way the importer splits them. Exporting and
// importing the file again changes nothing.
package exporter

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"roster"
)

// Formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Options say what to export and how.
type Options struct {
	Kind   roster.Kind
	Format string   // "csv" (the default) or "xlsx"
	Fields []string // the columns, in order (default: every canonical then custom field)
	Tag    string   // only records with this tag (compared case-insensitively)
}

// maxCachedCompanies bounds the company look-up cache of a contact export.
const maxCachedCompanies = 10000

// Write streams the tenant's records of o.Kind to w, a page of
// roster.MaxLimit records at a time, and returns how many data rows it
// wrote. Problems with the options are *roster.Error EINVALID and come
// before anything is written.
func Write(ctx context.Context, store roster.Store, tenantID int64, w io.Writer, o Options) (rows int, err error) {
	if !o.Kind.Valid() {
		return 0, roster.Errorf(roster.EINVALID, "kind must be contacts or companies, not %q", o.Kind).With("field", "kind")
	}
	format := strings.ToLower(strings.TrimSpace(o.Format))
	if format == "" {
		format = FormatCSV
	}
	if format != FormatCSV && format != FormatXLSX {
		return 0, roster.Errorf(roster.EINVALID, "format must be csv or xlsx, not %q", o.Format).With("field", "format")
	}
	defs, err := store.ListFields(ctx, tenantID, o.Kind)
	if err != nil {
		return 0, err
	}
	cols, err := columns(o.Kind, defs, o.Fields)
	if err != nil {
		return 0, err
	}
	e := &export{ctx: ctx, store: store, tenantID: tenantID, cols: cols, tag: strings.TrimSpace(o.Tag)}
	var s sink
	if format == FormatXLSX {
		if s, err = newXLSXSink(w, string(o.Kind)); err != nil {
			return 0, err
		}
	} else {
		s = newCSVSink(w)
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.key
	}
	if err := s.row(header); err != nil {
		s.abort()
		return 0, err
	}
	if o.Kind == roster.KindContacts {
		err = e.contacts(s)
	} else {
		err = e.companies(s)
	}
	if err != nil {
		s.abort()
		return e.rows, err
	}
	return e.rows, s.close()
}

// column is one exported column: a canonical key, or a custom field.
type column struct {
	key string
	def *roster.FieldDef // nil for canonical keys
}

// columns resolves --fields against the kind's keys and custom fields.
func columns(kind roster.Kind, defs []*roster.FieldDef, fields []string) ([]column, error) {
	keys := roster.ContactKeys
	if kind == roster.KindCompanies {
		keys = roster.CompanyKeys
	}
	all := make([]column, 0, len(keys)+len(defs))
	for _, k := range keys {
		all = append(all, column{key: k})
	}
	for _, d := range defs {
		all = append(all, column{key: d.Key, def: d})
	}
	if len(fields) == 0 {
		return all, nil
	}
	out := make([]column, 0, len(fields))
	seen := map[string]bool{}
	for _, f := range fields {
		f = strings.TrimSpace(f)
		i := slices.IndexFunc(all, func(c column) bool { return c.key == f })
		if i < 0 {
			names := make([]string, len(all))
			for j, c := range all {
				names[j] = c.key
			}
			return nil, roster.Errorf(roster.EINVALID, "unknown field %q; the fields of %s are %s", f, kind, strings.Join(names, ", ")).With("field", f)
		}
		if seen[f] {
			return nil, roster.Errorf(roster.EINVALID, "field %q is listed twice", f).With("field", f)
		}
		seen[f] = true
		out = append(out, all[i])
	}
	return out, nil
}

// export is the state of one export.
type export struct {
	ctx      context.Context
	store    roster.Store
	tenantID int64
	cols     []column
	tag      string
	rows     int
	// companyExt caches companies' external ids for contacts'
	// company_external_id column; it is emptied when it grows too big.
	companyExt map[int64]string
	cells      []string
}

// hasTag reports whether tags hold e.tag. The comparison ignores case, as
// tags do everywhere else; it is done here rather than by the store's tag
// filter, which is case-sensitive on PostgreSQL and not on SQLite.
func (e *export) hasTag(tags []string) bool {
	if e.tag == "" {
		return true
	}
	return slices.ContainsFunc(tags, func(t string) bool { return strings.EqualFold(t, e.tag) })
}

func (e *export) contacts(s sink) error {
	cursor := ""
	for {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		page, next, err := e.store.ListContacts(e.ctx, e.tenantID, roster.ContactFilter{Page: roster.Page{Cursor: cursor, Limit: roster.MaxLimit}})
		if err != nil {
			return err
		}
		for _, c := range page {
			if !e.hasTag(c.Tags) {
				continue
			}
			cells, err := e.contactCells(c)
			if err != nil {
				return err
			}
			if err := s.row(cells); err != nil {
				return err
			}
			e.rows++
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

func (e *export) companies(s sink) error {
	cursor := ""
	for {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		page, next, err := e.store.ListCompanies(e.ctx, e.tenantID, roster.CompanyFilter{Page: roster.Page{Cursor: cursor, Limit: roster.MaxLimit}})
		if err != nil {
			return err
		}
		for _, c := range page {
			if !e.hasTag(c.Tags) {
				continue
			}
			if err := s.row(e.companyCells(c)); err != nil {
				return err
			}
			e.rows++
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// contactCells renders one contact in e.cols order. The slice is reused.
func (e *export) contactCells(c *roster.Contact) ([]string, error) {
	e.cells = e.cells[:0]
	for _, col := range e.cols {
		if col.def != nil {
			e.cells = append(e.cells, customCell(col.def, c.Custom[col.key]))
			continue
		}
		var v string
		switch col.key {
		case "name":
			v = c.Name
		case "first_name":
			v = c.FirstName
		case "last_name":
			v = c.LastName
		case "email":
			v = c.Email
		case "other_emails":
			v = strings.Join(c.OtherEmails, ",")
		case "phone":
			v = c.Phone
		case "mobile":
			v = c.Mobile
		case "company":
			names := make([]string, len(c.Companies))
			for i, m := range c.Companies {
				names[i] = m.CompanyName
			}
			v = strings.Join(names, "||")
		case "company_external_id":
			ids := make([]string, len(c.Companies))
			some := false
			for i, m := range c.Companies {
				id, err := e.companyExternalID(m.CompanyID)
				if err != nil {
					return nil, err
				}
				ids[i], some = id, some || id != ""
			}
			// No external ids at all: an empty cell rather than "||".
			if some {
				v = strings.Join(ids, "||")
			}
		case "view_all_tickets":
			flags := make([]string, len(c.Companies))
			for i, m := range c.Companies {
				flags[i] = yesNo(m.ViewAllTickets)
			}
			v = strings.Join(flags, "||")
		case "job_title":
			v = c.JobTitle
		case "tags":
			v = strings.Join(c.Tags, ",")
		case "external_id":
			v = c.ExternalID
		case "username":
			v = c.Username
		case "role":
			v = c.Role
		case "language":
			v = c.Language
		case "time_zone":
			v = c.TimeZone
		case "address":
			v = c.Address
		case "description":
			v = c.Description
		}
		e.cells = append(e.cells, v)
	}
	return e.cells, nil
}

// companyExternalID returns a company's external id, from the cache or the
// store. A company deleted since the contact was read has none.
func (e *export) companyExternalID(id int64) (string, error) {
	if ext, ok := e.companyExt[id]; ok {
		return ext, nil
	}
	co, err := e.store.FindCompany(e.ctx, e.tenantID, id)
	switch {
	case roster.ErrorCode(err) == roster.ENOTFOUND:
		return "", nil
	case err != nil:
		return "", err
	}
	if e.companyExt == nil || len(e.companyExt) >= maxCachedCompanies {
		e.companyExt = make(map[int64]string)
	}
	e.companyExt[id] = co.ExternalID
	return co.ExternalID, nil
}

func (e *export) companyCells(c *roster.Company) []string {
	e.cells = e.cells[:0]
	for _, col := range e.cols {
		if col.def != nil {
			e.cells = append(e.cells, customCell(col.def, c.Custom[col.key]))
			continue
		}
		var v string
		switch col.key {
		case "name":
			v = c.Name
		case "external_id":
			v = c.ExternalID
		case "domains":
			v = strings.Join(c.Domains, ",")
		case "website":
			v = c.Website
		case "phone":
			v = c.Phone
		case "description":
			v = c.Description
		case "industry":
			v = c.Industry
		case "address":
			v = c.Address
		case "tags":
			v = strings.Join(c.Tags, ",")
		}
		e.cells = append(e.cells, v)
	}
	return e.cells
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// customCell renders a custom value the way the importer reads it back:
// numbers as integers, decimals in the shortest exact form, checkboxes as
// yes/no, tags joined with commas, dates (stored as YYYY-MM-DD) and text
// as they are. A missing value is an empty cell.
func customCell(def *roster.FieldDef, v any) string {
	if v == nil {
		return ""
	}
	switch def.Type {
	case roster.FieldNumber:
		switch n := v.(type) {
		case int64:
			return strconv.FormatInt(n, 10)
		case int:
			return strconv.Itoa(n)
		case float64:
			if n == math.Trunc(n) && math.Abs(n) <= 1<<53 {
				return strconv.FormatInt(int64(n), 10)
			}
			return strconv.FormatFloat(n, 'f', -1, 64)
		case json.Number:
			return n.String()
		}
	case roster.FieldDecimal:
		switch n := v.(type) {
		case float64:
			return strconv.FormatFloat(n, 'f', -1, 64)
		case int64:
			return strconv.FormatInt(n, 10)
		case int:
			return strconv.Itoa(n)
		case json.Number:
			return n.String()
		}
	case roster.FieldCheckbox:
		if b, ok := v.(bool); ok {
			return yesNo(b)
		}
	case roster.FieldTags:
		switch t := v.(type) {
		case []string:
			return strings.Join(t, ",")
		case []any:
			parts := make([]string, 0, len(t))
			for _, x := range t {
				parts = append(parts, fmt.Sprint(x))
			}
			return strings.Join(parts, ",")
		}
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
