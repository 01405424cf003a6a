package mapping

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// ParseExplicit parses a --map specification, "Header=key,Other Header=key",
// into header name -> key. Header names may contain spaces; one containing a
// comma, '=' or a leading quote is written in double quotes, with "" for a
// quote inside ("Name, full"=name). A key of "" or "-" means ignore the column.
func ParseExplicit(spec string) (map[string]string, error) {
	out := map[string]string{}
	seen := map[string]bool{}
	p := &specParser{s: spec}
	for {
		p.skipSpace()
		if p.eof() {
			return out, nil
		}
		if p.peek() == ',' { // tolerate empty entries and a trailing comma
			p.i++
			continue
		}
		start := p.i
		header, err := p.field()
		if err != nil {
			return nil, err
		}
		if p.eof() || p.peek() != '=' {
			return nil, fmt.Errorf("mapping %q has no '='", p.entry(start))
		}
		p.i++
		key, err := p.field()
		if err != nil {
			return nil, err
		}
		if !p.eof() && p.peek() == '=' {
			return nil, fmt.Errorf("mapping %q has more than one '='; quote a header that contains '=': \"A=B\"=key", p.entry(start))
		}
		if header == "" {
			return nil, fmt.Errorf("mapping %q has no header name before '='", p.entry(start))
		}
		// Only exact repeats are errors here: "Email" and "E-mail" may be two
		// different columns of one file, and Apply matches exact names first.
		if _, dup := seen[header]; dup {
			return nil, fmt.Errorf("header %q is mapped twice", header)
		}
		seen[header] = true
		out[header] = key
		if !p.eof() {
			p.i++ // the ','
		}
	}
}

// specParser walks a --map specification.
type specParser struct {
	s string
	i int
}

func (p *specParser) eof() bool  { return p.i >= len(p.s) }
func (p *specParser) peek() byte { return p.s[p.i] }

func (p *specParser) skipSpace() {
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t') {
		p.i++
	}
}

// entry is the text of the entry starting at start, for error messages.
func (p *specParser) entry(start int) string {
	end := p.i
	for end < len(p.s) && p.s[end] != ',' {
		end++
	}
	return strings.TrimSpace(p.s[start:end])
}

// field reads a quoted or bare field and stops at ',', '=' or the end.
func (p *specParser) field() (string, error) {
	p.skipSpace()
	if p.eof() || p.peek() != '"' {
		start := p.i
		for !p.eof() && p.peek() != ',' && p.peek() != '=' {
			p.i++
		}
		return strings.TrimSpace(p.s[start:p.i]), nil
	}
	open := p.i
	p.i++
	var b strings.Builder
	for {
		if p.eof() {
			return "", fmt.Errorf("mapping %q has an unterminated quote", strings.TrimSpace(p.s[open:]))
		}
		c := p.peek()
		p.i++
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		if !p.eof() && p.peek() == '"' { // "" is a literal quote
			b.WriteByte('"')
			p.i++
			continue
		}
		break
	}
	p.skipSpace()
	if !p.eof() && p.peek() != ',' && p.peek() != '=' {
		return "", fmt.Errorf("mapping %q has text after its closing quote", p.entry(open))
	}
	return b.String(), nil
}

// ignoreKey reports whether an explicit key means "ignore this column".
func ignoreKey(key string) bool {
	key = strings.TrimSpace(key)
	return key == "" || key == "-"
}

