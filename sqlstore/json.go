package sqlstore

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Lists and custom values are stored as JSON text in both databases, so
// both hold the very same bytes and a tag filter can be one LIKE.

func encodeList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func decodeList(s string) []string {
	l := []string{}
	if s != "" && s != "[]" { // most contacts have no other emails
		json.Unmarshal([]byte(s), &l)
	}
	return l
}

func encodeCustom(m map[string]any) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// decodeCustom keeps whole numbers as int64 so number fields read back as written.
func decodeCustom(s string) map[string]any {
	m := map[string]any{}
	if s == "" || s == "{}" {
		return m
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	d.Decode(&m)
	for k, v := range m {
		switch t := v.(type) {
		case json.Number:
			if i, err := t.Int64(); err == nil {
				m[k] = i
			} else if f, err := t.Float64(); err == nil {
				m[k] = f
			}
		case []any:
			l := make([]string, 0, len(t))
			for _, x := range t {
				if s, ok := x.(string); ok {
					l = append(l, s)
				}
			}
			m[k] = l
		}
	}
	return m
}

// tagPattern is the LIKE pattern that finds tag t in a JSON list.
func tagPattern(t string) string {
	b, _ := json.Marshal(strings.ToLower(t))
	return "%" + escapeLike(string(b)) + "%"
}

// escapeLike escapes LIKE wildcards with backslash (queries say ESCAPE '\').
func escapeLike(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tagKeys is the lower-cased form of tags the tag filter searches, so it
// ignores case the same way on both databases.
func tagKeys(tags []string) string {
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = strings.ToLower(t)
	}
	return encodeList(keys)
}
