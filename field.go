package roster

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldType is the type of a custom field.
type FieldType string

// The custom field types.
const (
	FieldText      FieldType = "text"
	FieldParagraph FieldType = "paragraph"
	FieldNumber    FieldType = "number"
	FieldDecimal   FieldType = "decimal"
	FieldDate      FieldType = "date"
	FieldDropdown  FieldType = "dropdown"
	FieldCheckbox  FieldType = "checkbox"
	FieldTags      FieldType = "tags"
	FieldURL       FieldType = "url"
	FieldEmail     FieldType = "email"
	FieldPhone     FieldType = "phone"
)

// FieldTypes lists every field type.
var FieldTypes = []FieldType{
	FieldText, FieldParagraph, FieldNumber, FieldDecimal, FieldDate, FieldDropdown,
	FieldCheckbox, FieldTags, FieldURL, FieldEmail, FieldPhone,
}

// Length limits, in characters.
const (
	DefaultMaxLength = 255
	MaxParagraph     = 65535
)

// FieldDef defines a tenant's custom field on contacts or companies.
type FieldDef struct {
	ID        int64     `json:"id"`
	Kind      Kind      `json:"kind"`
	Key       string    `json:"key"`
	Label     string    `json:"label"`
	Type      FieldType `json:"type"`
	Choices   []string  `json:"choices,omitempty"`
	MaxLength int       `json:"max_length"`
	Required  bool      `json:"required"`
	CreatedAt time.Time `json:"created_at"`
}

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Normalize fills defaults in place: the label from the key, the maximum length.
func (f *FieldDef) Normalize() {
	f.Key = strings.TrimSpace(f.Key)
	f.Label = strings.TrimSpace(f.Label)
	if f.Label == "" {
		f.Label = f.Key
	}
	if f.MaxLength <= 0 {
		f.MaxLength = DefaultMaxLength
		if f.Type == FieldParagraph {
			f.MaxLength = MaxParagraph
		}
	}
	choices := make([]string, 0, len(f.Choices))
	for _, c := range f.Choices {
		if c = strings.TrimSpace(c); c != "" {
			choices = append(choices, c)
		}
	}
	f.Choices = choices
}

// Validate checks a normalized field definition.
func (f *FieldDef) Validate() error {
	if !f.Kind.Valid() {
		return Errorf(EINVALID, "kind must be contacts or companies, not %q", f.Kind).With("field", "kind")
	}
	if !fieldKeyRE.MatchString(f.Key) {
		return Errorf(EINVALID, "field key %q must start with a letter and hold only a-z, 0-9 and _ (at most 64)", f.Key).With("field", "key")
	}
	keys := ContactKeys
	if f.Kind == KindCompanies {
		keys = CompanyKeys
	}
	if slices.Contains(keys, f.Key) || f.Key == "id" || f.Key == "companies" {
		return Errorf(EINVALID, "field key %q is a built-in field of %s", f.Key, f.Kind).With("field", "key")
	}
	if !slices.Contains(FieldTypes, f.Type) {
		return Errorf(EINVALID, "unknown field type %q", f.Type).With("field", "type")
	}
	if f.Type == FieldDropdown && len(f.Choices) == 0 {
		return Errorf(EINVALID, "a dropdown field needs choices").With("field", "choices")
	}
	if f.Type != FieldDropdown && len(f.Choices) > 0 {
		return Errorf(EINVALID, "only dropdown fields have choices").With("field", "choices")
	}
	if f.MaxLength > MaxParagraph {
		return Errorf(EINVALID, "max_length is at most %d", MaxParagraph).With("field", "max_length")
	}
	return nil
}