// Apply maps header using explicit (header name -> key, as from ParseExplicit)
// first, then, if auto, Auto for the remaining columns; no key is mapped
// twice. It fails, naming every problem, when an explicit header is not in
// the file, an explicit key is neither canonical for kind nor a custom key,
// or two explicit entries claim one column or one key.
func Apply(kind Kind, header []string, explicit map[string]string, custom []Custom, auto bool) (Mapping, error) {
	if canonicalKeys[kind] == nil {
		return Mapping{}, fmt.Errorf("unknown kind %q (want %q or %q)", kind, Contacts, Companies)
	}
	m := newMapping(header)
	done := make([]bool, len(header))
	claimed := map[string]claim{}
	byCol := map[int]string{} // column -> explicit header that took it
	byKey := map[string]string{}
	var errs []error
	names := make([]string, 0, len(explicit))
	for name := range explicit {
		names = append(names, name)
	}
	sort.Strings(names) // deterministic errors
	for _, name := range names {
		raw := explicit[name]
		col, err := findColumn(header, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := byCol[col]; ok {
			errs = append(errs, fmt.Errorf("mappings for %q and %q both name column %q", prev, name, header[col]))
			continue
		}
		byCol[col] = name
		done[col] = true
		if ignoreKey(raw) {
			continue
		}
		key, err := resolveKey(kind, strings.TrimSpace(raw), custom)
		if err != nil {
			errs = append(errs, fmt.Errorf("mapping %q: %w", name+"="+raw, err))
			continue
		}
		if prev, ok := byKey[key]; ok {
			errs = append(errs, fmt.Errorf("mappings for %q and %q both map to %s", prev, name, key))
			continue
		}
		byKey[key] = name
		claimed[key] = claim{col: col, explicit: true}
		m.Columns[col] = key
	}
	if len(errs) > 0 {
		return Mapping{}, errors.Join(errs...)
	}
	if auto {
		m.auto(kind, header, custom, done, claimed)
	} else {
		m.leaveRest(header, done)
	}
	m.setSeparators(kind, header)
	return m, nil
}

// findColumn finds the column an explicit header names: as written (spaces
// trimmed) if possible, else by Fold; more than one candidate is an error
// because guessing would import data into the wrong field.
func findColumn(header []string, name string) (int, error) {
	want := strings.TrimSpace(name)
	if want == "" {
		return 0, errors.New("a mapping has an empty header name")
	}
	var hits []int
	for i, h := range header {
		if strings.TrimSpace(h) == want {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		if f := Fold(want); f != "" {
			for i, h := range header {
				if Fold(h) == f {
					hits = append(hits, i)
				}
			}
		}
	}
	switch len(hits) {
	case 0:
		return 0, fmt.Errorf("mapping for %q: the file has no column %q", name, name)
	case 1:
		return hits[0], nil
	}
	cols := make([]string, len(hits))
	for i, c := range hits {
		cols[i] = fmt.Sprintf("%d (%q)", c+1, header[c])
	}
	return 0, fmt.Errorf("mapping for %q: several columns match it: %s", name, strings.Join(cols, ", "))
}

// resolveKey checks an explicit key: a canonical key of kind or a custom key,
// as written or else by Fold (so "First Name" is accepted for first_name).
func resolveKey(kind Kind, key string, custom []Custom) (string, error) {
	if isKey(kind, key) {
		return key, nil
	}
	for _, c := range custom {
		if c.Key != "" && c.Key == key {
			return key, nil
		}
	}
	if f := Fold(key); f != "" {
		for _, k := range canonicalKeys[kind] {
			if Fold(k) == f {
				return k, nil
			}
		}
		for _, c := range custom {
			if c.Key != "" && Fold(c.Key) == f {
				return c.Key, nil
			}
		}
	}
	msg := fmt.Sprintf("unknown %s field %q; fields are %s", kind, key, strings.Join(canonicalKeys[kind], ", "))
	if len(custom) > 0 {
		keys := make([]string, 0, len(custom))
		for _, c := range custom {
			if c.Key != "" {
				keys = append(keys, c.Key)
			}
		}
		msg += "; custom fields are " + strings.Join(keys, ", ")
	}
	return "", errors.New(msg + `; use "-" to ignore a column`)
}

// CheckKeys reports the first value of explicit that is not a field of
// kind (a canonical key, a custom field's key, or "-"), as Apply would,
// so that a saved mapping is checked before any file is read.
func CheckKeys(kind Kind, explicit map[string]string, custom []Custom) error {
	names := slices.Sorted(maps.Keys(explicit))
	for _, name := range names {
		if raw := explicit[name]; !ignoreKey(raw) {
			if _, err := resolveKey(kind, strings.TrimSpace(raw), custom); err != nil {
				return fmt.Errorf("%q: %w", name, err)
			}
		}
	}
	return nil
}

// Overlay returns the mapping of a profile (base) with the columns of an
// explicit mapping given with it (over) mapped as over says: changing one
// column of a saved mapping keeps the others ("-" ignores a column).
func Overlay(base, over map[string]string) map[string]string {
	if len(base) == 0 {
		return over
	}
	out := maps.Clone(base)
	maps.Copy(out, over)
	return out
}
