package web

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"roster"
	"roster/importer"
	"roster/mapping"
)

// optionFields are the import option fields, named like the CLI flags
// with '_' for '-'. In a form every value is text (map as 'Header=key,…',
// match as 'email,phone'); in a JSON body they take their JSON types
// (map an object, match a list) or the same text.
var optionFields = []string{"kind", "map", "match", "merge", "region", "encoding", "delimiter", "sheet",
	"date_format", "blank", "lists", "create_companies", "custom_fields", "max_rows"}

// requestFields are the other fields an import request may have.
var requestFields = []string{"file", "upload_id", "profile", "dry_run", "queue", "notify"}

// importOptions returns the options a request asks for: the profile's, if
// it names one, else the defaults, overlaid with the option fields given.
func (s *Server) importOptions(ctx context.Context, tenant *roster.Tenant, f *importForm) (roster.ImportOptions, error) {
	for name := range f.fields {
		if !slices.Contains(optionFields, name) && !slices.Contains(requestFields, name) {
			return roster.ImportOptions{}, roster.Errorf(roster.EINVALID, "unknown field %q", name).With("field", name)
		}
	}
	for name := range f.json {
		if !slices.Contains(optionFields, name) && !slices.Contains(requestFields, name) {
			return roster.ImportOptions{}, roster.Errorf(roster.EINVALID, "unknown field %q", name).With("field", name)
		}
	}
	o := roster.ImportOptions{CreateCompanies: true}
	if name, ok := f.field("profile"); ok && name != "" {
		p, err := s.store.FindProfile(ctx, tenant.ID, name)
		if err != nil {
			if roster.ErrorCode(err) == roster.ENOTFOUND {
				return o, roster.Errorf(roster.EINVALID, "import profile %q not found", name).With("field", "profile")
			}
			return o, err
		}
		o = p.Options
	}
	bad := func(field, format string, args ...any) error {
		return roster.Errorf(roster.EINVALID, field+": "+format, args...).With("field", field)
	}
	for _, name := range optionFields {
		v, ok := f.field(name)
		if !ok {
			continue
		}
		raw := f.json[name]
		switch name {
		case "kind":
			o.Kind = roster.Kind(v)
		case "map":
			var m map[string]string
			if len(raw) > 0 && raw[0] == '{' {
				if err := json.Unmarshal(raw, &m); err != nil {
					return o, bad(name, "want an object of header name to field key")
				}
			} else {
				var err error
				if m, err = mapping.ParseExplicit(v); err != nil {
					return o, bad(name, "%v", err)
				}
			}
			o.Map = mapping.Overlay(o.Map, m)
		case "match":
			var list []string
			if len(raw) > 0 && raw[0] == '[' {
				if err := json.Unmarshal(raw, &list); err != nil {
					return o, bad(name, "want a list of identifiers")
				}
			} else {
				for _, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p != "" {
						list = append(list, p)
					}
				}
			}
			o.Match = list
		case "merge":
			o.Merge = v
		case "region":
			o.Region = strings.ToUpper(strings.TrimSpace(v))
		case "encoding":
			o.Encoding = v
		case "delimiter":
			o.Delimiter = v
		case "sheet":
			o.Sheet = v
		case "date_format":
			o.DateFormat = v
		case "blank":
			o.Blank = v
		case "lists":
			o.Lists = v
		case "create_companies":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return o, bad(name, "want true or false, not %q", v)
			}
			o.CreateCompanies = b
		case "custom_fields":
			o.CustomFields = v
		case "max_rows":
			n, err := strconv.Atoi(v)
			if err != nil {
				return o, bad(name, "want a number, not %q", v)
			}
			o.MaxRows = n
		}
	}
	return checkOptions(o)
}

// checkOptions fills in the defaults and validates, as the CLI does.
func checkOptions(o roster.ImportOptions) (roster.ImportOptions, error) {
	if o.Delimiter == "tab" || o.Delimiter == `\t` {
		o.Delimiter = "\t"
	}
	o = importer.Defaults(o)
	if err := importer.Validate(o); err != nil {
		return o, err
	}
	return o, nil
}

// boolField reads an optional true/false field.
func boolField(f *importForm, name string) (bool, error) {
	v, ok := f.field(name)
	if !ok || v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, roster.Errorf(roster.EINVALID, "%s: want true or false, not %q", name, v).With("field", name)
	}
	return b, nil
}
