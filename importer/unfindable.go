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

// holds reports whether c holds the --match identifier id.
func holds(c *roster.Contact, id string) bool {
	switch id {
	case roster.MatchEmail:
		return c.Email != "" || len(c.OtherEmails) > 0
	case roster.MatchPhone:
		return c.Phone != "" || c.Mobile != ""
	case roster.MatchExternalID:
		return c.ExternalID != ""
	case roster.MatchUsername:
		return c.Username != ""
	}
	return false
}

// identifiers are the --match identifiers, in the order a suggestion lists them.
var identifiers = []string{roster.MatchEmail, roster.MatchPhone, roster.MatchExternalID, roster.MatchUsername}

// unfindable counts such contacts over an import. Only the writer adds to it.
type unfindable struct {
	count int
	row   int             // the first one's row
	has   map[string]bool // the identifiers they hold instead
}

// add notes a created contact, if match cannot find it.
func (u *unfindable) add(row int, c *roster.Contact, match []string) {
	for _, id := range match { // every new contact passes here: no allocation
		if holds(c, id) {
			return
		}
	}
	if u.count == 0 {
		u.row, u.has = row, map[string]bool{}
	}
	u.count++
	for _, id := range identifiers {
		if holds(c, id) {
			u.has[id] = true
		}
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
	for _, id := range identifiers {
		if u.has[id] && !slices.Contains(wider, id) {
			wider = append(wider, id)
		}
	}
	if len(wider) > len(match) {
		w += fmt.Sprintf(": --match %s would", strings.Join(wider, ","))
	}
	return []string{fmt.Sprintf("%s (first at row %d)", w, u.row)}
}
