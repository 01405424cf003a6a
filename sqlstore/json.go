package sqlstore

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Lists and custom values are stored as JSON text in both databases, so
// both hold the very same bytes and a tag filter can be one LIKE.
//
// Every contact an import writes encodes three lists and its custom
// values: the encoders below write the bytes json.Marshal would, without
// its reflection, and leave what they do not handle to it.

func encodeList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	// A buffer the appenders get directly stays on the stack.
	if b, ok := appendList(make([]byte, 0, 64), l); ok {
		return string(b)
	}
	return marshal(l)
}

// marshal is v as json.Marshal writes it, for what the appenders leave.
func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func appendList(b []byte, l []string) ([]byte, bool) {
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendString(b, s); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// appendString appends s quoted as json.Marshal quotes it, and reports
// false for a string that json.Marshal escapes: a quote, a backslash,
// HTML's < > &, a control character, U+2028 or U+2029, or bytes that are
// not UTF-8. Other text, whatever its script, goes as it is.
func appendString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return b, false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return b, false
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
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
	if b, ok := appendCustom(make([]byte, 0, 128), m); ok {
		return string(b)
	}
	return marshal(m)
}

// appendCustom writes m with its keys in order, as json.Marshal does, for
// the values fields hold: text, whole numbers, checkboxes and tags.
func appendCustom(b []byte, m map[string]any) ([]byte, bool) {
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendString(b, k); !ok {
			return b, false
		}
		b = append(b, ':')
		switch v := m[k].(type) {
		case string:
			b, ok = appendString(b, v)
		case int64:
			b, ok = strconv.AppendInt(b, v, 10), true
		case bool:
			b, ok = strconv.AppendBool(b, v), true
		case []string:
			if v == nil {
				b, ok = append(b, "null"...), true
			} else {
				b, ok = appendList(b, v)
			}
		default: // floats, and anything else, as json.Marshal writes them
			return b, false
		}
		if !ok {
			return b, false
		}
	}
	return append(b, '}'), true
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
