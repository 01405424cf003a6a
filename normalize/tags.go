package normalize

import "strings"

// Tags splits a cell on commas (also the full-width "，" and the
// ideographic "、"), semicolons and bars, as spreadsheets and CRMs list
// tags, trims them (and the quotes Mailchimp puts around each), drops
// empty ones, and removes case-insensitive duplicates keeping the first
// spelling and the order. Google Contacts' labels ("* myContacts :::
// Friends") are read too: " ::: " separates them, its system labels lose
// their "* ", and "myContacts", which every Google contact has, is left out.
func Tags(s string) []string {
	var out, keys []string
	for _, t := range strings.FieldsFunc(strings.ReplaceAll(s, " ::: ", ","), TagSeparator) {
		t = strings.TrimSpace(t)
		if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
			t = strings.TrimSpace(t[1 : len(t)-1])
		}
		if system, ok := strings.CutPrefix(t, "* "); ok {
			if system == "myContacts" {
				continue
			}
			t = strings.TrimSpace(system)
		}
		if t == "" {
			continue
		}
		k := strings.ToLower(t)
		if contains(keys, k) {
			continue
		}
		keys = append(keys, k)
		out = append(out, t)
	}
	return out
}

// TagSeparator reports whether r separates tags in a cell.
func TagSeparator(r rune) bool {
	return r == ',' || r == '，' || r == '、' || r == ';' || r == '|'
}