// Value checks v against the definition and returns it in canonical form:
// string for text-like types, int64 for numbers, float64 for decimals,
// bool for checkboxes, []string for tags, "YYYY-MM-DD" for dates. Values
// arrive decoded from JSON (float64, bool, string, []any) or from the
// import pipeline (already canonical).
func (f *FieldDef) Value(v any) (any, error) {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, "%s: %s", f.Key, fmt.Sprintf(format, args...)).With("field", f.Key)
	}
	switch f.Type {
	case FieldNumber:
		switch n := v.(type) {
		case int64:
			return n, nil
		case int:
			return int64(n), nil
		case float64:
			if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
				return nil, bad("%v is not a whole number", n)
			}
			return int64(n), nil
		case json.Number:
			i, err := n.Int64()
			if err != nil {
				return nil, bad("%v is not a whole number", n)
			}
			return i, nil
		case string:
			i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
			if err != nil {
				return nil, bad("%q is not a whole number", n)
			}
			return i, nil
		}
	case FieldDecimal:
		switch n := v.(type) {
		case float64:
			return n, nil
		case int64:
			return float64(n), nil
		case int:
			return float64(n), nil
		case json.Number:
			x, err := n.Float64()
			if err != nil {
				return nil, bad("%v is not a number", n)
			}
			return x, nil
		case string:
			x, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return nil, bad("%q is not a number", n)
			}
			return x, nil
		}
	case FieldCheckbox:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case FieldTags:
		var tags []string
		switch t := v.(type) {
		case []string:
			tags = t
		case []any:
			for _, x := range t {
				s, ok := x.(string)
				if !ok {
					return nil, bad("tags must be strings")
				}
				tags = append(tags, s)
			}
		default:
			return nil, bad("expected a list of tags")
		}
		tags = NormalizeTags(tags)
		if err := checkTags(tags); err != nil {
			return nil, err
		}
		return tags, nil
	default:
		s, ok := v.(string)
		if !ok {
			return nil, bad("expected text")
		}
		s = strings.TrimSpace(s)
		if n := utf8.RuneCountInString(s); n > f.MaxLength {
			return nil, bad("is %d characters long; the maximum is %d", n, f.MaxLength)
		}
		return f.text(s, bad)
	}
	return nil, bad("unexpected value %v for a %s field", v, f.Type)
}

func (f *FieldDef) text(s string, bad func(string, ...any) error) (any, error) {
	switch f.Type {
	case FieldDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, bad("%q is not a date in the form YYYY-MM-DD", s)
		}
	case FieldDropdown:
		for _, c := range f.Choices {
			if strings.EqualFold(c, s) {
				return c, nil
			}
		}
		return nil, bad("%q is not one of %s", s, strings.Join(f.Choices, ", "))
	case FieldURL:
		if !IsHTTPURL(s) {
			return nil, bad("%q is not an absolute http or https URL", s)
		}
	case FieldEmail:
		s = strings.ToLower(s)
		if !LooksLikeEmail(s) {
			return nil, bad("%q is not a valid email address", s)
		}
	case FieldPhone:
		if !IsE164(s) {
			return nil, bad("%q is not a phone number in E.164 form", s)
		}
	}
	return s, nil
}

// ValidateCustom checks custom values against the definitions of one kind
// and returns them in canonical form. Nil and empty values are dropped;
// unknown keys and missing required fields are errors.
func ValidateCustom(defs []*FieldDef, values map[string]any) (map[string]any, error) {
	known := 0
	for _, d := range defs {
		if _, ok := values[d.Key]; ok {
			known++
		}
	}
	if known < len(values) {
		// Of several unknown keys, the first in order is named: the
		// same one every time.
		var unknown []string
		for k := range values {
			if !slices.ContainsFunc(defs, func(d *FieldDef) bool { return d.Key == k }) {
				unknown = append(unknown, k)
			}
		}
		k := slices.Min(unknown)
		return nil, Errorf(EINVALID, "unknown custom field %q", k).With("field", k)
	}
	// The fields are checked in their order, not the map's: of several
	// invalid values, the first field's is named every time.
	out := make(map[string]any, len(values))
	for _, d := range defs {
		v, ok := values[d.Key]
		if !ok || isEmptyValue(v) {
			if d.Required {
				return nil, Errorf(EINVALID, "custom field %q is required", d.Key).With("field", d.Key)
			}
			continue
		}
		cv, err := d.Value(v)
		if err != nil {
			return nil, err
		}
		out[d.Key] = cv
	}
	return out, nil
}

func isEmptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case []string:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// FieldStore keeps custom field definitions.
type FieldStore interface {
	CreateField(ctx context.Context, tenantID int64, f *FieldDef) error
	ListFields(ctx context.Context, tenantID int64, kind Kind) ([]*FieldDef, error)
	// DeleteField removes the definition and its values from every record.
	DeleteField(ctx context.Context, tenantID int64, kind Kind, key string) error
}
