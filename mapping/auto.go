package mapping

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Mapping is how the columns of one file map to field keys; a column ignored
// with a warning (a duplicate, a blank header) is not listed in Unmapped too.
type Mapping struct {
	Columns  []string // per header column: the key it maps to, or "" if unmapped
	Unmapped []string // header names left unmapped, in file order (reported as warnings)
	Warnings []string // e.g. two columns map to the same key: the later one is ignored
	// Separators holds, per column, a separator its cells' lists use
	// besides Roster's own "||" ("" for none): HubSpot's ";" (see lists.go).
	Separators []string
	// SpacedTags: the file is Zendesk's export, whose tags hold no spaces
	// and are separated by them.
	SpacedTags bool
	// Primaries maps company and company_external_id to the column that
	// names the contact's primary one of a list column's companies
	// (HubSpot's "Associated Company IDs (Primary)"), put first.
	Primaries map[string]int
	// YesWords holds, per column, the one value that means yes in a
	// checkbox column that writes a setting of its own system rather than
	// yes or no ("" for the usual words): Zendesk's ticket_restriction,
	// whose "organization" is view_all_tickets, and whose other values
	// leave it unset.
	YesWords []string

	zendesk zendeskColumns // the header's Zendesk columns, if it is Zendesk's export
}

// Match tiers, strongest first: when two columns want one key the stronger
// match keeps it, and between equals the earlier column does.
const (
	tierKey    = iota // the header is the canonical key itself
	tierCustom        // a custom field's key or label
	tierList          // an export's list of links (lists.go)
	tierSyn           // a synonym
	tierNumber        // any of the above once a trailing number is cut ("Phone 2")
)

// matcher finds the key a folded header means, for one kind and tenant.
type matcher struct {
	canon  map[string]string // Fold(key) -> canonical key
	custom map[string]string // Fold(custom key or label) -> custom key
	syn    map[string]string // Fold(synonym) -> canonical key
	// secondary maps columns that fill a key only if no other does.
	secondary map[string]string
	lists     map[string]string // Fold(list column header) -> key
}

func newMatcher(kind Kind, custom []Custom) *matcher {
	m := &matcher{canon: map[string]string{}, custom: map[string]string{}, syn: synonymIndex[kind]}
	if kind == Contacts {
		m.secondary, m.lists = secondaryIndex, listIndex
	}
	for _, k := range canonicalKeys[kind] {
		m.canon[Fold(k)] = k
	}
	// Keys first, then labels, so one field's label cannot shadow another's key.
	for _, c := range custom {
		if f := Fold(c.Key); f != "" && c.Key != "" {
			if _, ok := m.custom[f]; !ok {
				m.custom[f] = c.Key
			}
		}
	}
	for _, c := range custom {
		if f := Fold(c.Label); f != "" && c.Key != "" {
			if _, ok := m.custom[f]; !ok {
				m.custom[f] = c.Key
			}
		}
	}
	return m
}

// match returns the key folded header f means and how strongly.
func (m *matcher) match(f string) (key string, tier int, ok bool) {
	if key, tier, ok = m.exact(f); ok {
		return key, tier, true
	}
	// "Phone 2", "Email 2", "Work Address 2": numbered repeats of a known
	// column. They map like the column, so they lose to it and are reported
	// rather than silently stealing another key (Phone 2 is not mobile).
	if stem, cut := trimNumber(f); cut {
		if key, _, ok = m.exact(stem); ok {
			return key, tierNumber, true
		}
	}
	// "Home Phone", "Email - Home": as a numbered repeat, only if no
	// other column fills the key.
	if key, ok := m.secondary[f]; ok {
		return key, tierNumber, true
	}
	// Google Contacts numbers its repeated columns in the middle: "E-mail 1 -
	// Value", "Phone 2 - Value", "Address 1 - Formatted", "Organization 1 -
	// Name"; Outlook writes "E-mail 2 Address". Such a column maps as
	// "E-mail 1", "Phone 2", "Address 1", "Organization Name" would; the
	// "- Label", "- Type" and address parts beside them stay unmapped.
	if stem, part, ok := midNumber(f); ok {
		if part == "value" || part == "formatted" {
			part = ""
		}
		if key, _, ok = m.exact(stem + part); ok {
			return key, tierNumber, true
		}
	}
	return "", 0, false
}

