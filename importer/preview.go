package importer

import (
	"context"
	"io"

	"roster"
)

// PreviewResult is what an import of a file would read, map and make of
// its first rows, computed without writing anything.
type PreviewResult struct {
	Format    string               `json:"format"`              // csv or xlsx
	Encoding  string               `json:"encoding,omitempty"`  // CSV: detected or given
	Delimiter string               `json:"delimiter,omitempty"` // CSV
	Sheet     string               `json:"sheet,omitempty"`     // XLSX
	Header    []string             `json:"header"`
	Columns   []PreviewColumn      `json:"columns"`  // per header column, in file order
	Unmapped  []string             `json:"unmapped"` // header names no field takes
	Warnings  []string             `json:"warnings"`
	RowsTotal int                  `json:"rows_total"`
	Rows      []PreviewRow         `json:"rows"`
	Options   roster.ImportOptions `json:"options"` // the effective options, defaults filled in
}

// PreviewColumn is one column of the file and the field it maps to.
type PreviewColumn struct {
	Column string `json:"column"`
	Key    string `json:"key"` // "" if the column is not imported
}

// PreviewRow is one row as the import would see it.
type PreviewRow struct {
	Row    int               `json:"row"` // line in the file, header = 1
	Cells  []PreviewCell     `json:"cells"`
	Errors []roster.RowError `json:"errors"` // every error of the row, cell or whole-row
	OK     bool              `json:"ok"`     // the row would import
}

// PreviewCell is one cell: as written, and normalized or why it fails.
type PreviewCell struct {
	Column string           `json:"column"`
	Key    string           `json:"key,omitempty"`
	Value  string           `json:"value"`                // the cell as read from the file
	Normal any              `json:"normalized,omitempty"` // the value the import would store
	Error  *roster.RowError `json:"error,omitempty"`
}

// Preview reads the file at path as an import of tenant with options o
// would — detecting the format, mapping the header, counting and checking
// the rows — and returns the first n rows parsed and normalized. Nothing
// is written. When the file can be read but could not import (a required
// column is missing), the result is returned together with that error.
func Preview(ctx context.Context, store roster.Store, tenant *roster.Tenant, path string, o roster.ImportOptions, n int) (*PreviewResult, error) {
	o = Defaults(o)
	if err := Validate(o); err != nil {
		return nil, err
	}
	im := &Importer{Store: store}
	run := &run{opts: o}
	defer run.closeReader()
	res := &Result{}
	total, err := im.prepare(ctx, tenant, path, run, res)
	if run.parser == nil {
		return nil, err
	}
	p := &PreviewResult{Format: res.Info.Format, Encoding: res.Info.Encoding, Delimiter: res.Info.Delimiter, Sheet: res.Info.Sheet,
		Header: res.Header, Columns: []PreviewColumn{}, Unmapped: []string{}, Warnings: res.Warnings, RowsTotal: total,
		Rows: []PreviewRow{}, Options: o}
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
	for i, h := range res.Header {
		key := ""
		if i < len(res.Columns) {
			key = res.Columns[i]
		}
		p.Columns = append(p.Columns, PreviewColumn{Column: h, Key: key})
		if key == "" {
			p.Unmapped = append(p.Unmapped, h)
		}
	}
	if n > 0 {
		if rerr := previewRows(path, run, p, n); rerr != nil {
			return nil, rerr
		}
	}
	return p, err
}

// previewRows parses the first n rows with the import's parser.
func previewRows(path string, run *run, p *PreviewResult, n int) error {
	rd, err := run.reader(path)
	if err != nil {
		return err
	}
	defer rd.Close()
	for len(p.Rows) < n {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fileError(err)
		}
		raw := rawRow{number: row.Number, cells: append([]string(nil), row.Cells...), err: row.Err}
		p.Rows = append(p.Rows, previewRow(run.parser, run.parser.record(raw)))
	}
	return nil
}

func previewRow(ps *parser, r *record) PreviewRow {
	out := PreviewRow{Row: r.row, Cells: []PreviewCell{}, Errors: r.errs, OK: !r.failed()}
	if out.Errors == nil {
		out.Errors = []roster.RowError{}
	}
	for col, h := range ps.header {
		c := PreviewCell{Column: h, Key: ps.keys[col]}
		if col < len(r.cells) {
			c.Value = r.cells[col]
		}
		for i := range r.errs {
			if r.errs[i].Column == h {
				c.Error = &r.errs[i]
				break
			}
		}
		if c.Error == nil && c.Key != "" {
			c.Normal = r.value(ps.kind, c.Key)
		}
		out.Cells = append(out.Cells, c)
	}
	return out
}

// refStrings returns one field of the record's company references, blanks left out.
func (r *record) refStrings(field func(companyRef) string) []string {
	var out []string
	for _, ref := range r.refs {
		if v := field(ref); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// value returns the normalized value the record holds for key, nil if none.
func (r *record) value(kind roster.Kind, key string) any {
	if v, ok := r.custom[key]; ok {
		return v
	}
	if !r.has(key) {
		return nil
	}
	switch key {
	case "company":
		return r.refStrings(func(ref companyRef) string { return ref.name })
	case "company_external_id":
		return r.refStrings(func(ref companyRef) string { return ref.externalID })
	case "view_all_tickets":
		var vs []any
		for _, ref := range r.refs {
			if ref.viewAll == nil {
				vs = append(vs, nil)
			} else {
				vs = append(vs, *ref.viewAll)
			}
		}
		return vs
	}
	if kind == roster.KindCompanies {
		c := r.company
		switch key {
		case "name":
			return c.Name
		case "external_id":
			return c.ExternalID
		case "industry":
			return c.Industry
		case "address":
			return c.Address
		case "description":
			return c.Description
		case "domains":
			return c.Domains
		case "website":
			return c.Website
		case "phone":
			return c.Phone
		case "tags":
			return c.Tags
		}
		return nil
	}
	c := &r.contact
	switch key {
	case "name":
		return c.Name
	case "first_name":
		return c.FirstName
	case "last_name":
		return c.LastName
	case "job_title":
		return c.JobTitle
	case "external_id":
		return c.ExternalID
	case "username":
		return c.Username
	case "language":
		return c.Language
	case "time_zone":
		return c.TimeZone
	case "address":
		return c.Address
	case "description":
		return c.Description
	case "role":
		return c.Role
	case "email":
		return c.Email
	case "other_emails":
		return c.OtherEmails
	case "phone":
		return c.Phone
	case "mobile":
		return c.Mobile
	case "tags":
		return c.Tags
	}
	return nil
}
