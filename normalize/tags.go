package normalize

import "strings"

// Tags splits a cell on commas (also the full-width "，" and the
// ideographic "、"), trims and drops empty tags, and removes case-insensitive
// duplicates keeping the first spelling and the order. Google Contacts'
// labels ("* myContacts ::: Friends") are read too: " ::: " separates
// them, its system labels lose their "* ", and "myContacts", which every
// Google contact has, is left out.
func Tags(s string) []string {
	var out, keys []string
	for _, t := range strings.FieldsFunc(strings.ReplaceAll(s, " ::: ", ","), func(r rune) bool {
		return r == ',' || r == '，' || r == '、'
	}) {
		t = strings.TrimSpace(t)
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