// midNumber splits a folded header numbered in the middle ("email1value")
// into its stem and what follows the number, if that is one of the parts
// such exports number.
func midNumber(f string) (stem, part string, ok bool) {
	for _, part := range []string{"value", "name", "title", "formatted", "address"} {
		if rest, cut := strings.CutSuffix(f, part); cut {
			if stem, cut := trimNumber(rest); cut {
				return stem, part, true
			}
		}
	}
	return "", "", false
}

func (m *matcher) exact(f string) (string, int, bool) {
	if k, ok := m.canon[f]; ok {
		return k, tierKey, true
	}
	if k, ok := m.custom[f]; ok {
		return k, tierCustom, true
	}
	if k, ok := m.syn[f]; ok {
		if m.lists[f] == k {
			return k, tierList, true
		}
		return k, tierSyn, true
	}
	return "", 0, false
}

// Auto maps header automatically: per column the canonical key (folded), then
// a custom field's key or label, then the synonym table; each key is given to
// one column only.
func Auto(kind Kind, header []string, custom []Custom) Mapping {
	m := newMapping(header)
	m.auto(kind, header, custom, make([]bool, len(header)), map[string]claim{})
	m.setSeparators(kind, header)
	return m
}

func newMapping(header []string) Mapping {
	m := Mapping{Columns: make([]string, len(header)), YesWords: make([]string, len(header)), Primaries: map[string]int{},
		zendesk: zendeskExport(header)}
	if zd := m.zendesk; zd.id >= 0 {
		m.SpacedTags = true
		if zd.restriction >= 0 {
			m.YesWords[zd.restriction] = zendeskSeesOrganization
		}
	}
	return m
}

// claim records which column holds a key, and whether an explicit mapping gave it.
type claim struct {
	col      int
	explicit bool
}

// noted is a message tied to a column, so warnings come out in file order.
type noted struct {
	col int
	msg string
}

// auto maps the columns not yet done, never giving out a key already claimed.
func (m *Mapping) auto(kind Kind, header []string, custom []Custom, done []bool, claimed map[string]claim) {
	mt := newMatcher(kind, custom)
	type candidate struct {
		col, tier int
		key       string
	}
	var cands []candidate
	var notes []noted
	unmapped := make([]bool, len(header))
	zd := m.zendesk
	for i, h := range header {
		if done[i] {
			continue
		}
		if strings.TrimSpace(h) == "" {
			notes = append(notes, blankNote(i))
			continue
		}
		if i == zd.url {
			unmapped[i] = true // an API address, no website
			continue
		}
		if i == zd.restriction && kind == Contacts {
			cands = append(cands, candidate{i, tierSyn, "view_all_tickets"})
			continue
		}
		key, tier, ok := mt.match(Fold(h))
		if !ok {
			unmapped[i] = true
			continue
		}
		cands = append(cands, candidate{i, tier, key})
	}
	idIsExternal := slices.ContainsFunc(cands, func(c candidate) bool { return c.col == zd.id && c.key == "external_id" })
	if zd.externalID >= 0 && idIsExternal && !done[zd.externalID] {
		cands = slices.DeleteFunc(cands, func(c candidate) bool { return c.col == zd.externalID })
		notes = append(notes, zendeskNote(header, zd))
	}
	if kind == Contacts {
		// "Name" and Korean "이름" mean the whole name alone, but beside a
		// family-name column the given name ("성, 이름"; "Name, Surname"),
		// and German "Name" beside "Vorname" the family name.
		has := map[string]bool{}
		for _, c := range cands {
			has[c.key] = true
		}
		for i, c := range cands {
			f := Fold(header[c.col])
			if c.key != "name" || f != "name" && f != "이름" || header[c.col] == "name" {
				continue // the canonical key itself means what it says
			}
			switch {
			case has["last_name"] && !has["first_name"]:
				cands[i].key = "first_name"
			case has["first_name"] && !has["last_name"] && f == "name":
				cands[i].key = "last_name"
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].tier < cands[b].tier })
	wanted := map[string]bool{}
	for _, c := range cands {
		wanted[c.key] = true
	}
	joins := map[string][]int{} // key -> the columns joined into it
	for _, c := range cands {
		if cl, taken := claimed[c.key]; taken {
			if _, ok := Joined[c.key]; ok && !cl.explicit {
				// "Address 2", "City", "Notes": the cells are joined, not lost.
				m.Columns[c.col] = c.key
				if joins[c.key] == nil {
					joins[c.key] = []int{cl.col}
				}
				joins[c.key] = append(joins[c.key], c.col)
				continue
			}
			if next := overflow[c.key]; kind == Contacts && next != "" && !wanted[next] && !isClaimed(claimed, next) {
				// A second email or phone column: nothing is lost.
				claimed[next], wanted[next] = claim{col: c.col}, true
				m.Columns[c.col] = next
				notes = append(notes, noted{c.col, overflowWarning(header, c.key, next, cl, c.col)})
				continue
			}
			if kind == Contacts && !cl.explicit && primaryOf(header, c.key, cl.col, c.col) {
				// HubSpot's "(Primary)" beside the whole list: it says
				// which of the list comes first, the default.
				m.Primaries[c.key] = c.col
				continue
			}
			notes = append(notes, noted{c.col, dupWarning(header, c.key, cl, c.col)})
			continue
		}
		claimed[c.key] = claim{col: c.col}
		m.Columns[c.col] = c.key
	}
	for key, cols := range joins {
		notes = append(notes, noted{slices.Min(cols), joinWarning(header, key, cols)})
	}
	for i, u := range unmapped {
		if u {
			m.Unmapped = append(m.Unmapped, header[i])
		}
	}
	m.addNotes(notes)
}

