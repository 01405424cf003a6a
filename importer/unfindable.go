package importer

import (
	"fmt"
	"slices"
	"strings"

	"roster"
)

// A contact created from a row with none of the --match identifiers (a
// phone-only row when matching by email, the default) cannot be found by
// them again: importing the same rows again would create it again. The
// report says so, with the identifiers that would find such contacts.

// identifiersOf returns the --match identifiers c holds, in the order
// --match lists them.
func identifiersOf(c *roster.Contact) []string {
	var out []string
	for _, id := range []struct {
		name string
		has  bool
	}{
		{roster.MatchEmail, len(c.Emails()) > 0},
		{roster.MatchPhone, c.Phone != "" || c.Mobile != ""},
		{roster.MatchExternalID, c.ExternalID != ""},
		{roster.MatchUsername, c.Username != ""},
	} {
		if id.has {
			out = append(out, id.name)
		}
	}
	return out
}

// unfindable counts such contacts over an import. Only the writer adds to it.
type unfindable struct {
	count int
	row   int             // the first one's row
	has   map[string]bool // the identifiers they hold instead
}

// add notes a created contact, if match cannot find it.
func (u *unfindable) add(row int, c *roster.Contact, match []string) {
	ids := identifiersOf(c)
	if slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(match, id) }) {
		return
	}
	if u.count == 0 {
		u.row, u.has = row, map[string]bool{}
	}
	u.count++
	for _, id := range ids {
		u.has[id] = true
	}
}

// merge adds a batch's notes, made after u's.
func (u *unfindable) merge(b unfindable) {
	if b.count == 0 {
		return
	}
	if u.count == 0 {
		u.row, u.has = b.row, map[string]bool{}
	}
	u.count += b.count
	for id := range b.has {
		u.has[id] = true
	}
}

// warning says it, or nothing when every created contact can be found.
func (u *unfindable) warning(match []string) []string {
	if u.count == 0 {
		return nil
	}
	what := fmt.Sprintf("%d new contacts have", u.count)
	if u.count == 1 {
		what = "1 new contact has"
	}
	w := fmt.Sprintf("%s none of the identifiers of --match (%s), so importing the same rows again would not find them", what, strings.Join(match, ","))
	wider := slices.Clone(match)
	for _, id := range []string{roster.MatchEmail, roster.MatchPhone, roster.MatchExternalID, roster.MatchUsername} {
		if u.has[id] && !slices.Contains(wider, id) {
			wider = append(wider, id)
		}
	}
	if len(wider) > len(match) {
		w += fmt.Sprintf(": --match %s would", strings.Join(wider, ","))
	}
	return []string{fmt.Sprintf("%s (first at row %d)", w, u.row)}
}