// leaveRest reports the columns not yet done as unmapped, for Apply without auto.
func (m *Mapping) leaveRest(header []string, done []bool) {
	var notes []noted
	for i, h := range header {
		switch {
		case done[i]:
		case strings.TrimSpace(h) == "":
			notes = append(notes, blankNote(i))
		default:
			m.Unmapped = append(m.Unmapped, h)
		}
	}
	m.addNotes(notes)
}

func (m *Mapping) addNotes(notes []noted) {
	sort.SliceStable(notes, func(a, b int) bool { return notes[a].col < notes[b].col })
	for _, n := range notes {
		m.Warnings = append(m.Warnings, n.msg)
	}
}

// blankNote is a warning rather than an Unmapped entry: there is no name to list.
func blankNote(col int) noted {
	return noted{col, fmt.Sprintf("column %d has no header name; it is ignored", col+1)}
}

// Joined are the fields several columns may fill, and what joins their
// cells: an address's lines, a description's paragraphs, a company's
// domains (HubSpot's "Company Domain Name" and "Additional Domains").
var Joined = map[string]string{"address": ", ", "description": "\n\n", "domains": ", "}

func isClaimed(claimed map[string]claim, key string) bool {
	_, ok := claimed[key]
	return ok
}

// bothMap begins the warning about two columns that map to one key, in
// file order.
func bothMap(header []string, key string, a, b int) string {
	return fmt.Sprintf("columns %q and %q both map to %s", header[min(a, b)], header[max(a, b)], key)
}

// joinWarning says that the columns cols all fill key, joined: one
// warning for an address's street, city and country.
func joinWarning(header []string, key string, cols []int) string {
	how := "with a comma"
	if Joined[key] != ", " {
		how = "as paragraphs"
	}
	slices.Sort(cols)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = strconv.Quote(header[c])
	}
	if len(names) == 2 {
		return fmt.Sprintf("columns %s and %s both map to %s; their cells are joined %s", names[0], names[1], key, how)
	}
	return fmt.Sprintf("columns %s and %s all map to %s; their cells are joined %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1], key, how)
}

// overflow is where a contact's second email or phone column goes when no
// column of the file fills that field: "Email 2" holds other emails,
// "Phone 2" a mobile.
var overflow = map[string]string{"email": "other_emails", "phone": "mobile"}

func overflowWarning(header []string, key, next string, cl claim, col int) string {
	return bothMap(header, key, cl.col, col) + fmt.Sprintf("; %q goes to %s, which no other column fills", header[col], next)
}

func dupWarning(header []string, key string, cl claim, ignored int) string {
	if cl.explicit {
		return fmt.Sprintf("column %q would map to %s, which the explicit mapping gives to %q; %q is ignored",
			header[ignored], key, header[cl.col], header[ignored])
	}
	return bothMap(header, key, cl.col, ignored) + fmt.Sprintf("; %q is ignored", header[ignored])
}
